package dev.unroll.solvers.experiments;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.dictionary.SyntheticDictionaryData;
import dev.unroll.solvers.gradients.LassoImplicitGradient;
import dev.unroll.solvers.gradients.UnrolledAlgorithm;
import dev.unroll.solvers.gradients.UnrolledLassoLoss;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;
import java.util.Arrays;

/**
 * ICLR 2022 Fig 3 (PLIPY {@code experiments/gradients.py}, docs/science.md §8): the quality of the dictionary
 * gradient estimated through N unrolled FISTA iterations, 1 − cos(g, g*) and ‖g − g*‖_F, for AM (depth 0),
 * BP20, BP50 and "full" back-propagation, which PLIPY caps at 100 iterations (docs/science.md §10.5, kept here);
 * g* = (Dz* − Y)z*ᵀ with z* from 10⁴ FISTA iterations, step 1/‖D‖₂², gradients on PLIPY's scale (sum over
 * samples). Two problems: PLIPY's Gaussian dictionary (1000 signals, 50 atoms, P = 30) and noisy patches
 * (σ = 0.1) of the shipped 128×128 camera image (PLIPY: flowers), 1000 patches of 10×10, D = the first 128
 * patches (not normalised, as PLIPY). Default: 30 values of N (image: 20 and z* from 5 000 iterations);
 * {@code --full}: 100 values.
 */
final class GradientEstimationFigure implements Experiment {
    private static final int[] DEPTHS = {0, 20, 50, 100};
    private static final String[] LABELS = {"AM", "BP20", "BP50", "full (≤100)"};

    @Override
    public String name() {
        return "iclr2022-gradients";
    }

    @Override
    public String description() {
        return "ICLR 2022 Fig 3: 1 − cos(g, g*) and ‖g − g*‖ against N for AM, BP20, BP50 and full BP, Gaussian "
                + "dictionary and image patches";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        SyntheticDictionaryData syn = SyntheticDictionaryData.plipy(1000, new NumpyRandom(2022));
        Result gauss = compute(ctx, "gaussian", syn.initial(), syn.signals(), 10_000, ctx.full() ? 100 : 30);
        GrayImage clean = GrayImage.camera();
        HostMatrix patches = clean.withNoise(0.1, new NumpyRandom(2022), false).patches(10);
        Result image = compute(ctx, "image", patches.columns(0, 128), patches.columns(0, 1000),
                ctx.full() ? 10_000 : 5000, ctx.full() ? 100 : 20);

        TextTable t1 = new TextTable("N", "AM", "paper", "BP20", "paper", "BP50", "paper", "full", "paper");
        int[] at = {10, 30, 100, 300};
        double[][] paper = {{.017, .0011, 2.1e-5, 1.8e-7}, {.0096, .004, 5e-4, 1.9e-5}, {.0096, .0048, .0014, 1.6e-5},
            {.0096, .0048, .0025, 1.3e-5}};
        for (int i = 0; i < at.length; i++) {
            int k = GradientFits.indexOf(gauss.ns, at[i]);
            t1.row(at[i], gauss.angle[0][k], paper[0][i], gauss.angle[1][k], paper[1][i], gauss.angle[2][k], paper[2][i],
                    gauss.angle[3][k], paper[3][i]);
        }
        ctx.print("Fig 3 — Gaussian dictionary, 1 − cos(g, g*)", t1);
        TextTable t2 = new TextTable("N", "AM ‖g − g*‖", "paper", "full ‖g − g*‖", "paper");
        int[] at2 = {1, 30, 100, 1000};
        double[][] paper2 = {{326, 12, 1.7, .015}, {627, 26, 19, .008}};
        for (int i = 0; i < at2.length; i++) {
            int k = GradientFits.indexOf(gauss.ns, at2[i]);
            t2.row(at2[i], gauss.norm[0][k], paper2[0][i], gauss.norm[3][k], paper2[1][i]);
        }
        ctx.print("Fig 3 — Gaussian dictionary, ‖g − g*‖_F (sum over samples)", t2);
        TextTable t3 = new TextTable("N", "AM", "paper", "BP20", "paper", "BP50", "paper", "full", "paper");
        int[] at3 = {30, 100, 300, 1000};
        double[][] paper3 = {{.29, .035, 5.3e-4, 1.0e-5}, {.24, .032, 5.5e-4, 1.2e-5}, {.24, .23, .008, 2.8e-5},
            {.24, .79, .43, 7.3e-5}};
        for (int i = 0; i < at3.length; i++) {
            int k = GradientFits.indexOf(image.ns, at3[i]);
            t3.row(at3[i], image.angle[0][k], paper3[0][i], image.angle[1][k], paper3[1][i], image.angle[2][k],
                    paper3[2][i], image.angle[3][k], paper3[3][i]);
        }
        ctx.print("Fig 3 — noisy image patches (camera here, flowers in the paper), 1 − cos(g, g*)", t3);
        ctx.out().println("Expected: at small N all estimates are poor; AM converges fastest at large N; full BP "
                + "degrades between N ≈ 50 and 500 on the image (errors accumulate before the support is found), "
                + "truncation limits it.");
    }

