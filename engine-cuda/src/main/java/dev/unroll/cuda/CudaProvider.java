package dev.unroll.cuda;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

/**
 * The GPU backend ({@code cuda}): JCuda's driver API in the device's primary context, cuBLAS through FFM or
 * JCublas2, and Unroll's kernels. Ranks above {@code cpu-vector} (200 &gt; 100). Its probe never throws: on a
 * machine without a GPU it says what is missing, and {@code auto} falls back to the CPU.
 *
 * <p>Settings: {@code -Dunroll.cuda.device}, {@code -Dunroll.cuda.tf32}, {@code -Dunroll.cuda.cublas},
 * {@code -Dunroll.cuda.cublasLibrary} (or {@code CUBLAS_LIBRARY}), {@code -Dunroll.cuda.kernels},
 * {@code -Dunroll.cuda.fused}; see {@link CudaSettings}.
 */
public final class CudaProvider implements BackendProvider {
    /** The name that selects it: {@code -Dunroll.backend=cuda}. */
    public static final String NAME = "cuda";

    private volatile Availability cached;

    /** Needed by ServiceLoader; touches no native code. */
    public CudaProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public String description() {
        return "NVIDIA GPU: JCuda driver API, cuBLAS and Unroll's CUDA kernels";
    }

    @Override
    public Availability probe() {
        Availability a = cached;
        if (a == null) {
            synchronized (this) {
                if (cached == null) {
                    try {
                        cached = CudaProbe.run();
                    } catch (Throwable t) {
                        cached = ProbeMessages.failed("probing", t);
                    }
                }
                a = cached;
            }
        }
        return a;
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        CudaSettings settings = CudaSettings.from(config);
        try {
            return CudaKernels.start(settings);
        } catch (CudaException e) {
            throw new BackendUnavailableException("backend 'cuda' cannot start: " + e.getMessage());
        } catch (LinkageError e) {
            throw new BackendUnavailableException("backend 'cuda' cannot start: a native library did not load: "
                    + CublasLibraries.firstLine(e.getMessage()));
        }
    }
}
