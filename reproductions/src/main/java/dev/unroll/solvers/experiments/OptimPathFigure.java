package dev.unroll.solvers.experiments;

import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.dictionary.DictionaryLearning;
import dev.unroll.solvers.dictionary.DlMethod;
import dev.unroll.solvers.dictionary.DlOptions;
import dev.unroll.solvers.dictionary.DlResult;
import dev.unroll.solvers.dictionary.RecoveryScore;
import dev.unroll.solvers.dictionary.SyntheticDictionaryData;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;

/**
 * ICLR 2022 Fig 4 (PLIPY {@code experiments/optim_path.py}, docs/science.md §8): dictionary learning with AM,
 * DDL and DDL+step over N unrolled FISTA iterations (PLIPY's line search, Frobenius L), averaged over random
 * dictionaries: F_N − F* (final unrolled loss, sum over samples; F* = the smallest final loss reached on
 * that dictionary − 1e-3) and the recovery score of the learned dictionary against the one that generated the data.
 * Expected: at N ≤ 20 DDL+step several times below AM and DDL; at N ≥ 100, AM ≈ DDL. Default: 2
 * dictionaries, 500 signals, N ∈ {5, 10, 20, 50}, at most 150 outer iterations per phase; {@code --full}:
 * PLIPY's 50 dictionaries, 1000 signals, N = unique(logspace(log10 5, 3, 50)) (DDL+step for N ≤ 100) and
 * no practical budget.
 */
final class OptimPathFigure implements Experiment {

    @Override
    public String name() {
        return "iclr2022-optim";
    }

    @Override
    public String description() {
        return "ICLR 2022 Fig 4: F_N − F* and the recovery score against N for AM, DDL and DDL+step";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        boolean full = ctx.full();
        int dictionaries = full ? 50 : 2;
        int samples = full ? 1000 : 500;
        int[] ns = full ? GradientFits.logGrid(5, 1000, 50) : new int[]{5, 10, 20, 50};
        int budget = full ? 10_000 : 150;
        DlMethod[] methods = DlMethod.values();
        double[][][] loss = new double[methods.length][ns.length][dictionaries];
        double[][][] score = new double[methods.length][ns.length][dictionaries];
        NumpyRandom rng = new NumpyRandom(2022);
        Csv csv = new Csv("dictionary", "method", "N", "final_loss", "recovery", "outer_iterations");
        double[] fStar = new double[dictionaries];
        for (int j = 0; j < dictionaries; j++) {
            fStar[j] = Double.POSITIVE_INFINITY;
            SyntheticDictionaryData data = SyntheticDictionaryData.plipy(samples, rng);
            for (int i = 0; i < ns.length; i++) {
                for (int k = 0; k < methods.length; k++) {
                    if (methods[k] == DlMethod.DDL_STEP && ns[i] > 100) {
                        loss[k][i][j] = Double.NaN;
                        score[k][i][j] = Double.NaN;
                        continue;
                    }
                    DlOptions o = DlOptions.plipy(methods[k], ns[i]).withMaxIterations(budget);
                    DlResult r = DictionaryLearning.fit(ctx.backend(), data.signals(), data.initial(), o);
                    loss[k][i][j] = r.finalLoss();
                    score[k][i][j] = RecoveryScore.compute(data.reference(), r.dictionary());
                    fStar[j] = Math.min(fStar[j], r.finalLoss());
                    csv.rowOf(j, methods[k], ns[i], r.finalLoss(), score[k][i][j], r.outerIterations());
                }
                ctx.log("dictionary " + j + ", N = " + ns[i] + ": AM " + fmt(loss[0][i][j]) + ", DDL "
                        + fmt(loss[1][i][j]) + ", DDL+step " + fmt(loss[2][i][j]));
            }
        }
        // F* per dictionary (each has its own optimum): the best final loss any method reached, minus 1e-3
        for (double[][] perMethod : loss) {
            for (double[] perN : perMethod) {
                for (int j = 0; j < dictionaries; j++) {
                    perN[j] -= fStar[j] - 1e-3;
                }
            }
        }
        TextTable table = new TextTable("N", "AM F−F*", "DDL F−F*", "DDL+step F−F*", "AM/(DDL+step)",
                "AM recovery", "DDL recovery", "DDL+step recovery");
        double[][] gap = new double[methods.length][ns.length];
        double[][] rec = new double[methods.length][ns.length];
        for (int i = 0; i < ns.length; i++) {
            for (int k = 0; k < methods.length; k++) {
                gap[k][i] = mean(loss[k][i]);
                rec[k][i] = mean(score[k][i]);
            }
            table.row(ns[i], gap[0][i], gap[1][i], gap[2][i], gap[0][i] / gap[2][i], rec[0][i], rec[1][i], rec[2][i]);
        }
        ctx.print("ICLR 2022 Fig 4 — mean over " + dictionaries + " dictionaries (" + samples
                + " signals, FISTA, losses summed over samples, F* = best final per dictionary − 1e-3)", table);
        ctx.out().println("Paper: at N ≤ 20, DDL+step is several (≈3–5×) times below AM and DDL; at N ≥ 100, AM ≈ DDL.");
        ctx.write("iclr2022_optim.csv", csv);
        LinePlot p1 = new LinePlot().title("ICLR 2022 Fig 4 — F_N − F*").xLabel("unrolled iterations N")
                .yLabel("F_N − F*").logX(true).logY(true);
        LinePlot p2 = new LinePlot().title("ICLR 2022 Fig 4 — recovery score").xLabel("unrolled iterations N")
                .yLabel("recovery score").logX(true);
        for (int k = 0; k < methods.length; k++) {
            p1.series(label(methods[k]), GradientFits.toDoubles(ns), gap[k]);
            p2.series(label(methods[k]), GradientFits.toDoubles(ns), rec[k]);
        }
        ctx.write("iclr2022_optim_loss.png", p1);
        ctx.write("iclr2022_optim_recovery.png", p2);
    }

    private static String label(DlMethod m) {
        return switch (m) {
            case AM -> "AM";
            case DDL -> "DDL";
            case DDL_STEP -> "DDL+step";
        };
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "—" : String.format("%.4f", v);
    }

    private static double mean(double[] v) {
        double s = 0;
        int k = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                k++;
            }
        }
        return k == 0 ? Double.NaN : s / k;
    }
}
