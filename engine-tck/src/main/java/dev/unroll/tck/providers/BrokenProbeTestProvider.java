package dev.unroll.tck.providers;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

/**
 * A provider whose probe breaks the contract and throws: discovery must report it unavailable with the
 * error instead of failing (what ND4J's CUDA probe got wrong). Registered only by the TCK jar.
 */
public final class BrokenProbeTestProvider implements BackendProvider {
    /** Its name. */
    public static final String NAME = "tck-broken-probe";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE - 1;
    }

    @Override
    public String description() {
        return "TCK test provider whose probe throws";
    }

    @Override
    public Availability probe() {
        throw new UnsatisfiedLinkError("libtck-missing.so: cannot open shared object file");
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        throw new IllegalStateException("never started");
    }
}
