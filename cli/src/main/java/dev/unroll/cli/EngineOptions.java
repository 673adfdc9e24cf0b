package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import picocli.CommandLine.Option;

/**
 * The options every computing subcommand shares: which backend, which precision, how many threads and
 * which seed. A backend named here (or by {@code -Dunroll.backend} / {@code UNROLL_BACKEND}) never falls
 * back; {@code auto} logs its choice.
 */
public final class EngineOptions {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "compute backend: auto (default: -Dunroll.backend, UNROLL_BACKEND, else the best available), "
                    + "reference, cpu-vector, cuda")
    String backend;

    @Option(names = "--dtype", paramLabel = "F32|F64",
            description = "precision of the computation (default: ${DEFAULT-VALUE})", defaultValue = "F64")
    DType dtype;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads of the CPU backend (default: all cores)")
    Integer threads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the data generators and of the mini-batch order (default: ${DEFAULT-VALUE})")
    long seed;

    /** Creates the option holder (picocli fills it). */
    public EngineOptions() {
    }

    /** Opens the backend these options name. */
    Backend open() {
        if (threads != null && threads < 1) {
            throw new UsageException("--threads must be ≥ 1, but is " + threads);
        }
        if (seed < 0 || seed > 0xffffffffL) {
            throw new UsageException("--seed must be in 0..4294967295 (NumPy's RandomState range), but is " + seed);
        }
        BackendConfig config = BackendConfig.fromSystemProperties();
        if (threads != null) {
            config = config.with("threads", Integer.toString(threads));
        }
        String name = backend != null ? backend : Backends.requestedName();
        return Backends.open(name, config);
    }
}
