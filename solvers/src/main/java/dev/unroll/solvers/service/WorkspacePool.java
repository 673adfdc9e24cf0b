package dev.unroll.solvers.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The {@link Workspace}s of one {@link Solver}, sized to the work and bounded while idle. A call for
 * {@code count} signals borrows a workspace of the next power of two ≥ count (at most the solver's
 * capacity), so a single-signal call holds one column, not a whole batch. Handed-back workspaces are kept
 * for reuse (a steady stream of calls allocates nothing) while the idle ones together hold at most
 * {@link #idleColumnBudget} columns, and for at most {@code idleNanos}: beyond either they are freed. Memory
 * in use is thus what the calls in flight need, plus at most one batch's worth kept idle.
 *
 * <p>Idle workspaces are released when a later call borrows or hands back one, and by the micro-batcher's
 * dispatcher while it waits; {@link #close()} frees the idle ones at once and each lent one when its call
 * hands it back, so a call in flight is never pulled out from under.
 */
final class WorkspacePool implements AutoCloseable {
    /** Idle columns kept at least, so that many single-signal callers keep their one-column workspaces. */
    private static final int MIN_IDLE_COLUMNS = 64;

    private final IntFunction<Workspace> factory;
    private final int maxCapacity;
    private final long idleColumnBudget;
    private final long idleNanos;
    /** Idle workspaces by size class (log2 of the capacity), most recently used first. */
    private final List<ArrayDeque<Workspace>> idle = new ArrayList<>();
    private long idleColumns;
    private int lent;
    private long lentColumns;
    private boolean closed;

    /**
     * @param factory     makes a workspace of the given capacity
     * @param maxCapacity the largest batch one call runs
     * @param idleNanos   how long a workspace may stay idle before it is freed
     */
    WorkspacePool(IntFunction<Workspace> factory, int maxCapacity, long idleNanos) {
        this.factory = factory;
        this.maxCapacity = maxCapacity;
        this.idleColumnBudget = Math.max(maxCapacity, MIN_IDLE_COLUMNS);
        this.idleNanos = idleNanos;
        for (int c = 0; c <= sizeClass(maxCapacity); c++) {
            idle.add(new ArrayDeque<>());
        }
    }

    /**
     * A workspace for {@code count} signals (1 ≤ count ≤ the capacity).
     *
     * @throws dev.unroll.engine.InvalidArgumentException when the solver is closed
     */
    Workspace borrow(int count) {
        int capacity = capacityFor(count);
        Workspace w;
        List<Workspace> expired;
        synchronized (this) {
            if (closed) {
                throw Solver.closedError();
            }
            expired = expire(System.nanoTime());
            w = idle.get(sizeClass(capacity)).pollFirst();
            if (w != null) {
                idleColumns -= w.capacity();
                lend(w);
            }
        }
        closeAll(expired);
        if (w != null) {
            return w;
        }
        w = factory.apply(capacity);
        synchronized (this) {
            if (!closed) {
                lend(w);
                return w;
            }
        }
        w.close(); // lost a race with close(): do not hand out memory nobody will free
        throw Solver.closedError();
    }

    /** Takes {@code w} back: kept idle when the budget allows and the solver is open, freed otherwise. */
    void release(Workspace w) {
        List<Workspace> expired;
        boolean keep;
        synchronized (this) {
            lent--;
            lentColumns -= w.capacity();
            long now = System.nanoTime();
            expired = expire(now);
            keep = !closed && idleColumns + w.capacity() <= idleColumnBudget;
            if (keep) {
                w.idleSince = now;
                idle.get(sizeClass(w.capacity())).addFirst(w);
                idleColumns += w.capacity();
            }
        }
        closeAll(expired);
        if (!keep) {
            w.close();
        }
    }

    /** Frees the workspaces idle for longer than the idle time. */
    void trimIdle() {
        List<Workspace> expired;
        synchronized (this) {
            expired = expire(System.nanoTime());
        }
        closeAll(expired);
    }

    /** Workspaces lent out or kept idle now. */
    synchronized int live() {
        return lent + idleCount();
    }

    /** Columns of the workspaces lent out or kept idle now (each column holds n + m values and the scratch). */
    synchronized long liveColumns() {
        return lentColumns + idleColumns;
    }

    /** Frees the idle workspaces now and the lent ones when their calls hand them back; borrowing fails after. */
    @Override
    public void close() {
        List<Workspace> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (ArrayDeque<Workspace> d : idle) {
                all.addAll(d);
                d.clear();
            }
            idleColumns = 0;
        }
        closeAll(all);
    }

    /** The capacity a call for {@code count} signals gets: the next power of two, at most the maximum. */
    int capacityFor(int count) {
        int pow = count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
        return Math.min(pow, maxCapacity);
    }

    /** The size class of a capacity: ⌈log2 capacity⌉. */
    private static int sizeClass(int capacity) {
        return 32 - Integer.numberOfLeadingZeros(capacity - 1);
    }

    private void lend(Workspace w) {
        lent++;
        lentColumns += w.capacity();
    }

    private int idleCount() {
        int count = 0;
        for (ArrayDeque<Workspace> d : idle) {
            count += d.size();
        }
        return count;
    }

    /** Removes (under the lock) the workspaces idle since before {@code now − idleNanos}; the caller frees them. */
    private List<Workspace> expire(long now) {
        List<Workspace> expired = null;
        for (ArrayDeque<Workspace> d : idle) {
            Workspace oldest;
            while ((oldest = d.peekLast()) != null && now - oldest.idleSince > idleNanos) {
                d.pollLast();
                idleColumns -= oldest.capacity();
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(oldest);
            }
        }
        return expired;
    }

    private static void closeAll(List<Workspace> workspaces) {
        if (workspaces != null) {
            for (Workspace w : workspaces) {
                w.close();
            }
        }
    }
}
