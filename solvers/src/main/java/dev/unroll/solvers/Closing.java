package dev.unroll.solvers;

/**
 * Closing resources where a failure to close has no one to report to: backend memory freed after a failed
 * allocation, a worker's buffers at the end of a task, a JVM's backend at exit. One definition, so every such
 * place ignores the same things and nothing more.
 */
public final class Closing {
    private Closing() {
    }

    /**
     * Closes each non-null resource in order, ignoring what {@code close} throws: freeing memory fails in no way a
     * caller could act on, and one failure must not keep the others open.
     */
    public static void quietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception ignored) {
                // nothing to do: see the method's comment
            }
        }
    }
}
