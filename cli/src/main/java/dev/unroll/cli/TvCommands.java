package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.io.AtomicFiles;
import dev.unroll.solvers.io.CodeWriter;
import dev.unroll.solvers.io.SignalReader;
import dev.unroll.solvers.io.TvModelFiles;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import dev.unroll.solvers.tv.TvIterative;
import dev.unroll.solvers.tv.TvNetwork;
import dev.unroll.solvers.tv.TvNetworkKind;
import dev.unroll.solvers.tv.TvProblem;
import dev.unroll.solvers.tv.TvTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TV side (docs/science.md §9) of {@code train --problem tv}, {@code eval} and {@code encode}: the same
 * options and the same front-door rules as the Lasso side, on {@link TvNetwork}s and their model files
 * ({@link TvModelFiles}). The signal x ∈ ℝ^m plays the Lasso signal's part and u ∈ ℝ^k the code's, so
 * {@code --dim} is m and {@code --atoms} is k, and encode writes (N, k).
 */
final class TvCommands {
    /** The network {@code train --problem tv} trains without {@code -p}. */
    static final String DEFAULT_NETWORK = TvNetworkKind.LPGD_TAUT.id();

    private TvCommands() {
    }

    /** {@code train --problem tv}: CARPET's recursive line search on P, then the model file. */
    static int train(TrainCommand c) throws IOException {
        PrintStream print = c.root.out;
        TvNetworkKind kind = TvNetworkKind.fromId(c.parametrization == null ? DEFAULT_NETWORK : c.parametrization);
        if (!(c.lambda > 0) || Double.isInfinite(c.lambda)) {
            throw new InvalidArgumentException("λ must be a finite number > 0, but is " + c.lambda);
        }
        if (c.layers < 1 || c.iterations < 0) {
            throw new UsageException("--layers must be ≥ 1 and --iterations ≥ 0, but are " + c.layers + " and "
                    + c.iterations);
        }
        if (!c.optimizer.equals("line-search") || !(c.mode.equals("auto") || c.mode.equals("recursive"))
                || c.timeLimit != null) {
            throw new UsageException("--problem tv trains with CARPET's recursive line search only: drop --optimizer, "
                    + "--mode and --time-limit");
        }
        c.engine.validate();
        Outputs.checkFile("-o", c.out, Outputs.input("--data", c.data.fromFile() ? Path.of(c.data.data) : null),
                Outputs.input("--dictionary", c.data.dictionary));
        try (Backend be = c.engine.open()) {
            CodingData set = c.data.tvTrainingSet(c.engine.seed, (samples, m, k) ->
                    checkMemory(be, kind, c.layers, samples, m, k, c.engine.dtype()));
            HostMatrix x = set.train();
            try (TvProblem p = TvProblem.create(be, c.engine.dtype(), set.dictionary(), c.lambda);
                 TvNetwork net = TvNetwork.create(kind, p, c.layers)) {
                print.printf("training a %d-layer %s TV network on %d signals of %s (k = %d, m = %d), λ = %s, "
                        + "backend %s, %s%n", c.layers, kind.id(), x.cols(), set.name(), p.length(), p.measurements(),
                        c.lambda, be.name(), p.dtype());
                long start = System.nanoTime();
                double before = net.objective(x, c.layers);
                double after = c.iterations == 0 ? before : TvTrainer.train(net, x, c.iterations, 1);
                print.printf("training loss P %.8g (untrained: %d iterations of the algorithm it unrolls) → %.8g "
                        + "after %d line-search steps in %.1f s%n", before, c.layers, after, c.iterations,
                        (System.nanoTime() - start) / 1e9);
                TvModelFiles.save(net, c.out);
                print.println("wrote " + c.out);
            }
        }
        return Main.EXIT_OK;
    }

    /** Refuses a training set whose arrays cannot fit in this JVM, before it is drawn or read. */
    private static void checkMemory(Backend be, TvNetworkKind kind, int layers, int samples, int m, int k,
                                    DType dtype) {
        String fix = "use fewer --samples, or a smaller --dim or --atoms";
        // Every layer's state (u and, for Condat–Vu, v; an unrolled prox's inner codes) for all the signals.
        double states = (double) k * samples * (layers + 1) * (2 + kind.innerLayers());
        double params = (double) layers * (k * (double) k + k * (double) m) * (1 + kind.innerLayers());
        new MemoryBudget(!be.capabilities().deviceMemory())
                .hostArray("the operator", m, k, fix)
                .hostArray("the training signals", m, samples, fix)
                .backend("the states the forward pass records (" + layers + " layers)", states, dtype == DType.F32 ? 4 : 8)
                .backend("the network's parameters, their gradients and saved copies", 3 * params,
                        dtype == DType.F32 ? 4 : 8)
                .check(fix);
    }

