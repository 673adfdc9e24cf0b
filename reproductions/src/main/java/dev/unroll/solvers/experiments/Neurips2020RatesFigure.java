package dev.unroll.solvers.experiments;

import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;

/**
 * NeurIPS 2020's rate theorem (docs/science.md §9, TALK 21-04-01): for a Gaussian operator Φ ∈ ℝ^{m×k},
 * E[ρ̃/ρ] ≥ (2k+1)/(4π²) + o(1), with ρ = ‖Φ‖² the analysis Lipschitz constant and ρ̃ = ‖ΦC‖² the synthesis
 * one (C the running sum). Estimates E[ρ̃/ρ] over random draws for growing k (m = k) and prints it beside
 * the bound: the synthesis step 1/ρ̃ is Ω(k) times smaller than the analysis one, which is why analysis wins.
 */
final class Neurips2020RatesFigure implements Experiment {
    @Override
    public String name() {
        return "neurips2020-rates";
    }

    @Override
    public String description() {
        return "NeurIPS 2020 theorem: E[ρ̃/ρ] (synthesis over analysis Lipschitz) against (2k+1)/(4π²)";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        int[] ks = ctx.full() ? new int[] {5, 10, 20, 40, 80, 160, 320} : new int[] {5, 10, 20, 40, 80};
        int draws = ctx.full() ? 50 : 10;
        NumpyRandom rng = new NumpyRandom(2020);
        Csv csv = new Csv("k", "mean_ratio", "std_ratio", "bound", "k2_over_pi2");
        TextTable table = new TextTable("k", "E[ρ̃/ρ]", "std", "(2k+1)/(4π²)", "ratio / bound", "k²/π²");
        double[] xs = new double[ks.length];
        double[] mean = new double[ks.length];
        double[] bound = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            int k = ks[i];
            int m = k;
            double s = 0;
            double s2 = 0;
            for (int d = 0; d < draws; d++) {
                double[] phi = rng.gaussians(m * k);
                double[] psi = new double[m * k];
                // Ψ = ΦC: column j of Ψ is the sum of Φ's columns j..k−1.
                for (int r = 0; r < m; r++) {
                    double acc = 0;
                    for (int j = k - 1; j >= 0; j--) {
                        acc += phi[j * m + r];
                        psi[j * m + r] = acc;
                    }
                }
                double ratio = Spectral.lipschitz(psi, m, k) / Spectral.lipschitz(phi, m, k);
                s += ratio;
                s2 += ratio * ratio;
            }
            xs[i] = k;
            mean[i] = s / draws;
            double std = Math.sqrt(Math.max(0, s2 / draws - mean[i] * mean[i]));
            bound[i] = (2.0 * k + 1) / (4 * Math.PI * Math.PI);
            csv.row(k, mean[i], std, bound[i], k * (double) k / (Math.PI * Math.PI));
            table.row(k, mean[i], std, bound[i], mean[i] / bound[i], k * (double) k / (Math.PI * Math.PI));
        }
        ctx.print("E[ρ̃/ρ] over " + draws + " Gaussian draws (m = k); the paper's theorem: ≥ (2k+1)/(4π²) + o(1)", table);
        ctx.write("neurips2020-rates.csv", csv);
        ctx.write("neurips2020-rates.png", new LinePlot().title("Synthesis vs analysis Lipschitz constants")
                .xLabel("signal length k").yLabel("ρ̃ / ρ").logX(true).logY(true)
                .series("E[ρ̃/ρ] (measured)", xs, mean).series("(2k+1)/(4π²) (theorem)", xs, bound));
    }
}
