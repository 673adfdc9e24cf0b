package dev.unroll.tck.providers;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

/**
 * A provider that is never available, with the highest priority: the selection tests check that naming
 * it fails with its reason and fix, and that automatic selection skips it and says why. Registered only
 * by the TCK jar, which no application ships.
 */
public final class UnavailableTestProvider implements BackendProvider {
    /** Its name. */
    public static final String NAME = "tck-unavailable";
    /** Its probe's reason. */
    public static final String REASON = "the TCK's stand-in device is not present";
    /** Its probe's fix. */
    public static final String FIX = "nothing to fix: this provider exists to test backend selection";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String description() {
        return "TCK test provider, never available";
    }

    @Override
    public Availability probe() {
        return Availability.unavailable(REASON, FIX);
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        throw new BackendUnavailableException(REASON);
    }
}
