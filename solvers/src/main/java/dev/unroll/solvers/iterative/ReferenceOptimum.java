package dev.unroll.solvers.iterative;

import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;

/**
 * The reference optimum F* the figures measure against (docs/science.md §2): ISTA from 0 until the objective
 * (mean over the batch) decreases by less than 1e-13 in one iteration, or an iteration budget. The problem
 * should be F64: in F32 the objective cannot resolve 1e-13.
 */
public final class ReferenceOptimum {
    /** ADOPTY's {@code stop_on_no_decrease}: stop when the mean objective decreased by less in one iteration. */
    private static final double NO_DECREASE = 1e-13;

    private ReferenceOptimum() {
    }

    /**
     * F* of the batch {@code x}, by ADOPTY's protocol: ISTA, {@code stop_on_no_decrease(1e-13)}.
     *
     * @param maxIterations the iteration cap (1000 in the network comparison, Fig 6)
     */
    public static Optimum ista(LassoProblem problem, Matrix x, int maxIterations) {
        Matrix z = problem.zeroCodes(x.cols());
        try (Ista ista = new Ista(problem, x.cols())) {
            // ADOPTY's rule is on the batch's mean objective, not per signal: it defines the figures' F* of a
            // test set, so it stays here rather than in Stopping.
            double step = 1 / problem.lipschitz();
            double cost = problem.objective(x, z);
            int k = 0;
            while (k < maxIterations) {
                ista.step(x, z, step);
                k++;
                double next = problem.objective(x, z);
                boolean stalled = cost - next < NO_DECREASE;
                cost = next;
                if (stalled) {
                    break;
                }
            }
            return new Optimum(cost, z, k);
        } catch (RuntimeException e) {
            z.close();
            throw e;
        }
    }

    /**
     * A reference optimum.
     *
     * @param cost       F* (mean over the batch)
     * @param codes      the codes reached, m×B (the caller closes them)
     * @param iterations iterations run
     */
    public record Optimum(double cost, Matrix codes, int iterations) {
    }
}
