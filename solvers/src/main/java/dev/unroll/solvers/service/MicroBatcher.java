package dev.unroll.solvers.service;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.UnrollException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Dynamic micro-batching for a {@link Solver}: callers of {@link #submit} queue their signal and park; one
 * dispatcher thread takes the first queued call, gathers more until {@code maxBatch} are there or the
 * first has waited {@code maxDelay}, runs them as one backend batch and wakes each caller with its code.
 * Each caller thread reuses one request object, so a steady stream of calls allocates nothing here.
 */
final class MicroBatcher implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 1 << 16;

    private final Solver solver;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ArrayBlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ThreadLocal<Request> requests = ThreadLocal.withInitial(Request::new);
    private final Thread dispatcher;
    private final Request[] batch;
    private final float[] xs;
    private final float[] zs;
    private volatile boolean running = true;

    MicroBatcher(Solver solver, Batching batching) {
        this.solver = solver;
        this.maxBatch = batching.maxBatch();
        this.maxDelayNanos = batching.maxDelay().toNanos();
        this.batch = new Request[maxBatch];
        this.xs = new float[solver.signalDim() * maxBatch];
        this.zs = new float[solver.atoms() * maxBatch];
        this.dispatcher = Thread.ofPlatform().daemon().name("unroll-micro-batcher").start(this::loop);
    }

    /** Queues {@code x}, waits for its batch to run, and leaves its code in {@code z}. */
    void submit(float[] x, float[] z) {
        if (!running) {
            throw new InvalidArgumentException("this solver is closed; create a new one");
        }
        Request r = requests.get();
        r.x = x;
        r.z = z;
        r.failure = null;
        r.waiter = Thread.currentThread();
        r.done = false;
        r.queuedAt = System.nanoTime();
        try {
            queue.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnrollException("interrupted while queueing a signal for the micro-batcher", e);
        }
        while (!r.done) {
            LockSupport.park(this);
        }
        r.x = null;
        r.z = null;
        if (r.failure != null) {
            throw r.failure instanceof RuntimeException re ? re
                    : new UnrollException("the batched encode failed: " + r.failure.getMessage(), r.failure);
        }
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            Request first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                continue;
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
            batch[count++] = next;
        }
        return count;
    }

    private void run(int count) {
        int n = solver.signalDim();
        int m = solver.atoms();
        Throwable failure = null;
        try {
            for (int i = 0; i < count; i++) {
                System.arraycopy(batch[i].x, 0, xs, i * n, n);
            }
            solver.encodePacked(xs, zs, count);
            for (int i = 0; i < count; i++) {
                System.arraycopy(zs, i * m, batch[i].z, 0, m);
            }
        } catch (Throwable t) {
            failure = t;
        }
        for (int i = 0; i < count; i++) {
            Request r = batch[i];
            batch[i] = null;
            r.failure = failure;
            Thread waiter = r.waiter;
            r.done = true;
            LockSupport.unpark(waiter);
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

    /** One queued call; reused by its thread. */
    private static final class Request {
        float[] x;
        float[] z;
        Thread waiter;
        long queuedAt;
        volatile Throwable failure;
        volatile boolean done;
    }
}
