package dev.unroll.cpu;

import dev.unroll.engine.OwnershipException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The backend's own threads ({@code unroll.threads} of them, the calling thread included) and the one way
 * kernels use them: split a range of independent columns into contiguous chunks that the threads claim in
 * turn. Claiming, rather than one fixed part per thread, keeps a split fast when another process takes a
 * core away for a while (the machines this runs on are shared): the thread still running takes the chunks
 * left. The chunks are fixed by the range alone, so which thread ran one never changes a result.
 *
 * <p>The helper threads spin for {@link #SPIN_NANOS} after each split before they park, as OpenBLAS's and
 * OpenMP's (active wait policy) threads do. A training step or a batch of encodings issues one split after
 * another a few microseconds apart; waking a parked thread costs 5–20 µs on these machines, as much as a
 * 256×64·64×256 product takes on one core, so with a pool that parked between splits (a
 * {@code ForkJoinPool}) a split and join cost 9–15 µs; with a spinning helper it costs about 2 µs. An idle
 * backend parks its helpers after that short while and costs nothing.
 *
 * <p>Closing races with splits in progress (a service closes its backend while requests still run): a
 * split never waits for a helper that has left. A helper leaves only by marking its ticket {@link #EXITED},
 * and the caller hands a ticket only to a helper that has not, both by compare-and-set, so every helper the
 * caller counts on takes part and checks out; the caller itself runs every chunk nobody claimed. A split
 * started after {@link #close()} throws {@link OwnershipException}, as the backend's front door does.
 */
final class Workers implements AutoCloseable {
    /**
     * Below this many multiply-adds a product runs on the calling thread alone. A split and join with a
     * spinning helper costs about 2 µs here (9–15 µs when the helper parked in between), and the product's
     * half saved must beat it: at 2^18 (a 256×64·64×16 product, in a 20-layer SLISTA step at batch 16) two
     * threads ran slower than one.
     */
    private static final long MIN_PARALLEL_WORK = 1L << 19;
    /** Chunks per thread of a split: enough for the threads to even out, few enough to cost nothing. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** How long a helper spins for the next split before it parks. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** Spins of the caller waiting for its helpers before it yields its core (a helper may have lost its own). */
    private static final int JOIN_SPINS_BEFORE_YIELD = 1 << 14;

    /** A helper's ticket once it has left for good: no split may be handed to it any more. */
    private static final long EXITED = -1;

    /** No helpers: every range runs on the calling thread (the products inside a tile of a split pass). */
    static final Workers SERIAL = new Workers(1);

    private final int threads;
    private final Helper[] helpers;
    /** Held by the split in progress; a second caller meanwhile runs its range alone. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger nextChunk = new AtomicInteger();
    /** Helpers still inside the split in progress. */
    private final AtomicInteger running = new AtomicInteger();
    /** Splits started so far: the ticket handed to each helper taking part in the next one. */
    private long splitCount;
    private volatile boolean closed;
    /** The first failure a helper met in the split in progress. */
    private volatile Throwable failure;
    // The split in progress, written before the helpers are handed their tickets.
    private Range body;
    private int end;
    private int chunk;
    private int chunks;

    Workers(int threads) {
        this.threads = threads;
        this.helpers = new Helper[Math.max(0, threads - 1)];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper(this, h);
            helpers[h].start();
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
     * A body that holds one split's arguments in an object reused from call to call (a capturing lambda per
     * split cost an allocation per call).
     */
    interface ReusedRange extends Range {
        /** Drops the argument references, so that a finished split keeps no caller's matrix reachable. */
        void clear();
    }

    /** {@link #forRange}, then clears {@code body}'s arguments, whether the split finished or failed. */
    void forRangeAndClear(int n, int grain, long work, ReusedRange body) {
        try {
            forRange(n, grain, work, body);
        } finally {
            body.clear();
        }
    }

    /**
     * Runs {@code body} over [0, n) in chunks of a multiple of {@code grain} each, on up to {@link #threads()}
     * threads, or on the calling thread alone when {@code work} (multiply-adds) is small.
     *
     * @throws OwnershipException when the pool has been closed (its backend was closed while a call ran)
     */
    void forRange(int n, int grain, long work, Range body) {
        split(n, grain, work, chunkSize(n, grain), body);
    }

    /**
     * Runs {@code body} over [0, n) in chunks of exactly {@code tile} columns each (the last may be shorter),
     * claimed one by one: for bodies whose chunks are already sized to even out over the threads (the batch
     * tiles of an unrolled pass, {@link #tileWidth}), which a coarser grouping would unbalance.
     */
    void forTilesAndClear(int n, int tile, long work, ReusedRange body) {
        try {
            split(n, tile, work, tile, body);
        } finally {
            body.clear();
        }
    }

    private void split(int n, int grain, long work, int chunkLength, Range body) {
        if (closed) {
            throw new OwnershipException("the cpu-vector backend has been closed while this call ran; open a new"
                    + " one with Backends.open(\"cpu-vector\")");
        }
        if (!splits(n, grain, work) || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            this.chunk = chunkLength;
            this.chunks = (n + chunk - 1) / chunk;
            this.end = n;
            this.body = body;
            this.failure = null;
            int count = Math.min(helpers.length, chunks - 1);
            nextChunk.set(0);
            running.set(count);
            long ticket = ++splitCount;
            for (int h = 0; h < count; h++) {
                // The volatile write publishes the fields above to that helper. One that has left (the pool
                // was closed meanwhile) takes no part: the chunks it would have claimed run here.
                if (!helpers[h].hand(ticket)) {
                    running.decrementAndGet();
                }
            }
            Throwable own = null;
            try {
                runChunks();
            } catch (RuntimeException | Error e) {
                own = e;
                nextChunk.set(chunks); // the helpers stop claiming
            }
            awaitHelpers();
            Throwable helperFailure = failure;
            Throwable first = own != null ? own : helperFailure;
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
        } finally {
            this.body = null;
            busy.set(false);
        }
    }

    /** Waits until every helper has left the split in progress: spinning, then yielding the core. */
    private void awaitHelpers() {
        int spins = 0;
        while (running.get() != 0) {
            if (++spins < JOIN_SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
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

    /**
     * The width of the batch tiles that split [0, n) evenly over this pool's threads: at most {@code maxTile},
     * a multiple of {@code multiple} (the micro-kernel's column count, so that no tile but the last runs edge
     * columns), and chosen among tile counts that are multiples of the thread count as the one whose busiest
     * thread, taking every {@code threads}-th tile, has the least to do. With tiles of a fixed width a batch
     * of 1 000 split 528 : 472 over two threads (132-column tiles); these split it 504 : 496.
     */
    int tileWidth(int n, int maxTile, int multiple) {
        int p = splits(n, multiple, Long.MAX_VALUE) ? threads : 1;
        int fewest = Math.max(1, ceilDiv(n, p * maxTile));
        int best = Math.min(maxTile, roundUp(ceilDiv(n, p * fewest), multiple));
        long bestLoad = busiestLoad(n, best, p);
        for (int perThread = fewest + 1; perThread <= fewest + 3; perThread++) {
            int width = roundUp(ceilDiv(n, p * perThread), multiple);
            long load = busiestLoad(n, width, p);
            if (load < bestLoad) {
                best = width;
                bestLoad = load;
            }
        }
        return best;
    }

    /** Columns of the busiest of {@code p} threads taking tiles of {@code width} in turn. */
    private static long busiestLoad(int n, int width, int p) {
        int tiles = ceilDiv(n, width);
        int last = n - (tiles - 1) * width;
        long busiest = 0;
        for (int t = 0; t < Math.min(p, tiles); t++) {
            int count = (tiles - 1 - t) / p + 1;
            boolean takesLast = (tiles - 1) % p == t;
            busiest = Math.max(busiest, (long) count * width - (takesLast ? width - last : 0));
        }
        return busiest;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
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
        return helpers.length > 0 && n > grain && work >= MIN_PARALLEL_WORK && !onOwnHelper();
    }

    /** Whether the caller is one of this pool's helpers (a nested split would wait on itself). */
    private boolean onOwnHelper() {
        return Thread.currentThread() instanceof Helper h && h.owner == this;
    }

    /** Stops the helpers; a split in progress finishes first, later ones throw {@link OwnershipException}. */
    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) {
            LockSupport.unpark(h);
        }
    }

    /** One helper thread: waits for a split (spinning, then parked), runs its share of chunks, and waits again. */
    private static final class Helper extends Thread {
        private final Workers owner;
                /** Set while parked, so that the caller unparks only a thread that needs it. */
        private volatile boolean parked;
        /**
         * The split this helper is to take part in; a new value is its signal to start, {@link #EXITED} says it
         * has left.
         */
        private final AtomicLong ticket = new AtomicLong();

        Helper(Workers owner, int index) {
            super("unroll-cpu-worker-" + (index + 1));
            this.owner = owner;
            setDaemon(true);
        }

        /** Hands this helper the split in progress; false when it has left (the pool was closed). */
        boolean hand(long split) {
            long previous = ticket.get();
            // Fails only when the helper marked itself EXITED in between.
            if (previous == EXITED || !ticket.compareAndSet(previous, split)) {
                return false;
            }
            if (parked) {
                LockSupport.unpark(this);
            }
            return true;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long next = awaitSplit(seen);
                if (next == seen) {
                    // Closed with no split handed: leave, unless a split was handed just now, which the
                    // caller counts on this helper to check out of.
                    if (ticket.compareAndSet(seen, EXITED)) {
                        return;
                    }
                    continue;
                }
                seen = next;
                try {
                    owner.runChunks();
                } catch (Throwable t) {
                    if (owner.failure == null) {
                        owner.failure = t;
                    }
                    owner.nextChunk.set(owner.chunks);
                } finally {
                    owner.running.decrementAndGet();
                }
            }
        }

        /**
         * The next ticket after {@code seen}: spins up to {@link #SPIN_NANOS}, then parks until handed one;
         * {@code seen} itself once the pool is closed.
         */
        private long awaitSplit(long seen) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            int spins = 0;
            long g;
            while ((g = ticket.get()) == seen && !owner.closed) {
                if ((++spins & 63) != 0 || System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                // Re-checked after announcing the park: the caller writes the ticket and then reads `parked`,
                // so either this read sees the new ticket or the caller unparks this thread.
                if (ticket.get() == seen && !owner.closed) {
                    LockSupport.park(owner);
                }
                parked = false;
                deadline = System.nanoTime() + SPIN_NANOS;
            }
            return g;
        }
    }
}
