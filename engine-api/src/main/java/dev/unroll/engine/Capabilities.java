package dev.unroll.engine;

import java.util.Map;

/**
 * What a running backend offers, so callers ask instead of catching exceptions.
 *
 * @param deviceMemory        whether matrices live off the Java heap on a device (uploads and downloads copy)
 * @param preferredVectorBits SIMD width the backend computes with (0 when not applicable, e.g. scalar or GPU)
 * @param fusedMultiplyAdd    whether products accumulate with fused multiply-add (affects rounding, not results' tolerance)
 * @param threads             worker threads the backend uses for one operation
 * @param details             other facts for {@code unroll info} (device name, library versions)
 */
public record Capabilities(boolean deviceMemory, int preferredVectorBits, boolean fusedMultiplyAdd, int threads,
                           Map<String, String> details) {
    /** Copies the details so the record stays immutable. */
    public Capabilities {
        details = Map.copyOf(details);
    }
}
