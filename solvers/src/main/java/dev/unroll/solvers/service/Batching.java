package dev.unroll.solvers.service;

import dev.unroll.engine.InvalidArgumentException;
import java.time.Duration;

/**
 * How a {@link Solver} gathers concurrent single-signal calls: off (each call runs alone), or dynamic
 * micro-batching as inference servers do — calls wait until {@code maxBatch} signals are queued or the
 * oldest has waited {@code maxDelay}, then run as one backend batch.
 *
 * @param enabled  whether single calls are gathered
 * @param maxBatch the largest batch a dispatch runs
 * @param maxDelay how long the first queued call may wait for company
 */
public record Batching(boolean enabled, int maxBatch, Duration maxDelay) {
    /** Checks the values. */
    public Batching {
        if (maxBatch < 1) {
            throw new InvalidArgumentException("maxBatch must be ≥ 1, but is " + maxBatch);
        }
        if (maxDelay == null || maxDelay.isNegative()) {
            throw new InvalidArgumentException("maxDelay must be ≥ 0, but is " + maxDelay);
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
