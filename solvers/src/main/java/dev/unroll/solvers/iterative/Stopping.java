package dev.unroll.solvers.iterative;

import dev.unroll.engine.InvalidArgumentException;

/**
 * When an iterative solver stops, per signal: after {@code maxIterations}, or earlier for each signal whose
 * Lasso duality gap falls to {@code tolerance · ½‖x‖²} (0 turns the test off: every signal runs exactly
 * {@code maxIterations}). The gap bounds F(z) − F* from above, so a converged signal is certified within
 * that distance of its optimum, and ½‖x‖² = F(0) makes the tolerance relative to the signal's own scale (as
 * scikit-learn's Lasso scales its {@code tol} by ‖y‖²). A signal that passes takes that iteration's step and
 * is frozen: its code never changes again, so it does not depend on the other signals of its batch.
 *
 * <p>Why the gap and not the change of the iterate or of the objective: FISTA is not monotone (a
 * non-decrease is no sign of convergence), and a small step of slow ISTA says nothing about the distance to
 * the optimum; the gap certifies it, and costs no extra product (the solvers have the residual and gradient
 * at the point they test). F64 resolves tolerances down to about 1e-13, F32 to about 1e-6.
 *
 * @param maxIterations the iteration budget, ≥ 0
 * @param tolerance     stop a signal when its duality gap ≤ tolerance · ½‖x‖²; 0 = run every iteration
 */
public record Stopping(int maxIterations, double tolerance) {
    /** Checks the values. */
    public Stopping {
        if (maxIterations < 0 || !(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new InvalidArgumentException("stopping needs maxIterations ≥ 0 and a finite tolerance ≥ 0, but got "
                    + maxIterations + " and " + tolerance);
        }
    }

    /** Exactly {@code iterations} iterations for every signal. */
    public static Stopping after(int iterations) {
        return new Stopping(iterations, 0);
    }

    /** Whether signals are tested and frozen one by one (a tolerance is set). */
    boolean perSignal() {
        return tolerance > 0;
    }
}
