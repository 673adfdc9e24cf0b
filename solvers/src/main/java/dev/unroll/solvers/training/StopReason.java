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
    REQUESTED,
    /**
     * The loss became non-finite (NaN or ±∞) and no step could avoid it (a non-finite gradient with the line
     * search; any non-finite loss with Adam): the network keeps the best finite parameters it reached.
     */
    DIVERGED
}
