package dev.unroll.solvers.service;

import dev.unroll.engine.UnrollException;

/**
 * A {@link Solver} call stopped because its thread was interrupted: a single-signal call waiting for its
 * micro-batch, or a batch call between two chunks. The thread's interrupt flag is set again when this is
 * thrown, so the caller's own interruption handling still sees it; no code was written (the output array
 * of a single call is left as it was, a batch call returns nothing).
 */
public class EncodeInterruptedException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public EncodeInterruptedException(String message) {
        super(message);
    }
}
