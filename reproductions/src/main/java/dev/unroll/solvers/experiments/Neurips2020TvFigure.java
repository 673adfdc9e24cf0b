package dev.unroll.solvers.experiments;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import dev.unroll.solvers.tv.TvData;
import dev.unroll.solvers.tv.TvIterative;
import dev.unroll.solvers.tv.TvNetwork;
import dev.unroll.solvers.tv.TvNetworkKind;
import dev.unroll.solvers.tv.TvProblem;
import dev.unroll.solvers.tv.TvTrainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * NeurIPS 2020 (Cherkaoui, Sulam, Moreau), the unrolled-TV comparison of CARPET's
 * {@code loss_comparison_3.py} (docs/science.md §9): signals of length 8 seen through 5 Gaussian
 * measurements, jump density 0.2, snr 0 dB, 1 000 train + 1 000 test, λ ∈ {0.1, 0.8}; networks trained
 * recursively with warm start over depths unique(logspace(0, log10 40, 10)); test P(u_t) − P* per method
 * against layers (P* from 1 000 analysis FISTA iterations) and LPGD-LISTA's prox sub-optimality per layer.
 * Also the unrolled Condat–Vu and Chambolle (dual) networks of CARPET, with their iterative algorithms; the
 * dual one only approximates the problem here (m = 5 &lt; k = 8, see {@code TvIterative.chambolle}).
 * The default size is smaller (200 + 200 signals, depths ≤ 11, 40 training steps per depth) so that it
 * runs in minutes on two cores; {@code --full} is the paper's.
 */
final class Neurips2020TvFigure implements Experiment {
    private static final double[] LAMBDAS = {0.1, 0.8};

    @Override
    public String name() {
        return "neurips2020-tv";
    }

    @Override
    public String description() {
        return "NeurIPS 2020 unrolled TV: test P(u_t) − P* per layer, LPGD vs synthesis LISTA vs (F)ISTA";
    }

