package dev.unroll.solvers.experiments;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import java.io.IOException;
import java.util.Arrays;

/**
 * NeurIPS 2019 Fig 4 ({@code plot_learned_steps.py}): a 20-layer SLISTA trained oneshot (100 iterations of
 * the line search) on {@code make_coding(2000, 20, 10, random_state=1)}, λ = 0.2; its learned step α_t·L per
 * layer beside the median of L/L_S over the training samples, where S is the support of the layer's output.
 * The theory says the learned steps fall between 1/L_S and 2/L_S.
 */
final class LearnedStepsFigure implements Experiment {
    private static final int LAYERS = 20;

    @Override
    public String name() {
        return "fig4-steps";
    }

    @Override
    public String description() {
        return "NeurIPS 2019 Fig 4: learned steps of a 20-layer SLISTA against the median 1/L_S and 2/L_S";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        CodingData data = Generators.simulated(2000, 20, 10, 1000, 1);
        double[] steps = new double[LAYERS];
        double[] medianRatio = new double[LAYERS];
        double[] lowQuartile = new double[LAYERS];
        double[] highQuartile = new double[LAYERS];
        double testBefore;
        double testAfter;
        try (LassoProblem p = LassoProblem.create(ctx.backend(), DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, LAYERS);
             Matrix test = p.uploadSignals(data.test());
             Matrix train = p.uploadSignals(data.train())) {
            testBefore = net.loss(test);
            Trainer.train(net, data.train(), TrainingOptions.defaults().withMode(TrainingMode.ONESHOT)
                    .withMaxIterations(100));
            testAfter = net.loss(test);
            double l = p.lipschitz();
            HostMatrix d = data.dictionary();
            try (Matrix z = p.zeroCodes(train.cols())) {
                for (int t = 1; t <= LAYERS; t++) {
                    steps[t - 1] = net.parameter(t - 1, ParamKind.STEP_SIZE).get(0, 0) * l;
                    p.backend().unrolledForward(net.model(), train, null, t, null, z);
                    double[] ratios = ratiosLOverLs(Uploads.download(p.backend(), z), d, l);
                    medianRatio[t - 1] = quantile(ratios, 0.5);
                    lowQuartile[t - 1] = quantile(ratios, 0.25);
                    highQuartile[t - 1] = quantile(ratios, 0.75);
                }
            }
        }
        ctx.out().printf("20-layer SLISTA test loss: %.5f untrained (= 20 ISTA iterations) → %.5f trained%n",
                testBefore, testAfter);
        TextTable table = new TextTable("layer", "α·L ours", "α·L paper", "median L/L_S ours", "paper",
                "2·median L/L_S ours", "paper", "1/L_S ≤ α < 2/L_S");
        for (int i = 0; i < PaperNumbers.FIG4_LAYERS.length; i++) {
            int t = PaperNumbers.FIG4_LAYERS[i];
            boolean inside = steps[t - 1] >= medianRatio[t - 1] && steps[t - 1] < 2 * medianRatio[t - 1];
            table.row(t, steps[t - 1], PaperNumbers.FIG4_STEP_TIMES_L[i], medianRatio[t - 1],
                    PaperNumbers.FIG4_MEDIAN_L_OVER_LS[i], 2 * medianRatio[t - 1],
                    2 * PaperNumbers.FIG4_MEDIAN_L_OVER_LS[i], inside ? "yes" : "no");
        }
        ctx.print("Fig 4 — learned step sizes × L against the median L/L_S (n=10, m=20, λ=0.2, seed 1)", table);

        Csv csv = new Csv("layer", "step_times_L", "median_L_over_LS", "q25_L_over_LS", "q75_L_over_LS");
        double[] layers = new double[LAYERS];
        double[] twice = new double[LAYERS];
        for (int t = 0; t < LAYERS; t++) {
            layers[t] = t + 1;
            twice[t] = 2 * medianRatio[t];
            csv.row(new double[]{(t + 1), steps[t], medianRatio[t], lowQuartile[t], highQuartile[t]});
        }
        ctx.write("fig4_steps.csv", csv);
        double[] paperLayers = Arrays.stream(PaperNumbers.FIG4_LAYERS).asDoubleStream().toArray();
        ctx.write("fig4_steps.png", new LinePlot().title("Fig 4 — learned steps of SLISTA (×L)")
                .xLabel("layer").yLabel("step × L")
                .series("learned α·L", layers, steps)
                .series("median L/L_S", layers, medianRatio)
                .series("2 · median L/L_S", layers, twice)
                .series("L/L_S first quartile", layers, lowQuartile)
                .series("L/L_S third quartile", layers, highQuartile)
                .reference("learned α·L (paper)", paperLayers, PaperNumbers.FIG4_STEP_TIMES_L, "learned α·L")
                .reference("median L/L_S (paper)", paperLayers, PaperNumbers.FIG4_MEDIAN_L_OVER_LS, "median L/L_S")
                .horizontalLine(1, "1/L"));
    }

    /** L/L_S for each column of z with a non-empty support (empty supports have no L_S and are skipped). */
    private static double[] ratiosLOverLs(HostMatrix z, HostMatrix d, double l) {
        double[] out = new double[z.cols()];
        int count = 0;
        int[] support = new int[z.rows()];
        for (int j = 0; j < z.cols(); j++) {
            int size = 0;
            for (int a = 0; a < z.rows(); a++) {
                if (z.get(a, j) != 0) {
                    support[size++] = a;
                }
            }
            if (size > 0) {
                out[count++] = l / Spectral.restrictedLipschitz(d.values(), d.rows(), support, size);
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** NumPy's default (linear) quantile. */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
