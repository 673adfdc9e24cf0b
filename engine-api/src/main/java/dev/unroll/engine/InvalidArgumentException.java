package dev.unroll.engine;

/** A value given to the front door is out of its domain: λ ≤ 0, a negative size, a non-finite scalar. */
public class InvalidArgumentException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public InvalidArgumentException(String message) {
        super(message);
    }
}
