package dev.unroll.cuda;

import dev.unroll.engine.UnrollException;

/**
 * A CUDA driver or cuBLAS call failed. The message names the function, the status (number and name) and,
 * for module loading, the driver's JIT log.
 */
public final class CudaException extends UnrollException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public CudaException(String message) {
        super(message);
    }

    /** An error caused by another one (a native library that did not load). */
    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
