package dev.unroll.solvers.tv;

/**
 * The parametrizations of a synthesis layer (docs/science.md §9, CARPET {@code origista},
 * {@code coupledista}, {@code stepista}); see {@link SynthesisLayer} for the formulas.
 */
public enum SynthesisKind {
    /** W_z, W_x and a threshold multiplier θ per layer. */
    LISTA,
    /** One matrix W (LISTA-CP) and θ per layer. */
    COUPLED,
    /** A step α per layer, the threshold λα. */
    STEP
}
