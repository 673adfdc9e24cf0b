package dev.unroll.solvers.gradients;

/** The iterative solver an unrolled Lasso encoder runs (PLIPY's {@code algo}). */
public enum UnrolledAlgorithm {
    /** ISTA: z ← ST(z − α Dᵀ(Dz − x), λα). Runs on the backend's fused unrolled kernels (STEP layers). */
    ISTA,
    /**
     * FISTA with PLIPY's output: the prox step at the extrapolated point y, then
     * y ← x + ((t − 1)/t⁺)(x − x_prev); the code returned is the last extrapolated point y_N
     * (docs/science.md §10.2).
     */
    FISTA
}
