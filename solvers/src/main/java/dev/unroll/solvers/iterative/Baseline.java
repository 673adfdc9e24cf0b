package dev.unroll.solvers.iterative;

import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;

/**
 * What a learned network is measured against on a set of signals: the objective of ISTA and FISTA after each
 * iteration from 0, and the reference optimum F* as the lowest either reaches (at least 1 000 iterations, so
 * at or below ADOPTY's F*: ISTA until the objective stalls below 1e-13, at most 1 000 iterations). It answers "how many ISTA iterations reach this loss?", the number of
 * layers a network saves.
 *
 * @param fStar the reference optimum (mean over the signals)
 * @param ista  F(z_k) of ISTA for k = 0..iterations
 * @param fista F(z_k) of FISTA for k = 0..iterations
 */
public record Baseline(double fStar, double[] ista, double[] fista) {

    /**
     * ISTA and FISTA for {@code iterations} iterations on {@code x} (at least 1 000), and F* as the lowest
     * objective either reaches: one run of each gives both the curves and the optimum.
     */
    public static Baseline compute(LassoProblem problem, Matrix x, int iterations) {
        int n = Math.max(1000, iterations);
        double[] ista;
        double[] fista;
        try (Matrix z = problem.zeroCodes(x.cols()); Ista solver = new Ista(problem, x.cols())) {
            ista = solver.solve(x, z, Stopping.after(n)).costs();
        }
        try (Matrix z = problem.zeroCodes(x.cols()); Fista solver = new Fista(problem, x.cols())) {
            fista = solver.solve(x, z, Stopping.after(n)).costs();
        }
        double best = Double.POSITIVE_INFINITY;
        for (double c : ista) {
            best = Math.min(best, c);
        }
        for (double c : fista) {
            best = Math.min(best, c);
        }
        return new Baseline(best, ista, fista);
    }

    /** The fewest ISTA iterations whose objective is at most {@code cost}, or −1 beyond the iterations run. */
    public int istaIterationsToReach(double cost) {
        for (int k = 0; k < ista.length; k++) {
            if (ista[k] <= cost) {
                return k;
            }
        }
        return -1;
    }
}
