package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every computing subcommand shares: which backend, which precision, how many threads and
 * which seed. A backend named here (or by {@code -Dunroll.backend} / {@code UNROLL_BACKEND}) never falls
 * back; {@code auto} logs its choice.
 */
public final class EngineOptions {
    /**
     * The most threads per core {@code --threads} accepts. The backend's threads compute without waiting,
     * so more of them than cores only take turns on them; a few per core still allows experiments with
     * oversubscription, while 100 000 would exhaust the host's threads for minutes.
     */
    static final int MAX_THREADS_PER_CORE = 4;

    /** The precision when {@code --dtype} is not given. */
    static final DType DEFAULT_DTYPE = DType.F64;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "compute backend: auto (default: -Dunroll.backend, UNROLL_BACKEND, else the best available), "
                    + "reference, cpu-vector, cuda")
    String backend;

    // No picocli default: null tells "not given" apart from F64, so that a model's own precision can win.
    @Option(names = "--dtype", paramLabel = "F32|F64",
            description = "precision of the computation (default: F64; a model file runs in its own precision)")
    DType dtype;

    @Option(names = "--threads", paramLabel = "N",
            description = "worker threads of the CPU backend (default: all cores; at most " + MAX_THREADS_PER_CORE
                    + " per core)")
    Integer threads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the data generators and of the mini-batch order (default: ${DEFAULT-VALUE})")
    long seed;

    /** Creates the option holder (picocli fills it). */
    public EngineOptions() {
    }

    /** The precision asked for, {@link #DEFAULT_DTYPE} when {@code --dtype} is not given. */
    DType dtype() {
        return dtype == null ? DEFAULT_DTYPE : dtype;
    }

    /**
     * Fails when {@code --dtype} asks for another precision than the model file's: a model runs in the
     * precision it was trained in, and silently ignoring the option would report numbers it did not ask for.
     */
    void requirePrecisionOf(Path model, DType modelDtype) {
        if (dtype != null && dtype != modelDtype) {
            throw new UsageException("--dtype " + dtype + " does not apply to " + model + ": the model is "
                    + modelDtype + " and runs in its own precision; drop --dtype (or train an " + dtype + " model)");
        }
    }

    /** Checks the options without opening anything: call it before long work. */
    void validate() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads != null && (threads < 1 || threads > MAX_THREADS_PER_CORE * cores)) {
            throw new UsageException("--threads must be in 1.." + MAX_THREADS_PER_CORE * cores + " (at most "
                    + MAX_THREADS_PER_CORE + " per core, " + cores + " cores here: more threads than cores only take "
                    + "turns), but is " + threads + "; leave it out to use all cores");
        }
        if (seed < 0 || seed > 0xffffffffL) {
            throw new UsageException("--seed must be in 0..4294967295 (NumPy's RandomState range), but is " + seed);
        }
    }

    /** Opens the backend these options name. */
    Backend open() {
        validate();
        BackendConfig config = BackendConfig.fromSystemProperties();
        if (threads != null) {
            config = config.with("threads", Integer.toString(threads));
        }
        String name = backend != null ? backend : Backends.requestedName();
        return Backends.open(name, config);
    }
}
