package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.Baseline;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll demo}, the main job: on the NeurIPS 2019 simulated problem (m = 256 atoms, n = 64, the
 * paper's seed), train SLISTA and LISTA (LISTA-CP) networks of a few depths without supervision, then show
 * on held-out signals how many ISTA iterations each network's output is worth — the layers it saves — as a
 * table, a CSV and a plot.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train SLISTA and LISTA on the paper's simulated problem; show the layers they save against ISTA.")
public final class DemoCommand implements Callable<Integer> {
    /** The paper's {@code random_state}. */
    private static final long PAPER_SEED = 42;

    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;

    @Option(names = {"-l", "--lambda"}, paramLabel = "λ,λ,...", split = ",", defaultValue = "0.1,0.8",
            description = "λ as fractions of λ_max: 0.1 is the paper's dense regime (LISTA gains most), 0.8 its "
                    + "sparse one (SLISTA gains most) (default: ${DEFAULT-VALUE})")
    List<Double> lambdas;
    @Option(names = "--depths", paramLabel = "T,T,...", split = ",", defaultValue = "5,10",
            description = "network depths to train, each warm-started from the previous (default: ${DEFAULT-VALUE})")
    List<Integer> depths;
    @Option(names = "--samples", paramLabel = "N", defaultValue = "3000",
            description = "training signals (default: ${DEFAULT-VALUE}; the paper: 10000)")
    int samples;
    @Option(names = "--iterations", paramLabel = "N", defaultValue = "100",
            description = "line-search iterations per network (default: ${DEFAULT-VALUE}; the paper: 3000)")
    int iterations;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results/demo",
            description = "folder for demo.csv and one PNG per λ (default: ${DEFAULT-VALUE})")
    Path out;

    /** Creates the command. */
    public DemoCommand() {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream print = root.out;
        lambdas.forEach(LassoProblem::requireLambda);
        if (samples < 1 || iterations < 0 || depths.isEmpty() || depths.stream().anyMatch(t -> t < 1)) {
            throw new UsageException("--samples ≥ 1, --iterations ≥ 0 and --depths of layers ≥ 1 are needed");
        }
        long started = System.nanoTime();
        // The paper's make_coding(20 000, 256, 64, random_state=42): train on the first signals, test on the
        // first 1 000 of its test half.
        int testFrom = Math.max(10_000, samples);
        CodingData set = Generators.simulated(testFrom + 1_000, 256, 64, testFrom, PAPER_SEED);
        HostMatrix train = set.signals().columns(0, samples);
        HostMatrix test = set.signals().columns(testFrom, testFrom + 1_000);
        TextTable table = new TextTable("λ", "network", "layers T", "test F − F*", "ISTA iterations, same loss",
                "layers saved", "fewer layers");
        Csv csv = new Csv("lambda", "network", "layers", "test_gap", "ista_iterations_to_match", "layers_saved");
        Files.createDirectories(out);
        try (Backend be = engine.open()) {
            print.printf("demo: %s, %d training and %d test signals, λ ∈ %s, depths %s, %d line-search iterations "
                    + "per network, backend %s, %s%n", set.name(), samples, test.cols(), lambdas, depths, iterations,
                    be.name(), engine.dtype());
            for (double lambda : lambdas) {
                try (LassoProblem p = LassoProblem.create(be, engine.dtype(), set.dictionary(), lambda);
                     Matrix xTest = p.uploadSignals(test)) {
                    LinePlot plot = runRegime(p, xTest, train, lambda, table, csv, print);
                    Path png = out.resolve("demo_lambda_" + lambda + ".png");
                    plot.write(png);
                    print.println("wrote " + png);
                }
            }
        }
        print.println();
        table.print(print);
        csv.write(out.resolve("demo.csv"));
        print.printf("%nwrote %s in %.0f s. The paper (NeurIPS 2019, Fig 6): LISTA gains most at λ = 0.1, SLISTA at "
                + "λ = 0.8.%n", out.resolve("demo.csv"), (System.nanoTime() - started) / 1e9);
        return Main.EXIT_OK;
    }

    /** Trains SLISTA and LISTA at every depth for one λ; adds their rows; returns the plot. */
    private LinePlot runRegime(LassoProblem p, Matrix xTest, HostMatrix train, double lambda, TextTable table, Csv csv,
                               PrintStream print) {
        int maxDepth = depths.stream().mapToInt(Integer::intValue).max().orElseThrow();
        Baseline base = Baseline.compute(p, xTest, Math.max(2000, 100 * maxDepth));
        LinePlot plot = new LinePlot().title("Layers saved against ISTA (λ = " + lambda + ", m = 256, n = 64)")
                .xLabel("layers / iterations").yLabel("test F − F*").logY(true).logX(true);
        int shown = Math.min(base.ista().length, 1000);
        double[] ks = new double[shown - 1];
        double[] istaGap = new double[shown - 1];
        double[] fistaGap = new double[shown - 1];
        for (int k = 1; k < shown; k++) {
            ks[k - 1] = k;
            istaGap[k - 1] = base.ista()[k] - base.fStar();
            fistaGap[k - 1] = base.fista()[k] - base.fStar();
        }
        plot.series("ISTA", ks, istaGap).series("FISTA", ks, fistaGap);
        int budget = base.ista().length - 1;
        for (Parametrization par : new Parametrization[]{Parametrization.STEP, Parametrization.COUPLED}) {
            String name = par == Parametrization.STEP ? "SLISTA" : "LISTA";
            double[] ts = new double[depths.size()];
            double[] gaps = new double[depths.size()];
            UnrolledNetwork previous = null;
            try {
                for (int i = 0; i < depths.size(); i++) {
                    int t = depths.get(i);
                    UnrolledNetwork net = UnrolledNetwork.create(p, par, t);
                    if (previous != null && previous.layers() <= t) {
                        net.warmStartFrom(previous);
                    }
                    ProgressPrinter progress = new ProgressPrinter(print, ProgressPrinter.stdoutIsTerminal(),
                            String.format("λ=%s %-6s T=%-3d", lambda, name, t));
                    // AUTO: oneshot for SLISTA, recursive (layer by layer) for LISTA, the reference's default.
                    Trainer.train(net, train, TrainingOptions.defaults().withMode(TrainingMode.AUTO)
                            .withMaxIterations(iterations).withSeed(engine.seed).withListener(progress));
                    progress.finish();
                    double loss = net.loss(xTest);
                    int match = base.istaIterationsToReach(loss);
                    ts[i] = t;
                    gaps[i] = loss - base.fStar();
                    table.row(lambda, name, t, gaps[i], match < 0 ? ">" + budget : match,
                            match < 0 ? ">" + (budget - t) : match - t,
                            match < 0 ? String.format(">%.0f×", (double) budget / t)
                                    : String.format("%.1f×", (double) match / t));
                    csv.rowOf(lambda, name, t, gaps[i], match < 0 ? null : match, match < 0 ? null : match - t);
                    if (previous != null) {
                        previous.close();
                    }
                    previous = net;
                }
            } finally {
                if (previous != null) {
                    previous.close();
                }
            }
            plot.series(name, ts, gaps);
        }
        return plot;
    }
}