    private record Result(int[] ns, double[][] angle, double[][] norm) {
    }

    private Result compute(ExperimentContext ctx, String label, HostMatrix d, HostMatrix y, int starIterations,
                           int points) throws IOException {
        Backend be = ctx.backend();
        int n = d.rows();
        int m = d.cols();
        int batch = y.cols();
        double l = Spectral.lipschitz(d.values(), n, m);
        double lambda = 0.1;
        int[] ns = GradientFits.logGrid(1, 1000, points, 1, 10, 30, 100, 300, 1000);
        double[][] angle = new double[DEPTHS.length][ns.length];
        double[][] norm = new double[DEPTHS.length][ns.length];
        Csv csv = new Csv("N", "method", "one_minus_cos", "norm_error");
        try (Matrix dm = Uploads.upload(be, DType.F64, d);
             Matrix ym = Uploads.upload(be, DType.F64, y);
             Matrix g = be.allocate(DType.F64, n, m)) {
            HostMatrix zStar;
            try (UnrolledLassoLoss star = UnrolledLassoLoss.create(be, DType.F64, UnrolledAlgorithm.FISTA, n, m, batch,
                    starIterations, 0)) {
                star.value(dm, ym, lambda, constant(starIterations, 1 / l));
                zStar = Uploads.download(be, star.codes());
            }
            double[] gStar = scaled(LassoImplicitGradient.analytic(d, y, zStar).values(), batch);
            for (int i = 0; i < ns.length; i++) {
                int big = ns[i];
                int record = Math.min(big, 100);
                try (UnrolledLassoLoss loss = UnrolledLassoLoss.create(be, DType.F64, UnrolledAlgorithm.FISTA, n, m,
                        batch, big, record)) {
                    for (int j = 0; j < DEPTHS.length; j++) {
                        int depth = Math.min(DEPTHS[j], big);
                        if (j == 0) {
                            loss.valueAndGradient(dm, ym, lambda, constant(big, 1 / l), 0, g, null);
                        } else {
                            loss.gradientOfLastPass(depth, g, null); // one forward per N serves every depth
                        }
                        double[] gv = scaled(be.toDoubleArray(g), batch);
                        angle[j][i] = 1 - cosine(gv, gStar);
                        norm[j][i] = distance(gv, gStar);
                        csv.rowOf(big, LABELS[j], angle[j][i], norm[j][i]);
                    }
                }
            }
        }
        ctx.write("iclr2022_gradients_" + label + ".csv", csv);
        LinePlot p1 = new LinePlot().title("ICLR 2022 Fig 3 — " + label + ": 1 − cos(g, g*)").xLabel("N")
                .yLabel("1 − cos").logX(true).logY(true);
        LinePlot p2 = new LinePlot().title("ICLR 2022 Fig 3 — " + label + ": ‖g − g*‖").xLabel("N")
                .yLabel("‖g − g*‖_F").logX(true).logY(true);
        for (int j = 0; j < DEPTHS.length; j++) {
            p1.series(LABELS[j], GradientFits.toDoubles(ns), angle[j]);
            p2.series(LABELS[j], GradientFits.toDoubles(ns), norm[j]);
        }
        ctx.write("iclr2022_gradients_" + label + "_cos.png", p1);
        ctx.write("iclr2022_gradients_" + label + "_norm.png", p2);
        ctx.log(label + ": done");
        return new Result(ns, angle, norm);
    }

    private static double[] constant(int k, double v) {
        double[] a = new double[k];
        Arrays.fill(a, v);
        return a;
    }

    private static double[] scaled(double[] v, double s) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = v[i] * s;
        }
        return o;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
