package dev.unroll.spark;

import dev.unroll.solvers.Closing;
import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one backend of this JVM (a Spark executor, or the driver in local mode) and everything opened on it
 * for the tasks the JVM runs: opened by the first task that needs it, shared by every later task, closed
 * when the JVM ends (a shutdown hook: an executor's JVM exits when the executor ends). Opening a backend
 * per row or per partition would repeat its start-up (thread pools, JIT warm-up, device context) thousands of
 * times. The backend is the one {@link Backends#open()} picks: {@code -Dunroll.backend} in
 * {@code spark.executor.extraJavaOptions}, or {@code UNROLL_BACKEND} in {@code spark.executorEnv}, else the
 * fastest available.
 */
final class JvmBackend {
    private static Backend backend;
    private static int opened;
    /** What was opened on the backend, closed in reverse order before it. */
    private static final Deque<AutoCloseable> OWNED = new ArrayDeque<>();

    private JvmBackend() {
    }

    /** This JVM's backend, opened on the first call. */
    static synchronized Backend get() {
        if (backend == null) {
            backend = Backends.open();
            opened++;
            Runtime.getRuntime().addShutdownHook(new Thread(JvmBackend::closeAll, "unroll-backend-close"));
        }
        return backend;
    }

    /** Registers {@code resource} (opened on {@link #get()}) to be closed when the JVM ends, before the backend. */
    static synchronized <T extends AutoCloseable> T own(T resource) {
        OWNED.push(resource);
        return resource;
    }

    /** Closes {@code resource} now and forgets it (a cache evicting an entry). */
    static synchronized void release(AutoCloseable resource) {
        OWNED.remove(resource);
        Closing.quietly(resource);
    }

    /** How many times this JVM opened a backend: 1 once any task ran, however many tasks there were. */
    static synchronized int opens() {
        return opened;
    }

    private static synchronized void closeAll() {
        while (!OWNED.isEmpty()) {
            Closing.quietly(OWNED.pop());
        }
        if (backend != null) {
            Closing.quietly(backend);
            backend = null;
        }
    }

}
