package dev.unroll.solvers.service;

import dev.unroll.engine.UnrollException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Dynamic micro-batching for a {@link Solver}: callers of {@link #submit} queue their signal and park; one
 * dispatcher thread takes the first queued call, gathers more until {@code maxBatch} are there or the
 * first has waited {@code maxDelay}, runs them as one backend batch and wakes each caller with its code.
 * Each caller thread reuses one request object, so a steady stream of calls allocates nothing here.
 *
 * <p>Failures stay with their call: when a gathered batch fails, each of its signals runs again alone, so
 * only the call whose signal (or whose own run) fails gets the exception. An interrupted caller withdraws its
 * request: a request passes from queued to taken (by the dispatcher) to delivering to done, or from queued
 * or taken to withdrawn, each step by compare-and-set, so the dispatcher never writes a withdrawn caller's
 * output array, and the caller drops its request object (the dispatcher may still hold it) for a fresh one.
 */
final class MicroBatcher implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 1 << 16;
    /** How often an idle dispatcher wakes to see whether it was closed, and frees idle workspaces. */
    private static final long IDLE_POLL_MILLIS = 50;

    private final Solver solver;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ArrayBlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ThreadLocal<Request> requests = ThreadLocal.withInitial(Request::new);
    private final Thread dispatcher;
    private final Request[] batch;
    /** The gathered signals and their codes, packed; grown to the largest batch gathered so far. */
    private float[] xs = new float[0];
    private float[] zs = new float[0];
    private volatile boolean running = true;

    MicroBatcher(Solver solver, Batching batching) {
        this.solver = solver;
        this.maxBatch = batching.maxBatch();
        this.maxDelayNanos = batching.maxDelay().toNanos();
        this.batch = new Request[maxBatch];
        this.dispatcher = Thread.ofPlatform().daemon().name("unroll-micro-batcher").start(this::loop);
    }

    /**
     * Queues {@code x}, waits for its batch to run, and leaves its code in {@code z}.
     *
     * @throws EncodeInterruptedException when the thread is interrupted before its code came (z untouched)
     */
    void submit(float[] x, float[] z) {
        if (!running) {
            throw Solver.closedError();
        }
        Request r = requests.get();
        r.prepare(x, z, Thread.currentThread());
        try {
            queue.put(r);
        } catch (InterruptedException e) {
            r.forget();
            Thread.currentThread().interrupt();
            throw new EncodeInterruptedException("interrupted while queueing a signal for the micro-batcher; "
                    + "nothing was encoded (the thread's interrupt flag stays set)");
        }
        if (!running && r.withdraw()) {
            // close() came between the check above and the put, and the dispatcher may have left already.
            queue.remove(r);
            requests.remove(); // the dispatcher may still hold r: the next call takes a fresh one
            throw Solver.closedError();
        }
        await(r);
        Throwable failure = r.failure;
        r.forget();
        if (failure != null) {
            throw failure instanceof RuntimeException re ? re
                    : new UnrollException("the batched encode failed: " + failure, failure);
        }
    }

    /** Parks until {@code r} is done; on interruption withdraws it, unless its code is being written now. */
    private void await(Request r) {
        boolean interrupted = false;
        while (!r.isDone()) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                if (r.withdraw()) {
                    queue.remove(r);
                    requests.remove(); // the dispatcher may still hold r: the next call takes a fresh one
                    Thread.currentThread().interrupt();
                    throw new EncodeInterruptedException("interrupted while waiting for its micro-batch; the signal "
                            + "was withdrawn and its code not written (the thread's interrupt flag stays set)");
                }
                // Its code is being copied out right now: wait the microseconds that takes, then keep the flag.
                interrupted = true;
                while (!r.isDone()) {
                    Thread.onSpinWait();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            Request first;
            try {
                first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                solver.trimIdle();
                continue;
            }
            if (!first.take()) {
                continue; // withdrawn by an interrupted caller
            }
            int count = gather(first);
            run(count);
        }
    }

    /** Fills {@code batch} from the queue after {@code first}, until full or the first's delay is over. */
    private int gather(Request first) {
        batch[0] = first;
        int count = 1;
        long deadline = first.queuedAt + maxDelayNanos;
        while (count < maxBatch) {
            Request next = queue.poll();
            if (next == null) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    next = queue.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (next == null) {
                    break;
                }
            }
            if (next.take()) {
                batch[count++] = next;
            }
        }
        return count;
    }

    /** Runs the gathered batch and delivers each code; a failed batch runs again one signal at a time. */
    private void run(int count) {
        int n = solver.signalDim();
        int m = solver.atoms();
        if (xs.length < n * count) {
            xs = new float[n * count];
            zs = new float[m * count];
        }
        try {
            for (int i = 0; i < count; i++) {
                System.arraycopy(batch[i].x, 0, xs, i * n, n);
            }
            solver.encodePacked(xs, zs, count);
        } catch (Throwable t) {
            if (count == 1) {
                deliver(0, 0, t);
            } else {
                runAlone(count);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            deliver(i, i * m, null);
        }
    }

    /** Each signal of a failed batch on its own, so that only the calls that fail alone see a failure. */
    private void runAlone(int count) {
        int n = solver.signalDim();
        for (int i = 0; i < count; i++) {
            try {
                System.arraycopy(batch[i].x, 0, xs, 0, n);
                solver.encodePacked(xs, zs, 1);
            } catch (Throwable t) {
                deliver(i, 0, t);
                continue;
            }
            deliver(i, 0, null);
        }
    }

    /** Hands batch[i] its code (from {@code zs} at {@code offset}) or its failure and wakes it; skips a withdrawn one. */
    private void deliver(int i, int offset, Throwable failure) {
        Request r = batch[i];
        batch[i] = null;
        if (!r.startDelivery()) {
            return; // its caller was interrupted and left
        }
        if (failure == null) {
            int m = solver.atoms();
            System.arraycopy(zs, offset, r.z, 0, m);
        }
        r.failure = failure;
        Thread waiter = r.waiter;
        r.finish();
        LockSupport.unpark(waiter);
    }

    /** Stops taking calls, lets the queued ones finish, and ends the dispatcher. */
    @Override
    public void close() {
        running = false;
        try {
            dispatcher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One queued call; reused by its thread until it is withdrawn. */
    private static final class Request {
        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int DELIVERING = 2;
        private static final int DONE = 3;
        private static final int WITHDRAWN = 4;

        private final AtomicInteger state = new AtomicInteger(DONE);
        float[] x;
        float[] z;
        Thread waiter;
        long queuedAt;
        Throwable failure;

        void prepare(float[] x, float[] z, Thread waiter) {
            this.x = x;
            this.z = z;
            this.waiter = waiter;
            this.failure = null;
            this.queuedAt = System.nanoTime();
            state.set(QUEUED); // the volatile write publishes the fields to the dispatcher
        }

        /** The dispatcher takes it into a batch; false when its caller withdrew it. */
        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        /** The dispatcher is about to write its code; false when its caller withdrew it. */
        boolean startDelivery() {
            return state.compareAndSet(TAKEN, DELIVERING);
        }

        void finish() {
            state.set(DONE);
        }

        boolean isDone() {
            return state.get() == DONE;
        }

        /** The caller gives up on it; false when its code is being written or was written. */
        boolean withdraw() {
            return state.compareAndSet(QUEUED, WITHDRAWN) || state.compareAndSet(TAKEN, WITHDRAWN);
        }

        /** Drops the caller's arrays, so that a finished call keeps nothing reachable. */
        void forget() {
            x = null;
            z = null;
            waiter = null;
            failure = null;
        }
    }
}
