package dev.unroll.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the cuBLAS binding: {@code -Dunroll.cuda.cublas=ffm} or {@code jcublas2} forces one; {@code auto}
 * (the default) tries FFM (libcublas.so.13, then .so.12) and then JCublas2, and when neither works says what
 * each attempt reported.
 */
final class BlasChoice {
    private BlasChoice() {
    }

    /** A bound cuBLAS on {@code stream} (the context must be current), or a {@link CudaException} naming every failure. */
    static Blas open(CudaSettings settings, NativePointers.Stream stream) {
        List<String> failures = new ArrayList<>();
        if (!settings.cublas().equals("jcublas2")) {
            try {
                return FfmCublas.open(settings.cublasLibrary(), stream.address(), settings.tf32());
            } catch (CudaException e) {
                failures.add("FFM: " + e.getMessage());
            }
        }
        if (!settings.cublas().equals("ffm")) {
            try {
                return JCublas2Blas.open(stream, settings.tf32());
            } catch (CudaException e) {
                failures.add("JCublas2: " + e.getMessage());
            }
        }
        throw new CudaException(ProbeMessages.NO_CUBLAS + " (" + String.join("; ", failures) + ")");
    }
}
