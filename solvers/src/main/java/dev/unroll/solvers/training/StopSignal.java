package dev.unroll.solvers.training;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running training to stop at its next iteration, from any thread; the network keeps the best
 * parameters reached so far.
 */
public final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();

    /** Requests the stop. */
    public void request() {
        requested.set(true);
    }

    /** Whether a stop was requested. */
    public boolean isRequested() {
        return requested.get();
    }
}
