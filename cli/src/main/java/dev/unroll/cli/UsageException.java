package dev.unroll.cli;

import java.io.Serial;

/**
 * The command line was wrong (unknown subcommand or option). {@link Main} prints the message as one line
 * on stderr and exits with status {@value Main#EXIT_USAGE}; the message says what to do instead.
 */
public final class UsageException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A usage error explained by {@code message}. */
    public UsageException(String message) {
        super(message);
    }
}
