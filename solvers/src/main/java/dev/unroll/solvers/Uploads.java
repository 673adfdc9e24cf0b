package dev.unroll.solvers;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

/**
 * Moves host matrices to and from a backend in either precision, so callers above the SPI never branch on
 * float versus double arrays.
 */
public final class Uploads {
    private Uploads() {
    }

    /** A new backend matrix of {@code dtype} holding {@code m} (rounded to float for F32). */
    public static Matrix upload(Backend backend, DType dtype, HostMatrix m) {
        Matrix out = backend.allocate(dtype, m.rows(), m.cols());
        try {
            write(backend, m, out);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Overwrites {@code dst} (same shape) with {@code m}. */
    public static void write(Backend backend, HostMatrix m, Matrix dst) {
        if (dst.dtype() == DType.F32) {
            backend.upload(m.toFloats(), dst);
        } else {
            backend.upload(m.values(), dst);
        }
    }

    /** The contents of {@code src} as a host matrix of doubles. */
    public static HostMatrix download(Backend backend, Matrix src) {
        return new HostMatrix(src.rows(), src.cols(), backend.toDoubleArray(src));
    }
}
