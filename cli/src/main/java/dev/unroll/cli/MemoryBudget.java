package dev.unroll.cli;

import dev.unroll.solvers.HostMatrix;
import java.util.Locale;

/**
 * The memory a command's largest arrays will take, estimated from the sizes on its command line and
 * checked before any work starts: a size that cannot fit is refused with one line (exit status 2) instead
 * of a Java out-of-memory error or an integer overflow after minutes of work.
 *
 * <p>It counts what lives on the Java heap: host arrays always, and a backend's matrices when the backend
 * keeps them in host memory (not a GPU's). Only the largest arrays are counted, so a run it lets through may
 * still need somewhat more; it exists to stop the sizes that are off by orders of magnitude.
 */
final class MemoryBudget {
    private final boolean backendOnHeap;
    private double bytes;
    private String largest = "";
    private double largestBytes;

    /**
     * @param backendOnHeap whether the backend's matrices live on the Java heap (false for a GPU backend)
     */
    MemoryBudget(boolean backendOnHeap) {
        this.backendOnHeap = backendOnHeap;
    }

    /**
     * Adds one host array of {@code rows × cols} doubles ({@code what} names it); fails at once when no Java
     * array can hold that many values, with {@code fix} saying what to make smaller.
     */
    MemoryBudget hostArray(String what, long rows, long cols, String fix) {
        long values = rows * cols; // both are ints: no long overflow
        if (values > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new UsageException(what + " (" + rows + "×" + cols + " = " + values + " values) cannot be held: "
                    + "a Java array holds at most " + HostMatrix.MAX_ARRAY_LENGTH + " values; " + fix);
        }
        return add(what, 8.0 * values);
    }

    /** Adds {@code values} values of {@code bytesPerValue} bytes that the backend holds ({@code what}). */
    MemoryBudget backend(String what, double values, int bytesPerValue) {
        return backendOnHeap ? add(what, values * bytesPerValue) : this;
    }

    private MemoryBudget add(String what, double b) {
        bytes += b;
        if (b > largestBytes) {
            largestBytes = b;
            largest = what;
        }
        return this;
    }

    /** Fails when the total exceeds what this JVM may use; {@code fix} says which sizes to make smaller. */
    void check(String fix) {
        check(Runtime.getRuntime().maxMemory(), fix);
    }

    /** {@link #check(String)} against a heap of {@code maxHeap} bytes. */
    void check(long maxHeap, String fix) {
        if (bytes > maxHeap) {
            throw new UsageException(String.format(Locale.ROOT, "this run needs about %s of memory (the largest "
                    + "part: %s, %s) but Java may use at most %s here: %s, or give Java more memory with "
                    + "UNROLL_JAVA_OPTS=-Xmx<size> (e.g. -Xmx%dg)", size(bytes), largest, size(largestBytes),
                    size(maxHeap), fix, (long) Math.ceil(bytes * 1.25 / (1L << 30))));
        }
    }

    static String size(double b) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    }
}
