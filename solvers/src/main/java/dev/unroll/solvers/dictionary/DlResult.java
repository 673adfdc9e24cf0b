package dev.unroll.solvers.dictionary;

import dev.unroll.solvers.HostMatrix;

/**
 * What a dictionary-learning run ends with.
 *
 * @param dictionary the learned D (n×m, unit-norm atoms)
 * @param steps      the learned s_i (α_i = s_i/L; all 1 unless DDL+step)
 * @param losses     F(D, z_N(D)) at the start of every outer iteration, then the final value, as PLIPY's sum
 *                   over samples (the scale its line search steps in)
 * @param outerIterations outer (line-search) iterations run, all phases together
 * @param stepPhaseStart the index in {@code losses} where DDL+step began learning steps, or −1
 */
public record DlResult(HostMatrix dictionary, double[] steps, double[] losses, int outerIterations,
                       int stepPhaseStart) {
    /** The final loss (sum over samples). */
    public double finalLoss() {
        return losses[losses.length - 1];
    }
}
