package dev.unroll.solvers.experiments;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.gradients.GradientDescentPath;
import dev.unroll.solvers.gradients.LogisticRegression;
import dev.unroll.solvers.gradients.MinMinProblem;
import dev.unroll.solvers.gradients.Ridge;
import dev.unroll.solvers.gradients.ValueFunctionGradients;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;

/**
 * ICML 2020 (Ablin, Peyré, Moreau) Fig 2 (DIFFOPT {@code benchmarks/gradient_estimation.py}, docs/science.md §7):
 * |g^i_t − g*| for the analytic, automatic and implicit estimates against the gradient-descent iteration t,
 * beside |z_t − z*|, on ridge (seed 29, max 700) and ℓ2-regularised logistic regression (seed 9, max 2000),
 * D 50×100, one sample, reg = 1/50, z* after 20·max iterations, g* = g¹(z*). The data come from NumPy's
 * RandomState like DIFFOPT's, so the problems are DIFFOPT's. The fitted log–log slopes against |z_t − z*|
 * should be ≈ 1 for g¹ and ≈ 2 for g² and g³. These problems are tiny (host, double precision), so the
 * default size is the paper's.
 */
final class SuperEfficiencyFigure implements Experiment {

    @Override
    public String name() {
        return "icml2020-rates";
    }

    @Override
    public String description() {
        return "ICML 2020 Fig 2: |g¹−g*| ∝ |z_t−z*|, |g²−g*| and |g³−g*| ∝ |z_t−z*|² on ridge and logistic regression";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        Csv csv = new Csv("problem", "t", "z_error", "g1_error", "g2_error", "g3_error");
        TextTable slopes = new TextTable("problem", "slope g¹", "expected", "slope g²", "expected", "slope g³",
                "expected", "g³ < g² < g¹ at the end");
        for (boolean logistic : new boolean[]{false, true}) {
            long seed = logistic ? 9 : 29;
            int maxLayer = logistic ? 2000 : 700;
            NumpyRandom rng = new NumpyRandom(seed);
            HostMatrix d = new HostMatrix(100, 50, rng.gaussians(50 * 100)).transpose(); // randn(50, 100)
            double[] x = rng.gaussians(50);
            MinMinProblem p = logistic ? new LogisticRegression(d, 1.0 / 50) : new Ridge(d, 1.0 / 50);
            String label = logistic ? "logreg" : "ridge";
            double[] zStar = GradientDescentPath.run(p, x, p.step(), 20 * maxLayer).iterate(20 * maxLayer);
            double[] gStar = p.gradX(zStar, x);
            int[] ts = GradientFits.logGrid(1, maxLayer, 50);
            GradientDescentPath path = GradientDescentPath.run(p, x, p.step(), maxLayer);
            double[] ez = new double[ts.length];
            double[][] eg = new double[3][ts.length];
            for (int i = 0; i < ts.length; i++) {
                int t = ts[i];
                ez[i] = distance(path.iterate(t), zStar);
                eg[0][i] = distance(ValueFunctionGradients.analytic(path, t), gStar);
                eg[1][i] = distance(ValueFunctionGradients.automatic(path, t), gStar);
                eg[2][i] = distance(ValueFunctionGradients.implicit(path, t), gStar);
                csv.rowOf(label, t, ez[i], eg[0][i], eg[1][i], eg[2][i]);
            }
            TextTable table = new TextTable("t", "|z_t − z*|", "|g¹ − g*|", "|g² − g*|", "|g³ − g*|");
            for (int i = 0; i < ts.length; i += Math.max(1, ts.length / 10)) {
                table.row(ts[i], ez[i], eg[0][i], eg[1][i], eg[2][i]);
            }
            ctx.print("ICML 2020 — " + label + " (D 50×100, reg 1/50, seed " + seed + ")", table);
            double floor = 1e-13 * norm(gStar) + 1e-15;
            double s1 = GradientFits.logLogSlope(ez, eg[0], floor);
            double s2 = GradientFits.logLogSlope(ez, eg[1], floor);
            double s3 = GradientFits.logLogSlope(ez, eg[2], floor);
            int mid = ts.length / 2;
            // for a quadratic G (ridge) one Newton step is exact: g³ sits at the rounding floor from t = 1
            Object s3cell = Double.isNaN(s3) ? "exact (≤ 1e-13·|g*|)" : s3;
            slopes.row(label, s1, 1, s2, 2, s3cell, 2,
                    eg[2][mid] <= eg[1][mid] && eg[1][mid] < eg[0][mid] ? "yes (t=" + ts[mid] + ")" : "no (t=" + ts[mid]
                            + ")");
            double ratio = eg[0][0] / ez[0];
            double[] zScaled = new double[ez.length];
            for (int i = 0; i < ez.length; i++) {
                zScaled[i] = ez[i] * ratio;
            }
            ctx.write("icml2020_rates_" + label + ".png", new LinePlot()
                    .title("ICML 2020 — " + label + ": gradient estimates").xLabel("iterations t").yLabel("error")
                    .logY(true).logX(true)
                    .series("|g¹_t − g*|", GradientFits.toDoubles(ts), eg[0])
                    .series("|g²_t − g*|", GradientFits.toDoubles(ts), eg[1])
                    .series("|g³_t − g*|", GradientFits.toDoubles(ts), eg[2])
                    .series("|z_t − z*| (scaled)", GradientFits.toDoubles(ts), zScaled));
        }
        ctx.print("Fitted slopes of log|g^i − g*| against log|z_t − z*| (points above the rounding floor)", slopes);
        ctx.write("icml2020_rates.csv", csv);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
