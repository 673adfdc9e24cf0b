package dev.unroll.solvers.dictionary;

/** How the gradient with respect to D is estimated during dictionary learning (ICLR 2022). */
public enum DlMethod {
    /** Alternating minimisation: g¹ = ∇₁F(D, z_N), the codes count as constants. */
    AM,
    /** Deep dictionary learning: g² by back-propagation through the unrolled iterations (full or truncated). */
    DDL,
    /** DDL until convergence, then D and the per-iteration steps jointly until convergence. */
    DDL_STEP
}
