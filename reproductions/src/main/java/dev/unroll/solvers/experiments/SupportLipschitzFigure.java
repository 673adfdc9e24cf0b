package dev.unroll.solvers.experiments;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;

/**
 * NeurIPS 2019 Fig E.1 ({@code plot_sparsity_distribution.py}): for a Gaussian D ∈ ℝ^{200×600} (γ = m/n = 3,
 * seed 0), the ratio L_S/L for random supports of size max(1, ⌊ζm⌋) against the Marchenko–Pastur limit
 * ((1 + √(ζγ))/(1 + √γ))². Host computation only (eigenvalues of Gram matrices); 10 random supports per ζ.
 */
final class SupportLipschitzFigure implements Experiment {
    private static final int N = 200;
    private static final int M = 600;
    private static final int DRAWS = 10;

    @Override
    public String name() {
        return "figE1-ls-law";
    }

    @Override
    public String description() {
        return "NeurIPS 2019 Fig E.1: L_S/L of random supports against the Marchenko–Pastur law (n=200, m=600)";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        HostMatrix d = Generators.gaussianMatrix(N, M, 0);
        double l = Spectral.lipschitz(d.values(), N, M);
        double gamma = (double) M / N;
        NumpyRandom rng = new NumpyRandom(1);
        int points = 10;
        double[] zeta = new double[points];
        double[] empirical = new double[points];
        double[] theory = new double[points];
        Csv csv = new Csv("zeta", "support_size", "mean_LS_over_L", "min_LS_over_L", "max_LS_over_L", "marchenko_pastur");
        for (int i = 0; i < points; i++) {
            zeta[i] = (double) i / (points - 1);
            int size = Math.max(1, (int) Math.floor(zeta[i] * M));
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int r = 0; r < DRAWS; r++) {
                int[] support = rng.permutation(M);
                double ratio = Spectral.restrictedLipschitz(d.values(), N, support, size) / l;
                sum += ratio;
                min = Math.min(min, ratio);
                max = Math.max(max, ratio);
            }
            empirical[i] = sum / DRAWS;
            theory[i] = marchenkoPastur(zeta[i], gamma);
            csv.row(new double[]{zeta[i], size, empirical[i], min, max, theory[i]});
        }
        TextTable table = new TextTable("ζ", "L_S/L ours", "L_S/L paper", "theory ours", "theory paper");
        for (int i = 0; i < PaperNumbers.FIGE1_ZETA.length; i++) {
            double z = PaperNumbers.FIGE1_ZETA[i];
            int closest = (int) Math.round(z * (points - 1));
            table.row(String.format("%.2f", zeta[closest]), empirical[closest], PaperNumbers.FIGE1_EMPIRICAL[i],
                    theory[closest], PaperNumbers.FIGE1_THEORY[i]);
        }
        ctx.print("Fig E.1 — L_S/L for random supports of size ζm (n=200, m=600, Gaussian D, mean of " + DRAWS
                + " supports)", table);
        ctx.write("figE1_ls_law.csv", csv);
        ctx.write("figE1_ls_law.png", new LinePlot().title("Fig E.1 — L_S/L against Marchenko–Pastur")
                .xLabel("ζ = |S|/m").yLabel("L_S / L").series("empirical", zeta, empirical)
                .series("((1 + √(ζγ)) / (1 + √γ))²", zeta, theory));
    }

    /** The Marchenko–Pastur limit of L_S/L for γ = m/n and ζ = |S|/m. */
    static double marchenkoPastur(double zeta, double gamma) {
        double r = (1 + Math.sqrt(zeta * gamma)) / (1 + Math.sqrt(gamma));
        return r * r;
    }
}
