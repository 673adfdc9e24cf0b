package dev.unroll.solvers.training;

/** Why a training run ended. */
public enum StopReason {
    /** The iteration budget was used up. */
    BUDGET,
    /** The line search's learning rate fell below 1e-20 in the last stage: no descent step is left. */
    CONVERGED,
    /** The time budget ran out. */
    TIME,
    /** {@link StopSignal#request()} was called. */
    REQUESTED
}
