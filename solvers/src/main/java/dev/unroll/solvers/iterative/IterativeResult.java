package dev.unroll.solvers.iterative;

/**
 * What an iterative solver did: the objective (mean over the batch) at z₀ and after each iteration, and
 * why it stopped.
 *
 * @param costs     F(z_k) for k = 0..iterations
 * @param converged true when the no-decrease rule stopped it before the iteration budget
 */
public record IterativeResult(double[] costs, boolean converged) {
    /** Number of iterations run. */
    public int iterations() {
        return costs.length - 1;
    }

    /** The last objective value. */
    public double finalCost() {
        return costs[costs.length - 1];
    }
}
