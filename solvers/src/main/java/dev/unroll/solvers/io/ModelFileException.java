package dev.unroll.solvers.io;

import dev.unroll.engine.UnrollException;

/**
 * A model or data file ({@code .npy}, {@code .safetensors}) whose content is not what its format promises:
 * a wrong magic, a truncated body, a header that does not parse, an unsupported element type, a length that
 * does not match the shape. The message names the file, says what was expected, what came, and what to do.
 * Readers throw it before returning anything, so a caller never sees a half-loaded array.
 */
public class ModelFileException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public ModelFileException(String message) {
        super(message);
    }

    /** An error with its full message, caused by another one. */
    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
