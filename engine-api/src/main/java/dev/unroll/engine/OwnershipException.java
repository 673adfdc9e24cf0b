package dev.unroll.engine;

/** A matrix, tape or state used with a backend that does not own it, or used after it was closed. */
public class OwnershipException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public OwnershipException(String message) {
        super(message);
    }
}
