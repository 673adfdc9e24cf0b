package dev.unroll.cli.serve;

import dev.unroll.engine.UnrollException;

/**
 * A request the server answers with a 4xx or 5xx status and a one-line reason, e.g. 400 for a signal of
 * the wrong length; {@code reason} tags the error meter ({@code unroll_encode_errors{reason=...}}).
 */
final class HttpError extends UnrollException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    HttpError(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    /** 400 Bad Request: the body cannot be encoded as it is. */
    static HttpError badRequest(String reason, String message) {
        return new HttpError(400, reason, message);
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
