package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.io.AtomicFiles;
import dev.unroll.solvers.io.CodeWriter;
import dev.unroll.solvers.io.SignalReader;
import dev.unroll.solvers.io.TvModelFiles;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.SignalReport;
import dev.unroll.solvers.service.Solver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll encode}: the sparse codes of the signals in a {@code .npy} (N, n), by a trained model or by
 * plain ISTA/FISTA with a tolerance, written as a {@code .npy} (N, m). Streams the file in batches, and
 * writes the output atomically: a failure leaves no partial file. A TV model's output is its signals u,
 * (N, k) ({@link TvCommands#encode}).
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Codes of the signals in a .npy (N, n) by a model or ISTA/FISTA, written as a .npy (N, m).")
public final class EncodeCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;

    @Mixin
    CoderOptions coder;
    @Option(names = {"-i", "--in"}, paramLabel = "X.npy", required = true, description = "signals, shape (N, n)")
    Path in;
    @Option(names = {"-o", "--out"}, paramLabel = "Z.npy", required = true, description = "codes to write, shape (N, m)")
    Path out;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "4096",
            description = "signals per backend batch; at most the file's and 65536 (default: ${DEFAULT-VALUE})")
    int batch;

    /** Creates the command. */
    public EncodeCommand() {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream print = root.out;
        if (batch < 1) {
            throw new UsageException("--batch must be ≥ 1, but is " + batch);
        }
        coder.validate();
        engine.validate();
        DataOptions.requireFile(in, "--in", DataOptions.NPY);
        Outputs.checkFile("-o", out, Outputs.input("--in", in), Outputs.input("--model", coder.model),
                Outputs.input("--dictionary", coder.dictionary));
        if (coder.model != null && TvModelFiles.isTvModel(coder.model)) {
            return TvCommands.encode(this, print);
        }
        long started = System.nanoTime();
        // Ctrl-C halts the JVM without running the writer's cleanup: the hook removes the half-written codes.
        Thread hook = new Thread(() -> AtomicFiles.removeTemporaries(out));
        Runtime.getRuntime().addShutdownHook(hook);
        try (Backend be = engine.open(); SignalReader reader = SignalReader.open(in);
             CoderOptions.Coder c = coder.open(be, engine, reader.dimension(),
                     (dtype, layers, atoms) -> batching(checkMemory(be, reader, dtype, layers, atoms)))) {
            run(reader, c.solver(), c.batching().maxBatch(), print);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running
            }
        }
        print.printf("wrote %s in %.2f s%n", out, (System.nanoTime() - started) / 1e9);
        return Main.EXIT_OK;
    }

    private static Batching batching(int batchSize) {
        return new Batching(false, batchSize, Duration.ZERO);
    }

    /**
     * The batch size to use: {@code --batch}, but no more than the file's signals (a larger batch is the
     * whole file) nor than {@link Batching#MAX_BATCH} (a backend batch beyond it gains nothing), refused when
     * one batch cannot fit in this JVM.
     */
    private int checkMemory(Backend be, SignalReader reader, DType dtype, int layers, int atoms) {
        int b = Math.max(1, Math.min(Math.min(batch, reader.count()), Batching.MAX_BATCH));
        int n = reader.dimension();
        String fix = "use a smaller --batch";
        new MemoryBudget(!be.capabilities().deviceMemory())
                .hostArray("a batch of signals", n, b, fix)
                .hostArray("a batch of codes", atoms, b, fix)
                .backend("a batch's signals and codes on the backend", (double) b * (n + (layers + 2.0) * atoms),
                        dtype == DType.F32 ? 4 : 8)
                .check(fix);
        return b;
    }

    private void run(SignalReader reader, Solver s, int batchSize, PrintStream print)
            throws java.io.IOException {
        if (reader.dimension() != s.signalDim()) {
            throw new UsageException(in + " holds signals of dimension " + reader.dimension() + " but the solver's "
                    + "dictionary has n = " + s.signalDim() + "; give an array of shape (N, " + s.signalDim() + ")");
        }
        print.printf("encoding %d signals (n = %d → m = %d) in batches of %d%n", reader.count(), s.signalDim(),
                s.atoms(), batchSize);
        Tally tally = new Tally();
        CodeWriter.write(out, s.dtype(), reader.count(), s.atoms(), w -> {
            while (reader.remaining() > 0) {
                HostMatrix signals = reader.next(batchSize);
                SignalReport report = SignalReport.forSignals(signals.cols());
                w.append(s.encode(signals, report));
                tally.add(report);
            }
        });
        if (coder.iterative()) {
            print.printf("%s: %d of %d signals converged (duality gap ≤ %s·½‖x‖²), iterations per signal %d to %d "
                    + "(mean %.1f)%n", coder.solver, tally.converged, tally.signals, coder.tolerance, tally.minIterations(),
                    tally.maxIterations, tally.meanIterations());
        } else if (coder.safeguard) {
            print.printf("safeguard: the ISTA step replaced a layer %d times (%.3g %% of %d signal-layers), in %d of %d "
                    + "signals%n", tally.safeguardSteps, 100.0 * tally.safeguardSteps / Math.max(1, tally.iterations),
                    tally.iterations, tally.safeguardedSignals, tally.signals);
        }
    }

    /** What the solver did to all the signals, summed over the batches. */
    private static final class Tally {
        long signals;
        long converged;
        /** ISTA/FISTA iterations, or a network's layers, summed over the signals. */
        long iterations;
        int minIterations = Integer.MAX_VALUE;
        int maxIterations;
        long safeguardSteps;
        long safeguardedSignals;

        void add(SignalReport report) {
            for (int j = 0; j < report.signals(); j++) {
                int its = report.iterations(j);
                iterations += its;
                minIterations = Math.min(minIterations, its);
                maxIterations = Math.max(maxIterations, its);
            }
            signals += report.signals();
            converged += report.convergedCount();
            safeguardSteps += report.totalSafeguardSteps();
            safeguardedSignals += report.safeguardedSignals();
        }

        int minIterations() {
            return signals == 0 ? 0 : minIterations;
        }

        double meanIterations() {
            return signals == 0 ? 0 : (double) iterations / signals;
        }
    }
}
