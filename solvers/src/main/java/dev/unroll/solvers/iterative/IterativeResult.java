package dev.unroll.solvers.iterative;

/**
 * What an iterative solver did: the objective (mean over the batch) at z₀ and after each iteration, and
 * per signal how many iterations it ran and whether it converged (its duality gap met the {@link Stopping}
 * tolerance; a converged signal's code stayed frozen while the others went on).
 *
 * @param costs            F(z_k) of the whole batch for k = 0..iterations (frozen codes count as they are)
 * @param signalIterations per signal (column of the batch), the iterations it ran
 * @param signalConverged  per signal, whether it met the tolerance before the iteration budget ran out
 */
public record IterativeResult(double[] costs, int[] signalIterations, boolean[] signalConverged) {
    /** Iterations the batch ran: the most any signal ran. */
    public int iterations() {
        return costs.length - 1;
    }

    /** The last objective value (mean over the batch). */
    public double finalCost() {
        return costs[costs.length - 1];
    }

    /** How many signals converged. */
    public int convergedSignals() {
        int count = 0;
        for (boolean c : signalConverged) {
            if (c) {
                count++;
            }
        }
        return count;
    }

    /** Whether every signal converged. */
    public boolean converged() {
        return convergedSignals() == signalConverged.length;
    }
}
