package dev.unroll.engine.spi;

import dev.unroll.engine.BackendConfig;

/**
 * Registers a backend with Unroll. Found with {@link java.util.ServiceLoader}: declare it with
 * {@code provides dev.unroll.engine.spi.BackendProvider with ...} in {@code module-info} and in
 * {@code META-INF/services/dev.unroll.engine.spi.BackendProvider} for class-path users.
 *
 * <p>Loading a provider must be cheap and must not touch native code: the work belongs in {@link #probe()}
 * and {@link #create}.
 */
public interface BackendProvider {

    /** Stable lower-case name used by {@code -Dunroll.backend} and {@code UNROLL_BACKEND}, e.g. "reference". */
    String name();

    /** Rank for automatic selection: the available provider with the highest priority wins. */
    int priority();

    /** One line for {@code unroll info}. */
    String description();

    /**
     * Checks whether this backend can start here. Must never throw (a GPU backend on a machine without a GPU
     * answers "unavailable" with the reason); may cache its answer.
     */
    Availability probe();

    /**
     * Starts the backend. Called only after a successful probe, but may still fail; it then throws
     * {@link dev.unroll.engine.BackendUnavailableException} with the reason.
     */
    BackendKernels create(BackendConfig config);
}
