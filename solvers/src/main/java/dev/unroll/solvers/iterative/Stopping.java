package dev.unroll.solvers.iterative;

import dev.unroll.engine.InvalidArgumentException;

/**
 * When an iterative solver stops: after {@code maxIterations}, or earlier when the objective decreased by
 * less than {@code noDecreaseTolerance} in one iteration (ADOPTY's {@code stop_on_no_decrease}; 0 turns
 * the early stop off).
 *
 * @param maxIterations       the iteration budget, ≥ 0
 * @param noDecreaseTolerance stop when F_{k−1} − F_k &lt; this; 0 = never
 */
public record Stopping(int maxIterations, double noDecreaseTolerance) {
    /** Checks the values. */
    public Stopping {
        if (maxIterations < 0 || !(noDecreaseTolerance >= 0)) {
            throw new InvalidArgumentException("stopping needs maxIterations ≥ 0 and a tolerance ≥ 0, but got "
                    + maxIterations + " and " + noDecreaseTolerance);
        }
    }

    /** Exactly {@code iterations} iterations. */
    public static Stopping after(int iterations) {
        return new Stopping(iterations, 0);
    }

    /** The reference optimum's rule (SCIENCE.md §2): up to {@code maxIterations}, stop when F stalls below 1e-13. */
    public static Stopping reference(int maxIterations) {
        return new Stopping(maxIterations, 1e-13);
    }

    boolean stalled(double previous, double current) {
        return noDecreaseTolerance > 0 && previous - current < noDecreaseTolerance;
    }
}
