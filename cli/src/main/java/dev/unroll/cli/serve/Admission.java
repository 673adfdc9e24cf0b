package dev.unroll.cli.serve;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control: the HTTP server's executor. Each exchange takes one of {@code workers + queue} slots
 * and runs on the bounded worker pool; when every slot is taken it runs instead on a small overflow pool,
 * where {@link #admitted()} is false, so the endpoint answers 503 with {@code Retry-After} at once instead
 * of queueing without bound (cheap requests such as {@code /health} are still answered there). The overflow
 * pool's own queue is bounded too: past it, the JDK server closes the connection, the last resort of a flood.
 *
 * <p>The JDK server reads the request line and headers on the thread this executor picks, so a slow client
 * holds a slot; its {@code sun.net.httpserver.maxReqTime} bounds that.
 */
final class Admission implements Executor, AutoCloseable {
    /** Threads that answer 503 when the workers and their queue are full. */
    private static final int OVERFLOW_THREADS = 2;
    /** Exchanges that may wait for an overflow thread. */
    private static final int OVERFLOW_QUEUE = 1024;
    private static final ThreadLocal<Boolean> ADMITTED = new ThreadLocal<>();

    private final Semaphore slots;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor overflow;

    Admission(int workers, int queue) {
        this.slots = new Semaphore(workers + queue);
        // The slots bound what waits in this queue, so it never grows past `queue`.
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads("unroll-serve-worker-"));
        this.overflow = new ThreadPoolExecutor(OVERFLOW_THREADS, OVERFLOW_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(OVERFLOW_QUEUE), threads("unroll-serve-overflow-"));
    }

    /** Slots free now: 0 means the next exchange is answered 503 (package-private, for the server's tests). */
    int freeSlots() {
        return slots.availablePermits();
    }

    /** Whether the exchange running on this thread got a slot (false: answer 503). */
    static boolean admitted() {
        return !Boolean.FALSE.equals(ADMITTED.get());
    }

    @Override
    public void execute(Runnable exchange) {
        if (slots.tryAcquire()) {
            try {
                workers.execute(() -> run(exchange, true));
            } catch (RejectedExecutionException e) {
                slots.release(); // shutting down: the server closes the connection
                throw e;
            }
        } else {
            overflow.execute(() -> run(exchange, false));
        }
    }

    private void run(Runnable exchange, boolean admitted) {
        ADMITTED.set(admitted);
        try {
            exchange.run();
        } finally {
            ADMITTED.remove();
            if (admitted) {
                slots.release();
            }
        }
    }

    /** Lets the running and queued exchanges finish for up to {@code millis}, then stops the threads. */
    void drain(long millis) throws InterruptedException {
        workers.shutdown();
        overflow.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        overflow.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        overflow.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> Thread.ofPlatform().daemon().name(prefix + count.incrementAndGet()).unstarted(r);
    }
}
