package dev.unroll.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The backend's own thread pool ({@code unroll.threads} workers, the calling thread included) and the one way
 * kernels use it: split a range of independent columns into contiguous parts.
 */
final class Workers implements AutoCloseable {
    /**
     * Below this many multiply-adds a product runs on the calling thread alone. Handing work to another core
     * and joining it costs some 10 µs here, as much as 2^19 multiply-adds take: a 20-layer SLISTA step at
     * batch 16 (products of 2^18) ran 1.7× slower on two threads than on one with a threshold of 2^16.
     */
    private static final long MIN_PARALLEL_WORK = 1L << 19;

    private final int threads;
    private final ForkJoinPool pool;

    Workers(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    int threads() {
        return threads;
    }

    /** A body that handles columns [from, to). */
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in up to {@link #threads()} parts of a multiple of {@code grain} each, or on
     * the calling thread alone when {@code work} (multiply-adds) is small.
     */
    void forRange(int n, int grain, long work, Range body) {
        if (!splits(n, grain, work)) {
            body.run(0, n);
            return;
        }
        int parts = Math.min(threads, (n + grain - 1) / grain);
        int chunk = (n + parts - 1) / parts;
        chunk = (chunk + grain - 1) / grain * grain;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts);
        for (int from = chunk; from < n; from += chunk) {
            int f = from;
            int t = Math.min(n, from + chunk);
            tasks.add(pool.submit(() -> body.run(f, t)));
        }
        body.run(0, Math.min(n, chunk));
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }

    /**
     * Whether {@link #forRange} would split this range over several threads. Callers on hot paths check it
     * first and run the serial case directly, so that they allocate no lambda for it.
     */
    boolean splits(int n, int grain, long work) {
        return pool != null && n > grain && work >= MIN_PARALLEL_WORK && !onOwnWorker();
    }

    /** Whether the caller is one of this pool's workers (a nested split would only queue behind itself). */
    private boolean onOwnWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
