package dev.unroll.solvers.service;

import dev.unroll.engine.InvalidArgumentException;
import java.time.Duration;

/**
 * How a {@link Solver} gathers concurrent single-signal calls: off (each call runs alone), or dynamic
 * micro-batching as inference servers do — calls wait until {@code maxBatch} signals are queued or the
 * oldest has waited {@code maxDelay}, then run as one backend batch.
 *
 * <p>{@code maxBatch} is at most {@value #MAX_BATCH} and {@code maxDelay} at most {@link #MAX_DELAY}: larger
 * batches gain nothing on any backend (a batch of a few thousand signals already runs at full speed), and a
 * {@code maxBatch} near {@code Integer.MAX_VALUE} would ask for more memory than a JVM has.
 *
 * @param enabled  whether single calls are gathered
 * @param maxBatch the largest batch a dispatch runs (for batch calls with batching off: the chunk size),
 *                 1 to {@value #MAX_BATCH}
 * @param maxDelay how long the first queued call may wait for company, 0 to {@link #MAX_DELAY}
 */
public record Batching(boolean enabled, int maxBatch, Duration maxDelay) {
    /** The largest {@code maxBatch} accepted. */
    public static final int MAX_BATCH = 1 << 16;
    /** The longest {@code maxDelay} accepted. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(1);

    /** Checks the values. */
    public Batching {
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new InvalidArgumentException("maxBatch must be between 1 and " + MAX_BATCH + ", but is " + maxBatch
                    + "; larger batches gain nothing and would need more memory than they are worth");
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.compareTo(MAX_DELAY) > 0) {
            throw new InvalidArgumentException("maxDelay must be between 0 and " + MAX_DELAY + ", but is " + maxDelay
                    + "; micro-batching waits microseconds to milliseconds");
        }
    }

    /** No gathering: every call runs on its own (batches of {@code maxBatch} at most for batch calls). */
    public static Batching off() {
        return new Batching(false, 4096, Duration.ZERO);
    }

    /** Gathers up to {@code maxBatch} single calls, waiting at most {@code maxDelay} for them. */
    public static Batching upTo(int maxBatch, Duration maxDelay) {
        return new Batching(true, maxBatch, maxDelay);
    }
}
