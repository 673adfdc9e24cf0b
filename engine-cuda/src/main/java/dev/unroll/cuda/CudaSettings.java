package dev.unroll.cuda;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.InvalidArgumentException;

import java.util.Locale;
import java.util.Optional;

/**
 * The settings the cuda backend reads (system properties {@code -Dunroll.KEY=...}):
 * <ul>
 * <li>{@code cuda.device}: the device index (default 0);</li>
 * <li>{@code cuda.tf32}: {@code true} lets F32 GEMMs use TF32 tensor cores (about 1e-4 relative error; default off);</li>
 * <li>{@code cuda.cublas}: {@code auto} (default: FFM, else JCublas2), {@code ffm} or {@code jcublas2};</li>
 * <li>{@code cuda.cublasLibrary}: a libcublas to load through FFM (also the environment variable CUBLAS_LIBRARY);</li>
 * <li>{@code cuda.kernels}: a folder with {@code unroll.fatbin} / {@code unroll.sm80.isa80.ptx} to load instead of
 * the images in the kernels jar;</li>
 * <li>{@code cuda.fused}: {@code false} runs every forward pass layer by layer on cuBLAS (default: fused where it
 * fits).</li>
 * </ul>
 *
 * @param device         device index
 * @param tf32           whether F32 GEMMs may use TF32
 * @param cublas         "auto", "ffm" or "jcublas2"
 * @param cublasLibrary  explicit library path or name for FFM, if any
 * @param kernelsDir     folder with kernel images, if any
 * @param fused          whether the fused forward kernel may be used
 */
record CudaSettings(int device, boolean tf32, String cublas, Optional<String> cublasLibrary,
                    Optional<String> kernelsDir, boolean fused) {

    /** Reads and validates the settings. */
    static CudaSettings from(BackendConfig config) {
        int device = config.getInt("cuda.device", 0);
        if (device < 0) {
            throw new InvalidArgumentException("setting unroll.cuda.device must be ≥ 0, but is " + device);
        }
        String cublas = config.get("cuda.cublas").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("auto");
        if (!cublas.equals("auto") && !cublas.equals("ffm") && !cublas.equals("jcublas2")) {
            throw new InvalidArgumentException("setting unroll.cuda.cublas must be auto, ffm or jcublas2, but is '"
                    + cublas + "'");
        }
        Optional<String> lib = config.get("cuda.cublasLibrary").filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("CUBLAS_LIBRARY")).filter(s -> !s.isBlank()));
        return new CudaSettings(device, flag(config, "cuda.tf32", false), cublas, lib,
                config.get("cuda.kernels").filter(s -> !s.isBlank()), flag(config, "cuda.fused", true));
    }

    private static boolean flag(BackendConfig config, String key, boolean fallback) {
        String v = config.get(key).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (v.isEmpty()) {
            return fallback;
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new InvalidArgumentException("setting unroll." + key + " must be true or false, but is '" + v + "'");
    }
}