    /** unique(int(logspace(0, log10 maxDepth, n))), as the reference's {@code logspace_layers}. */
    static int[] depths(int n, int maxDepth) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            out.add((int) Math.pow(10, Math.log10(maxDepth) * i / (n - 1) + 1e-12));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        boolean full = ctx.full();
        int nTrain = full ? 1000 : 200;
        int nTest = full ? 1000 : 200;
        int[] depths = full ? depths(10, 40) : new int[] {1, 2, 3, 5, 7, 11};
        int steps = full ? 300 : 40;
        int inner = 20;
        TvData data = TvData.generate(8, 5, nTrain + nTest, 0.2, 0.0, 2020);
        HostMatrix test = data.signals().columns(0, nTest);
        HostMatrix train = data.signals().columns(nTest, nTest + nTrain);
        List<TvNetworkKind> nets = new ArrayList<>(List.of(TvNetworkKind.COUPLED_SYNTHESIS, TvNetworkKind.LPGD_TAUT,
                TvNetworkKind.lpgdLista(inner, TvNetworkKind.LearnProx.NONE),
                TvNetworkKind.lpgdLista(inner, TvNetworkKind.LearnProx.PER_LAYER),
                TvNetworkKind.COUPLED_CONDAT_VU, TvNetworkKind.COUPLED_CHAMBOLLE));
        if (full) {
            nets.add(TvNetworkKind.lpgdLista(50, TvNetworkKind.LearnProx.NONE));
            nets.addAll(List.of(TvNetworkKind.STEP_CONDAT_VU, TvNetworkKind.ORIG_CHAMBOLLE,
                    TvNetworkKind.STEP_CHAMBOLLE));
        }
        Csv csv = new Csv("lambda", "method", "layers", "test_gap", "train_gap", "prox_gap_last_layer");
        for (double lambda : LAMBDAS) {
            try (TvProblem p = TvProblem.create(ctx.backend(), DType.F64, data.operator(), lambda)) {
                double refTest = TvIterative.run(p, TvIterative.Method.FISTA_ANALYSIS, test, 1000, false).costs()[0];
                double refTrain = TvIterative.run(p, TvIterative.Method.FISTA_ANALYSIS, train, 1000, false).costs()[0];
                Map<String, double[]> curves = new LinkedHashMap<>();
                int maxDepth = depths[depths.length - 1];
                for (TvIterative.Method m : TvIterative.Method.values()) {
                    double[] c = TvIterative.run(p, m, test, maxDepth).costs();
                    double[] gap = new double[depths.length];
                    for (int i = 0; i < depths.length; i++) {
                        gap[i] = c[depths[i]] - refTest;
                        csv.rowOf(lambda, m.label(), depths[i], gap[i], Double.NaN, Double.NaN);
                    }
                    curves.put(m.label(), gap);
                }
                // The primal–dual and dual baselines the Condat–Vu and Chambolle networks unroll.
                Map<String, double[]> others = new LinkedHashMap<>();
                others.put("Condat-Vu", TvIterative.condatVu(p, test, maxDepth).costs());
                others.put("Chambolle dual", TvIterative.chambolle(p, test, maxDepth).costs());
                for (Map.Entry<String, double[]> e : others.entrySet()) {
                    double[] gap = new double[depths.length];
                    for (int i = 0; i < depths.length; i++) {
                        gap[i] = e.getValue()[depths[i]] - refTest;
                        csv.rowOf(lambda, e.getKey(), depths[i], gap[i], Double.NaN, Double.NaN);
                    }
                    curves.put(e.getKey(), gap);
                }
                Map<String, double[]> proxGaps = new LinkedHashMap<>();
                for (TvNetworkKind kind : nets) {
                    double[] gap = new double[depths.length];
                    double[] lastProx = new double[depths.length];
                    TvNetwork previous = null;
                    long start = System.nanoTime();
                    for (int i = 0; i < depths.length; i++) {
                        TvNetwork net = TvNetwork.create(kind, p, depths[i]);
                        int first = 1;
                        if (previous != null) {
                            net.warmStartFrom(previous);
                            first = previous.layers() + 1;
                            previous.close();
                        }
                        double trainLoss = TvTrainer.train(net, train, steps, first);
                        gap[i] = net.objective(test, depths[i]) - refTest;
                        if (kind.innerLayers() > 0) {
                            double[] pg = net.proxGaps(test, depths[i]);
                            lastProx[i] = pg[pg.length - 1];
                            if (i == depths.length - 1) {
                                proxGaps.put(kind.id(), pg);
                            }
                        }
                        csv.rowOf(lambda, kind.id(), depths[i], gap[i], trainLoss - refTrain,
                                kind.innerLayers() > 0 ? lastProx[i] : Double.NaN);
                        previous = net;
                    }
                    previous.close();
                    ctx.log(String.format("λ=%.1f %-26s trained in %.1f s", lambda, kind.id(),
                            (System.nanoTime() - start) / 1e9));
                    curves.put(kind.id(), gap);
                }
                report(ctx, lambda, depths, curves, proxGaps);
            }
        }
        ctx.write("neurips2020-tv.csv", csv);
    }

    private static void report(ExperimentContext ctx, double lambda, int[] depths, Map<String, double[]> curves,
                               Map<String, double[]> proxGaps) throws IOException {
        List<String> header = new ArrayList<>(List.of("method"));
        for (int d : depths) {
            header.add("T=" + d);
        }
        TextTable table = new TextTable(header.toArray(String[]::new));
        LinePlot plot = new LinePlot().title("NeurIPS 2020 unrolled TV, λ = " + lambda).xLabel("layers / iterations")
                .yLabel("test P(u_t) − P*").logX(true).logY(true);
        double[] xs = new double[depths.length];
        for (int i = 0; i < depths.length; i++) {
            xs[i] = depths[i];
        }
        for (Map.Entry<String, double[]> e : curves.entrySet()) {
            List<Object> row = new ArrayList<>(List.of(e.getKey()));
            double[] floored = new double[depths.length];
            for (int i = 0; i < depths.length; i++) {
                row.add(e.getValue()[i]);
                floored[i] = Math.max(e.getValue()[i], 1e-16);
            }
            table.row(row.toArray());
            plot.series(e.getKey(), xs, floored);
        }
        ctx.print("test P(u_t) − P* (λ = " + lambda + "); paper (§9, TALK): the learned TV networks sit below "
                + "ISTA/FISTA at every depth, analysis (LPGD) below synthesis, LPGD-LISTA's untrained inner prox "
                + "limits it and a per-layer learned one helps", table);
        ctx.write("neurips2020-tv-lambda" + lambda + ".png", plot);
        for (Map.Entry<String, double[]> e : proxGaps.entrySet()) {
            StringBuilder sb = new StringBuilder("prox sub-optimality per layer, " + e.getKey() + ":");
            for (double g : e.getValue()) {
                sb.append(String.format(" %.2e", g));
            }
            ctx.log(sb.toString());
        }
        String best = null;
        for (Map.Entry<String, double[]> e : curves.entrySet()) {
            if (best == null || e.getValue()[depths.length - 1] < curves.get(best)[depths.length - 1]) {
                best = e.getKey();
            }
        }
        ctx.log("lowest test gap at depth " + depths[depths.length - 1] + ": " + best);
    }
}
