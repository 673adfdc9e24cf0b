package dev.unroll.solvers.service;

import dev.unroll.engine.UnrollException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * A call with a deadline withdraws its request the same way when the deadline passes; an asynchronous call
 * ({@link #submitAsync}) uses a fresh request and withdraws it when its future is completed by someone else
 * (cancelled, or timed out with {@link CompletableFuture#orTimeout}).
 *
 * <p>Signals are gathered in the solver's precision: floats for an F32 solver, doubles for an F64 one (a
 * float signal widens exactly), so an F64 solver's double calls are batched without rounding.
 */
final class MicroBatcher implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 1 << 16;
    /** How often an idle dispatcher wakes to see whether it was closed, and frees idle workspaces. */
    private static final long IDLE_POLL_MILLIS = 50;

    private final Solver solver;
    private final int maxBatch;
    private final long maxDelayNanos;
    /** Whether the solver computes in F64: the gathered signals are then packed as doubles. */
    private final boolean wide;
    private final ArrayBlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ThreadLocal<Request> requests = ThreadLocal.withInitial(Request::new);
    private final Thread dispatcher;
    private final Request[] batch;
    /** The gathered signals and their codes, packed (floats or doubles, see {@link #wide}); grown as needed. */
    private float[] xs = new float[0];
    private float[] zs = new float[0];
    private double[] xd = new double[0];
    private double[] zd = new double[0];
    private volatile boolean running = true;

    MicroBatcher(Solver solver, Batching batching, boolean wide) {
        this.solver = solver;
        this.maxBatch = batching.maxBatch();
        this.maxDelayNanos = batching.maxDelay().toNanos();
        this.wide = wide;
        this.batch = new Request[maxBatch];
        this.dispatcher = Thread.ofPlatform().daemon().name("unroll-micro-batcher").start(this::loop);
    }

    /**
     * Queues {@code x} (a float[] or, for an F64 solver, a double[]), waits for its batch to run, and leaves
     * its code in {@code z} (an array of the same type).
     *
     * @param timeoutNanos how long to wait at most, or a negative number for no deadline
     * @throws EncodeInterruptedException when the thread is interrupted before its code came (z untouched)
     * @throws EncodeTimeoutException     when the deadline passed before its code came (z untouched)
     */
    void submit(Object x, Object z, long timeoutNanos) {
        if (!running) {
            throw Solver.closedError();
        }
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        Request r = requests.get();
        r.prepare(x, z, Thread.currentThread(), null);
        try {
            if (timeoutNanos < 0) {
                queue.put(r);
            } else if (!queue.offer(r, timeoutNanos, TimeUnit.NANOSECONDS)) {
                r.forget();
                throw new EncodeTimeoutException("the micro-batcher's queue stayed full for the whole deadline of "
                        + timeoutNanos / 1_000_000 + " ms; nothing was encoded: send fewer concurrent calls");
            }
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
        await(r, timeoutNanos >= 0, deadline, timeoutNanos);
        Throwable failure = r.failure;
        r.forget();
        if (failure != null) {
            throw failure instanceof RuntimeException re ? re
                    : new UnrollException("the batched encode failed: " + failure, failure);
        }
    }

    /**
     * Queues {@code x} and returns at once; the future completes with {@code z} holding the code, or with the
     * failure. Completing the future from outside (cancel, {@link CompletableFuture#orTimeout}) withdraws the
     * signal unless its code is being written.
     */
    <T> CompletableFuture<T> submitAsync(Object x, T z) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(Solver.closedError());
            return future;
        }
        Request r = new Request(); // never reused: the dispatcher and the future's callbacks may both hold it
        r.prepare(x, z, null, future);
        if (!queue.offer(r)) {
            future.completeExceptionally(new UnrollException("the micro-batcher's queue of " + QUEUE_CAPACITY
                    + " signals is full; nothing was encoded: wait for some of the pending calls first"));
            return future;
        }
        future.whenComplete((v, t) -> {
            if (r.withdraw()) {
                queue.remove(r); // completed by someone else while queued or taken: it will not be delivered
            }
        });
        if (!running && r.withdraw()) {
            queue.remove(r);
            future.completeExceptionally(Solver.closedError());
        }
        return future;
    }

    /**
     * Parks until {@code r} is done; on interruption, or when the deadline passes, withdraws it unless its
     * code is being written now.
     */
    private void await(Request r, boolean timed, long deadline, long timeoutNanos) {
        boolean interrupted = false;
        while (!r.isDone()) {
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (r.withdraw()) {
                        queue.remove(r);
                        requests.remove(); // the dispatcher may still hold r: the next call takes a fresh one
                        throw new EncodeTimeoutException("no code within the deadline of " + timeoutNanos / 1_000_000
                                + " ms; the signal was withdrawn and its code not written");
                    }
                    waitForDelivery(r);
                    break;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                if (r.withdraw()) {
                    queue.remove(r);
                    requests.remove(); // the dispatcher may still hold r: the next call takes a fresh one
                    Thread.currentThread().interrupt();
                    throw new EncodeInterruptedException("interrupted while waiting for its micro-batch; the signal "
                            + "was withdrawn and its code not written (the thread's interrupt flag stays set)");
                }
                interrupted = true;
                waitForDelivery(r);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Its code is being copied out right now: waits the microseconds that takes. */
    private static void waitForDelivery(Request r) {
        while (!r.isDone()) {
            Thread.onSpinWait();
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
                // A closing batcher waits for no more company: the gathered calls run now, so close() is not held
                // up by a long maxDelay. The wait is sliced so that close() is seen within one slice.
                if (wait <= 0 || !running) {
                    break;
                }
                try {
                    next = queue.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MILLIS)),
                            TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (next == null) {
                    continue; // the slice ended: check the deadline and close() again
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
        grow(count, n, m);
        SolverObserver observer = solver.observer();
        if (observer != SolverObserver.NONE) {
            long now = System.nanoTime();
            for (int i = 0; i < count; i++) {
                observer.queueWait(now - batch[i].queuedAt);
            }
        }
        try {
            for (int i = 0; i < count; i++) {
                pack(batch[i].x, i * n, n);
            }
            encodePacked(count);
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
                pack(batch[i].x, 0, n);
                encodePacked(1);
            } catch (Throwable t) {
                deliver(i, 0, t);
                continue;
            }
            deliver(i, 0, null);
        }
    }

    private void grow(int count, int n, int m) {
        if (wide && xd.length < n * count) {
            xd = new double[n * count];
            zd = new double[m * count];
        } else if (!wide && xs.length < n * count) {
            xs = new float[n * count];
            zs = new float[m * count];
        }
    }

    private void encodePacked(int count) {
        if (wide) {
            solver.encodePacked(xd, zd, count);
        } else {
            solver.encodePacked(xs, zs, count);
        }
    }

    /** Copies a caller's signal into the packed signals at {@code offset}, in the solver's precision. */
    private void pack(Object x, int offset, int n) {
        if (!wide) {
            System.arraycopy((float[]) x, 0, xs, offset, n); // an F32 solver's double calls arrive as floats
        } else if (x instanceof double[] d) {
            System.arraycopy(d, 0, xd, offset, n);
        } else {
            float[] f = (float[]) x;
            for (int i = 0; i < n; i++) {
                xd[offset + i] = f[i];
            }
        }
    }

    /** Copies a code from the packed codes at {@code offset} into a caller's array. */
    private void unpack(int offset, Object z, int m) {
        if (!wide) {
            System.arraycopy(zs, offset, (float[]) z, 0, m);
        } else if (z instanceof double[] d) {
            System.arraycopy(zd, offset, d, 0, m);
        } else {
            float[] f = (float[]) z;
            for (int i = 0; i < m; i++) {
                f[i] = (float) zd[offset + i];
            }
        }
    }

    /** Hands batch[i] its code (from the packed codes at {@code offset}) or its failure; skips a withdrawn one. */
    private void deliver(int i, int offset, Throwable failure) {
        Request r = batch[i];
        batch[i] = null;
        if (!r.startDelivery()) {
            return; // its caller was interrupted or timed out and left, or its future was completed by someone else
        }
        if (failure == null) {
            unpack(offset, r.z, solver.atoms());
        }
        r.failure = failure;
        Thread waiter = r.waiter;
        CompletableFuture<?> future = r.future;
        Object z = r.z;
        r.finish();
        if (future != null) {
            complete(future, z, failure);
        } else {
            LockSupport.unpark(waiter);
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(CompletableFuture<?> future, Object z, Throwable failure) {
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            ((CompletableFuture<Object>) future).complete(z);
        }
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

    /** One queued call; a synchronous caller's is reused by its thread until it is withdrawn. */
    private static final class Request {
        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int DELIVERING = 2;
        private static final int DONE = 3;
        private static final int WITHDRAWN = 4;

        private final AtomicInteger state = new AtomicInteger(DONE);
        /** The signal and the code: float[] or double[]. */
        Object x;
        Object z;
        /** The parked caller (synchronous calls) or the future to complete (asynchronous ones). */
        Thread waiter;
        CompletableFuture<?> future;
        long queuedAt;
        Throwable failure;

        void prepare(Object x, Object z, Thread waiter, CompletableFuture<?> future) {
            this.x = x;
            this.z = z;
            this.waiter = waiter;
            this.future = future;
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
            future = null;
            failure = null;
        }
    }
}
