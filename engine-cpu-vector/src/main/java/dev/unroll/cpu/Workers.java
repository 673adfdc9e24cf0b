package dev.unroll.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend's own thread pool ({@code unroll.threads} workers, the calling thread included) and the one way
 * kernels use it: split a range of independent columns into contiguous chunks that the threads claim in
 * turn. Claiming, rather than one fixed part per thread, keeps a split fast when another process takes a
 * core away for a while (the machines this runs on are shared): the thread still running takes the chunks
 * left. The chunks are fixed by the range alone, so which thread ran one never changes a result.
 */
final class Workers implements AutoCloseable {
    /**
     * Below this many multiply-adds a product runs on the calling thread alone. Handing work to another core
     * and joining it costs some 10 µs here, as much as 2^19 multiply-adds take: a 20-layer SLISTA step at
     * batch 16 (products of 2^18) ran 1.7× slower on two threads than on one with a threshold of 2^16.
     */
    private static final long MIN_PARALLEL_WORK = 1L << 19;
    /** Chunks per thread of a split: enough for the threads to even out, few enough to cost nothing. */
    private static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final ForkJoinPool pool;
    /** One reusable task per helper thread: a split allocates nothing. */
    private final Helper[] helpers;
    /** Held by the split in progress; a second caller meanwhile runs its range alone. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger nextChunk = new AtomicInteger();
    // The split in progress, written before the helpers are started (which publishes them to the helpers).
    private Range body;
    private int end;
    private int chunk;
    private int chunks;

    Workers(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
        this.helpers = new Helper[Math.max(0, threads - 1)];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper();
        }
    }

    int threads() {
        return threads;
    }

    /** A body that handles columns [from, to). */
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in chunks of a multiple of {@code grain} each, on up to {@link #threads()}
     * threads, or on the calling thread alone when {@code work} (multiply-adds) is small.
     */
    void forRange(int n, int grain, long work, Range body) {
        if (!splits(n, grain, work) || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        int started = 0;
        try {
            this.chunk = chunkSize(n, grain);
            this.chunks = (n + chunk - 1) / chunk;
            this.end = n;
            this.body = body;
            nextChunk.set(0);
            int count = Math.min(helpers.length, chunks - 1);
            for (; started < count; started++) {
                helpers[started].reinitialize();
                pool.execute(helpers[started]);
            }
            runChunks();
        } finally {
            // Every helper is done with this split before the next one may reuse the fields.
            Throwable failure = null;
            for (int h = 0; h < started; h++) {
                helpers[h].quietlyJoin();
                if (failure == null) {
                    failure = helpers[h].getException();
                }
            }
            this.body = null;
            busy.set(false);
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /**
     * The length of the chunks a split of [0, n) into multiples of {@code grain} uses (the last may be
     * shorter): a body can tell its chunk's number from its start, {@code from / chunkSize}.
     */
    int chunkSize(int n, int grain) {
        int units = (n + grain - 1) / grain;
        int wanted = Math.max(1, Math.min(units, threads * CHUNKS_PER_THREAD));
        return (units + wanted - 1) / wanted * grain;
    }

    /** Claims and runs chunks of the split in progress until none is left. */
    private void runChunks() {
        Range b = body;
        int c;
        while ((c = nextChunk.getAndIncrement()) < chunks) {
            int from = c * chunk;
            b.run(from, Math.min(end, from + chunk));
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

    /** A helper thread's share of a split: the chunks it claims. */
    private final class Helper extends RecursiveAction {
        @Override
        protected void compute() {
            runChunks();
        }
    }
}
