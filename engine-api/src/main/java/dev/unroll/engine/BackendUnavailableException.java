package dev.unroll.engine;

/**
 * A backend that was asked for by name cannot start (or no backend at all can). The message carries the
 * probe's reason and its fix; an explicitly named backend never falls back silently.
 */
public class BackendUnavailableException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** An error raised while starting a backend. */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
