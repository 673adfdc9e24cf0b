package dev.unroll.engine.reference;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference backend: plain Java, double accumulation, always available. It is the oracle of the
 * conformance suite and the last resort of automatic selection, not a fast path (lowest priority).
 */
public final class ReferenceProvider implements BackendProvider {
    /** The name that selects it: {@code -Dunroll.backend=reference}. */
    public static final String NAME = "reference";

    /** Needed by ServiceLoader. */
    public ReferenceProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String description() {
        return "plain Java, accumulates in double; the conformance oracle, slow";
    }

    @Override
    public Availability probe() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("accumulation", "double");
        details.put("threads", "1");
        return Availability.available(details);
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        return new ReferenceKernels();
    }
}
