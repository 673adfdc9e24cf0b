package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that choose the coder of {@code encode} and {@code serve}: a trained model ({@code --model},
 * optionally {@code --safeguard}), or plain ISTA/FISTA ({@code --solver} with {@code --dictionary},
 * {@code --lambda}, {@code --tolerance} and {@code --max-iterations}). {@link #validate} checks them before
 * anything is opened; {@link #open} makes the {@link Solver}.
 */
public final class CoderOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "a model file from train")
    Path model;
    @Option(names = "--solver", paramLabel = "ista|fista", description = "solve with ISTA or FISTA instead of a model")
    String solver;
    @Option(names = "--dictionary", paramLabel = "FILE.npy", description = "D for --solver: (n, m) or (m, n)")
    Path dictionary;
    @Option(names = {"-l", "--lambda"}, paramLabel = "λ", description = "λ for --solver")
    Double lambda;
    @Option(names = "--tolerance", paramLabel = "TOL", defaultValue = "1e-10",
            description = "--solver stops each signal when its duality gap (a bound on F − F*) is at most TOL·½‖x‖² "
                    + "(default: ${DEFAULT-VALUE}; F32 resolves about 1e-6)")
    double tolerance;
    @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "1000",
            description = "--solver's iteration cap, ≥ 1 (default: ${DEFAULT-VALUE})")
    int maxIterations;
    @Option(names = "--safeguard", description = "with --model: after every layer each signal keeps the better of the "
            + "layer and one ISTA step from the same point; encode prints how often the ISTA step was taken")
    boolean safeguard;

    /** Creates the option holder (picocli fills it). */
    public CoderOptions() {
    }

    /** How a command sizes its batches once the coder's precision, depth and code length are known. */
    @FunctionalInterface
    interface Sizing {
        /** The batching for a coder in {@code dtype} keeping {@code layers} code-sized iterates of {@code atoms}. */
        Batching batching(DType dtype, int layers, int atoms);
    }

    /**
     * A solver and what it runs (the loaded model, or the Lasso problem of ISTA/FISTA), closed together.
     *
     * @param solver      the solver
     * @param dtype       its precision
     * @param batching    the batching it was made with
     * @param description what it runs, in a few words (for logs and health checks)
     * @param release     closes what the solver runs on, after the solver
     */
    record Coder(Solver solver, DType dtype, Batching batching, String description, Runnable release)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                solver.close();
            } finally {
                release.run();
            }
        }
    }

    /** Whether ISTA/FISTA codes instead of a model. */
    boolean iterative() {
        return solver != null;
    }

    /** Checks the options and that the files they name exist, before anything is opened. */
    void validate() {
        if ((model == null) == (solver == null)) {
            throw new UsageException("give either --model FILE or --solver ista|fista (with --dictionary and --lambda)");
        }
        if (safeguard && model == null) {
            throw new UsageException("--safeguard guards a trained network: give it with --model FILE");
        }
        if (solver != null) {
            if (!solver.equals("ista") && !solver.equals("fista")) {
                throw new UsageException("--solver must be ista or fista, but is '" + solver + "'");
            }
            if (maxIterations < 1 || !(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new UsageException("--solver needs --max-iterations ≥ 1 and a finite --tolerance ≥ 0, but they "
                        + "are " + maxIterations + " and " + tolerance);
            }
            if (dictionary == null || lambda == null) {
                throw new UsageException("--solver needs --dictionary D.npy and --lambda λ");
            }
            DataOptions.requireFile(dictionary, "--dictionary", DataOptions.NPY);
        } else {
            DataOptions.requireFile(model, "--model", DataOptions.MODEL);
        }
    }

    /**
     * Opens the coder on {@code be}: the model in its own precision, or ISTA/FISTA in {@code engine}'s. For
     * ISTA/FISTA, {@code signalDim} orients the dictionary ((n, m) or (m, n)); 0 takes it as (n, m).
     */
    Coder open(Backend be, EngineOptions engine, int signalDim, Sizing sizing) throws IOException {
        validate();
        if (model != null) {
            ModelFiles.LoadedModel m = ModelFiles.load(model, be);
            try {
                engine.requirePrecisionOf(model, m.problem().dtype());
                Batching batching = sizing.batching(m.problem().dtype(), m.network().layers(), m.problem().atoms());
                Solver s = safeguard ? Solver.safeguarded(m.network(), batching) : Solver.of(m.network(), batching);
                String what = model.getFileName() + " (" + m.network().parametrization().id() + ", "
                        + m.network().layers() + " layers" + (safeguard ? ", safeguarded" : "") + ")";
                return new Coder(s, m.problem().dtype(), batching, what, m::close);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        HostMatrix d = signalDim > 0 ? DataOptions.dictionary(dictionary, signalDim) : DataOptions.dictionary(dictionary);
        // ISTA and FISTA keep a few code-sized iterates where a network keeps one per layer.
        Batching batching = sizing.batching(engine.dtype(), 3, d.cols());
        LassoProblem p = LassoProblem.create(be, engine.dtype(), d, lambda);
        try {
            Stopping stopping = new Stopping(maxIterations, tolerance);
            Solver s = solver.equals("ista") ? Solver.ista(p, stopping, batching) : Solver.fista(p, stopping, batching);
            return new Coder(s, engine.dtype(), batching, solver + " on " + dictionary.getFileName() + " (λ = " + lambda
                    + ")", p::close);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }
}
