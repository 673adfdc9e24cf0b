package dev.unroll.engine;

/**
 * Base of every error Unroll raises on purpose. Each message says what was expected, what came, and what
 * to do about it.
 */
public class UnrollException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public UnrollException(String message) {
        super(message);
    }

    /** An error caused by another one (a native failure, an I/O error). */
    public UnrollException(String message, Throwable cause) {
        super(message, cause);
    }
}
