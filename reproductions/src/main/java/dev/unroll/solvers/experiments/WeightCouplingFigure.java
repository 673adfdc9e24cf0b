package dev.unroll.solvers.experiments;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
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
 * NeurIPS 2019 Fig 5 ({@code plot_dict_similarity.py}): a 40-layer LISTA-CP trained recursively (10 000
 * line-search iterations in all) on {@code make_coding(1000, 20, 10, random_state=1)}, λ = 0.05 as in the code; per layer the
 * weight coupling ‖W_t − diag(θ_t)Dᵀ‖_F (the paper's ‖Wᵀ − diag(θ)D‖_F in column convention), which
 * Theorem 4.4 says goes to 0 with depth: the deep layers become ISTA with a learned step. The default run
 * uses 2 000 iterations; {@code --full} the paper's 10 000.
 */
final class WeightCouplingFigure implements Experiment {
    private static final int LAYERS = 40;

    @Override
    public String name() {
        return "fig5-coupling";
    }

    @Override
    public String description() {
        return "NeurIPS 2019 Fig 5: weight coupling ‖Wᵀ − diag(θ)D‖_F per layer of a 40-layer LISTA-CP trained recursively";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        int iterations = ctx.full() ? 10_000 : 2_000;
        CodingData data = Generators.simulated(1000, 20, 10, 1000, 1);
        double[] coupling = new double[LAYERS];
        double before;
        double after;
        try (LassoProblem p = LassoProblem.create(ctx.backend(), DType.F64, data.dictionary(), 0.05);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.COUPLED, LAYERS);
             Matrix train = p.uploadSignals(data.train())) {
            before = net.loss(train);
            long start = System.nanoTime();
            Trainer.train(net, data.train(), TrainingOptions.defaults().withMode(TrainingMode.RECURSIVE)
                    .withMaxIterations(iterations).withListener(pr -> {
                        if (pr.iteration() % 500 == 0 && pr.iteration() > 0) {
                            ctx.log(String.format("  stage %d/%d, iteration %d/%d, loss %.6g, %.0f s", pr.stage(),
                                    pr.stages(), pr.iteration(), pr.iterations(), pr.loss(),
                                    pr.elapsed().toMillis() / 1e3));
                        }
                    }));
            after = net.loss(train);
            ctx.log(String.format("trained in %.1f s", (System.nanoTime() - start) / 1e9));
            HostMatrix d = data.dictionary();
            for (int t = 0; t < LAYERS; t++) {
                HostMatrix w = net.parameter(t, ParamKind.W_COUPLED);
                HostMatrix theta = net.parameter(t, ParamKind.THRESHOLDS);
                double s = 0;
                for (int a = 0; a < w.rows(); a++) {
                    for (int i = 0; i < w.cols(); i++) {
                        double diff = w.get(a, i) - theta.get(a, 0) * d.get(i, a);
                        s += diff * diff;
                    }
                }
                coupling[t] = Math.sqrt(s);
            }
        }
        ctx.out().printf("40-layer LISTA-CP training loss %.6f (= 40 ISTA iterations) → %.6f after %d iterations%n",
                before, after, iterations);
        TextTable table = new TextTable("layer", "‖Wᵀ − diag(θ)D‖_F ours", "paper");
        for (int i = 0; i < PaperNumbers.FIG5_LAYERS.length; i++) {
            int t = PaperNumbers.FIG5_LAYERS[i];
            table.row(t, coupling[t - 1], PaperNumbers.FIG5_COUPLING[i]);
        }
        ctx.print("Fig 5 — weight coupling per layer (n=10, m=20, λ=0.05, recursive, " + iterations
                + " iterations; paper: 10 000)", table);
        double[] layers = new double[LAYERS];
        Csv csv = new Csv("layer", "coupling_frobenius");
        for (int t = 0; t < LAYERS; t++) {
            layers[t] = t + 1;
            csv.row(new double[]{(t + 1), coupling[t]});
        }
        ctx.write("fig5_coupling.csv", csv);
        ctx.write("fig5_coupling.png", new LinePlot().title("Fig 5 — weight coupling of LISTA-CP").xLabel("layer")
                .yLabel("‖Wᵀ − diag(θ)D‖_F").logY(true).series("ours", layers, coupling)
                .reference("paper", Arrays.stream(PaperNumbers.FIG5_LAYERS).asDoubleStream().toArray(),
                        PaperNumbers.FIG5_COUPLING, "ours"));
    }
}
