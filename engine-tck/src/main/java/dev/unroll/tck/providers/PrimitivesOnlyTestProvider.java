package dev.unroll.tck.providers;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

import java.util.ServiceLoader;

/**
 * Registers {@link PrimitivesOnlyBackend}, built on the reference provider's kernels. Its priority is below
 * the reference's, so automatic selection never picks it; the TCK names it. Registered only by the TCK jar,
 * which no application ships.
 */
public final class PrimitivesOnlyTestProvider implements BackendProvider {
    /** Its name. */
    public static final String NAME = "tck-primitives-only";
    private static final String REFERENCE = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public String description() {
        return "TCK test backend: the reference's primitives, every unrolled pass inherited from the SPI";
    }

    @Override
    public Availability probe() {
        return reference() != null ? Availability.available(java.util.Map.of())
                : Availability.unavailable("the reference provider is not on the class path",
                "put engine-api's jar on the class path");
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        BackendProvider reference = reference();
        if (reference == null) {
            throw new BackendUnavailableException("the reference provider is not on the class path");
        }
        return new PrimitivesOnlyBackend(reference.create(config));
    }

    private static BackendProvider reference() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(REFERENCE)) {
                return p;
            }
        }
        return null;
    }
}
