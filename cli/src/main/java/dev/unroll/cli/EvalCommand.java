package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.io.TvModelFiles;
import dev.unroll.solvers.iterative.Baseline;
import dev.unroll.solvers.iterative.Fista;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.SafeguardedNetwork;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll eval}: a saved model's test objective after each of its layers, against ISTA and FISTA after
 * as many iterations, and how many ISTA iterations its output is worth; a table, a CSV and a PNG. A TV model
 * is compared with proximal gradient and FISTA on the analysis form instead ({@link TvCommands#eval}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Test loss per layer of a model against ISTA and FISTA (table, CSV, PNG).")
public final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;
    @Mixin
    DataOptions data;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", required = true, description = "a model file from train")
    Path model;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "folder for eval.csv and eval.png "
            + "(default: eval-<model file name>)")
    Path outDir;
    @Option(names = "--safeguard", description = "also run the model safeguarded (after every layer each signal keeps "
            + "the better of the layer and one ISTA step): its F − F* per layer, how often the ISTA step was taken, "
            + "and the worst signal's F − F* with and without it")
    boolean safeguard;

    /** Creates the command. */
    public EvalCommand() {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = root.out;
        engine.validate();
        DataOptions.requireFile(model, "--model", DataOptions.MODEL);
        Path dir = outDir != null ? outDir
                : Path.of("eval-" + model.getFileName().toString().replaceFirst("\\.safetensors$", ""));
        Outputs.checkFolder("-o", dir);
        for (String file : new String[]{"eval.csv", "eval.png"}) {
            Outputs.checkFile("-o", dir.resolve(file), Outputs.input("--model", model),
                    Outputs.input("--data", data.fromFile() ? Path.of(data.data) : null));
        }
        if (TvModelFiles.isTvModel(model)) {
            return TvCommands.eval(this, dir);
        }
        try (Backend be = engine.open(); ModelFiles.LoadedModel m = ModelFiles.load(model, be)) {
            engine.requirePrecisionOf(model, m.problem().dtype());
            HostMatrix signals = data.testSignals(m.problem().hostDictionary(), engine.seed + 1,
                    (samples, dim, atoms) -> checkMemory(be, m, samples, dim, atoms));
            int layers = m.network().layers();
            double[] net;
            Baseline base;
            SafeguardedNetwork.Trace guarded = null;
            double[] worst = null;
            try (Matrix x = m.problem().uploadSignals(signals)) {
                net = m.network().layerCosts(x);
                base = Baseline.compute(m.problem(), x, Math.max(1000, 50 * layers));
                if (safeguard) {
                    try (SafeguardedNetwork g = SafeguardedNetwork.of(m.network())) {
                        guarded = g.trace(x);
                    }
                    worst = worstGaps(m.network(), x, guarded.finalObjectives());
                }
            }
            out.printf("%s: %d-layer %s, λ = %s, %s, on %d test signals (%s), backend %s; F* = %.10g%n", model, layers,
                    m.network().parametrization().id(), m.problem().lambda(), m.problem().dtype(), signals.cols(),
                    data.data, be.name(), base.fStar());
            TextTable table = safeguard
                    ? new TextTable("layer t", "network F−F*", "ISTA F−F*", "FISTA F−F*", "ISTA iterations to match",
                            "safeguarded F−F*", "ISTA steps taken")
                    : new TextTable("layer t", "network F−F*", "ISTA F−F*", "FISTA F−F*", "ISTA iterations to match");
            Csv csv = safeguard
                    ? new Csv("layer", "network_gap", "ista_gap", "fista_gap", "ista_iterations_to_match",
                            "safeguarded_gap", "safeguard_steps")
                    : new Csv("layer", "network_gap", "ista_gap", "fista_gap", "ista_iterations_to_match");
            double[] ts = new double[layers + 1];
            double[][] gaps = new double[4][layers + 1];
            for (int t = 0; t <= layers; t++) {
                ts[t] = t;
                gaps[0][t] = net[t] - base.fStar();
                gaps[1][t] = base.ista()[t] - base.fStar();
                gaps[2][t] = base.fista()[t] - base.fStar();
                int match = base.istaIterationsToReach(net[t]);
                Object matched = match < 0 ? ">" + (base.ista().length - 1) : match;
                // Counts stay integers in the CSV; "never matched" is an empty cell (NaN in pandas), as in demo.csv.
                Integer matchCell = match < 0 ? null : match;
                if (guarded != null) {
                    gaps[3][t] = guarded.costs()[t] - base.fStar();
                    int fired = t == 0 ? 0 : guarded.fired()[t - 1];
                    table.row(t, gaps[0][t], gaps[1][t], gaps[2][t], matched, gaps[3][t], fired);
                    csv.rowOf(t, gaps[0][t], gaps[1][t], gaps[2][t], matchCell, gaps[3][t], fired);
                } else {
                    table.row(t, gaps[0][t], gaps[1][t], gaps[2][t], matched);
                    csv.rowOf(t, gaps[0][t], gaps[1][t], gaps[2][t], matchCell);
                }
            }
            table.print(out);
            if (guarded != null) {
                out.printf("safeguard: the ISTA step replaced a layer %d times (%.3g %% of %d signal-layers); at layer %d "
                        + "mean F − F* %.4g → %.4g, worst signal F − F* %.4g → %.4g%n", guarded.totalFired(),
                        100.0 * guarded.totalFired() / ((double) layers * signals.cols()), (long) layers * signals.cols(),
                        layers, gaps[0][layers], gaps[3][layers], worst[0], worst[1]);
            }
            Files.createDirectories(dir);
            csv.write(dir.resolve("eval.csv"));
            LinePlot plot = new LinePlot().title("test F(z_t) − F* per layer: " + model.getFileName()).xLabel("layer / iteration t")
                    .yLabel("F − F*").logY(true).series(m.network().parametrization().id(), ts, gaps[0])
                    .series("ISTA", ts, gaps[1]).series("FISTA", ts, gaps[2]);
            if (guarded != null) {
                plot.series(m.network().parametrization().id() + " safeguarded", ts, gaps[3]);
            }
            plot.write(dir.resolve("eval.png"));
            out.println("wrote " + dir.resolve("eval.csv") + " and " + dir.resolve("eval.png"));
        }
        return Main.EXIT_OK;
    }

    /** Refuses test signals whose arrays cannot fit in this JVM, before they are drawn or read. */
    private void checkMemory(Backend be, ModelFiles.LoadedModel m, int samples, int dim, int atoms) {
        String fix = data.fromFile() ? "evaluate a part of " + data.data : "use fewer --samples";
        // The network's codes after every layer, and ISTA's and FISTA's iterates for the baseline.
        double codes = (double) atoms * samples * (m.network().layers() + 4);
        new MemoryBudget(!be.capabilities().deviceMemory())
                .hostArray("the test signals", dim, samples, fix)
                .backend("the codes of the network, ISTA and FISTA", codes, m.problem().dtype() == DType.F32 ? 4 : 8)
                .check(fix);
    }

    /**
     * The largest per-signal F(z_T) − F*_i of the network and of its safeguarded run ({@code guarded}, per
     * signal), with each F*_i from FISTA run to a duality gap of 1e-12·½‖x_i‖² (1e-6 in F32).
     */
    private static double[] worstGaps(UnrolledNetwork net, Matrix x, double[] guarded) {
        LassoProblem p = net.problem();
        Backend be = p.backend();
        int b = x.cols();
        double tolerance = p.dtype() == DType.F64 ? 1e-12 : 1e-6;
        try (Matrix optimum = p.zeroCodes(b); Fista fista = new Fista(p, b); Matrix codes = net.encode(x);
             Matrix perSample = be.allocate(p.dtype(), 1, b)) {
            fista.solve(x, optimum, new Stopping(100_000, tolerance));
            be.lassoObjective(p.dictionary(), x, optimum, p.lambda(), perSample, null, null);
            double[] best = be.toDoubleArray(perSample);
            be.lassoObjective(p.dictionary(), x, codes, p.lambda(), perSample, null, null);
            double[] plain = be.toDoubleArray(perSample);
            double[] worst = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (int j = 0; j < b; j++) {
                worst[0] = Math.max(worst[0], plain[j] - best[j]);
                worst[1] = Math.max(worst[1], guarded[j] - best[j]);
            }
            return worst;
        }
    }
}