    /** {@code eval} of a TV model: P − P* per layer against proximal gradient and FISTA (analysis form). */
    static int eval(EvalCommand c, Path dir) throws IOException {
        PrintStream out = c.root.out;
        if (c.safeguard) {
            throw new UsageException("--safeguard guards a Lasso network; a TV model has no safeguard");
        }
        try (Backend be = c.engine.open(); TvModelFiles.Loaded m = TvModelFiles.load(c.model, be)) {
            TvProblem p = m.problem();
            TvNetwork net = m.network();
            c.engine.requirePrecisionOf(c.model, p.dtype());
            HostMatrix x = c.data.tvTestSignals(p.operator(), c.engine.seed + 1, (samples, mm, k) ->
                    new MemoryBudget(!be.capabilities().deviceMemory())
                            .hostArray("the test signals", mm, samples, "use fewer --samples")
                            .backend("the states of the network and FISTA", (double) k * samples * (net.layers() + 4),
                                    p.dtype() == DType.F32 ? 4 : 8)
                            .check("use fewer --samples"));
            int layers = net.layers();
            double pStar = TvIterative.run(p, TvIterative.Method.FISTA_ANALYSIS, x, Math.max(1000, 50 * layers), false)
                    .costs()[0];
            double[] pgd = TvIterative.run(p, TvIterative.Method.ISTA_ANALYSIS, x, layers).costs();
            double[] fista = TvIterative.run(p, TvIterative.Method.FISTA_ANALYSIS, x, layers).costs();
            out.printf("%s: %d-layer %s TV network, λ = %s, %s, on %d test signals (%s), backend %s; P* = %.10g%n",
                    c.model, layers, net.kind().id(), p.lambda(), p.dtype(), x.cols(), c.data.data, be.name(), pStar);
            TextTable table = new TextTable("layer t", "network P−P*", "PGD P−P*", "FISTA P−P*");
            Csv csv = new Csv("layer", "network_gap", "pgd_gap", "fista_gap");
            double[] ts = new double[layers + 1];
            double[][] gaps = new double[3][layers + 1];
            for (int t = 0; t <= layers; t++) {
                ts[t] = t;
                gaps[0][t] = net.objective(x, t) - pStar;
                gaps[1][t] = pgd[t] - pStar;
                gaps[2][t] = fista[t] - pStar;
                table.row(t, gaps[0][t], gaps[1][t], gaps[2][t]);
                csv.rowOf(t, gaps[0][t], gaps[1][t], gaps[2][t]);
            }
            table.print(out);
            Files.createDirectories(dir);
            csv.write(dir.resolve("eval.csv"));
            double[][] floored = new double[3][layers + 1];
            for (int i = 0; i < 3; i++) {
                for (int t = 0; t <= layers; t++) {
                    floored[i][t] = Math.max(gaps[i][t], 1e-16); // a log axis: P − P* can round to 0 or below
                }
            }
            new LinePlot().title("test P(u_t) − P* per layer: " + c.model.getFileName()).xLabel("layer / iteration t")
                    .yLabel("P − P*").logY(true).series(net.kind().id(), ts, floored[0])
                    .series("PGD (analysis ISTA)", ts, floored[1]).series("analysis FISTA", ts, floored[2])
                    .write(dir.resolve("eval.png"));
            out.println("wrote " + dir.resolve("eval.csv") + " and " + dir.resolve("eval.png"));
        }
        return Main.EXIT_OK;
    }

    /** {@code encode} with a TV model: u = the network's output for each signal, written as (N, k). */
    static int encode(EncodeCommand c, PrintStream print) throws IOException {
        if (c.coder.safeguard) {
            throw new UsageException("--safeguard guards a Lasso network; a TV model has no safeguard");
        }
        long started = System.nanoTime();
        // As the Lasso path: Ctrl-C halts the JVM without the writer's cleanup, so a hook removes its temporary.
        Thread hook = new Thread(() -> AtomicFiles.removeTemporaries(c.out));
        Runtime.getRuntime().addShutdownHook(hook);
        try (Backend be = c.engine.open(); SignalReader reader = SignalReader.open(c.in);
             TvModelFiles.Loaded m = TvModelFiles.load(c.coder.model, be)) {
            TvProblem p = m.problem();
            c.engine.requirePrecisionOf(c.coder.model, p.dtype());
            if (reader.dimension() != p.measurements()) {
                throw new UsageException(c.in + " holds signals of dimension " + reader.dimension() + " but the TV "
                        + "model's operator has m = " + p.measurements() + "; give an array of shape (N, "
                        + p.measurements() + ")");
            }
            int b = Math.max(1, Math.min(c.batch, reader.count()));
            new MemoryBudget(!be.capabilities().deviceMemory())
                    .hostArray("a batch of signals", p.measurements(), b, "use a smaller --batch")
                    .backend("a batch's states on the backend", (double) b * p.length() * (m.network().layers() + 2),
                            p.dtype() == DType.F32 ? 4 : 8)
                    .check("use a smaller --batch");
            print.printf("encoding %d signals (m = %d → k = %d) with a %d-layer %s TV network in batches of %d%n",
                    reader.count(), p.measurements(), p.length(), m.network().layers(), m.network().kind().id(), b);
            CodeWriter.write(c.out, p.dtype(), reader.count(), p.length(), w -> {
                while (reader.remaining() > 0) {
                    w.append(m.network().solve(reader.next(b), m.network().layers()));
                }
            });
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running
            }
        }
        print.printf("wrote %s in %.2f s%n", c.out, (System.nanoTime() - started) / 1e9);
        return Main.EXIT_OK;
    }
}
