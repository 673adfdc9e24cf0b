package dev.unroll.solvers.service;

import dev.unroll.engine.UnrollException;

/**
 * A {@link Solver} call with a deadline did not get its codes in time: a single-signal call still waiting
 * for its micro-batch (its signal is withdrawn, so it never runs and its output array is left as it was),
 * or a batch call whose deadline passed between two chunks (no codes are returned). A batch already running
 * on the backend is never cut short, so a call can overrun its deadline by at most one batch's run time.
 */
public class EncodeTimeoutException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public EncodeTimeoutException(String message) {
        super(message);
    }
}
