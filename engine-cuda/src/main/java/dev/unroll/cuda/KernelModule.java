package dev.unroll.cuda;

import dev.unroll.engine.DType;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Unroll's kernels loaded into the current context: the first of {@link KernelImages#candidates} that the
 * driver accepts, through {@code cuModuleLoadDataEx} (JCuda's {@code cuModuleLoadDataJIT}) with the JIT's error
 * and info logs captured, so a rejected image fails with the driver's own explanation.
 */
final class KernelModule implements AutoCloseable {
    private static final int LOG_BYTES = 16 * 1024;

    private final CUmodule module;
    private final String imageName;
    private final Map<Kernel, CUfunction[]> functions = new EnumMap<>(Kernel.class);

    private KernelModule(CUmodule module, String imageName) {
        this.module = module;
        this.imageName = imageName;
    }

    /** Loads the best image for this driver, or throws with every attempt's status and JIT log. */
    static KernelModule load(KernelImages images, int driverVersion) {
        List<KernelImages.Image> candidates;
        try {
            candidates = images.candidates(driverVersion);
        } catch (IOException e) {
            throw new CudaException("cannot read Unroll's kernel images from " + images.source() + ": " + e.getMessage(), e);
        }
        List<String> failures = new ArrayList<>();
        for (KernelImages.Image image : candidates) {
            CUmodule module = new CUmodule();
            JITOptions options = new JITOptions();
            options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
            options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
            options.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[LOG_BYTES]);
            options.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
            int status = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(image.bytes()), options);
            if (status == 0) {
                return new KernelModule(module, image.name());
            }
            failures.add(image.name() + ": cuModuleLoadDataEx failed with " + Status.driverName(status) + " (" + status
                    + ")" + log("JIT error log", options, CUjit_option.CU_JIT_ERROR_LOG_BUFFER)
                    + log("JIT info log", options, CUjit_option.CU_JIT_INFO_LOG_BUFFER));
        }
        throw new CudaException("this driver (CUDA " + DeviceContext.version(driverVersion) + ") rejected every kernel "
                + "image from " + images.source() + ": " + String.join("; ", failures));
    }

    private static String log(String what, JITOptions options, int key) {
        try {
            String s = options.getString(key);
            return s == null || s.isBlank() ? "" : " [" + what + ": " + s.trim() + "]";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The image that loaded, e.g. "unroll.fatbin". */
    String imageName() {
        return imageName;
    }

    /** The function of {@code kernel} for {@code dtype}, looked up once. */
    CUfunction function(Kernel kernel, DType dtype) {
        CUfunction[] pair = functions.computeIfAbsent(kernel, k -> new CUfunction[2]);
        int slot = kernel.typed() && dtype == DType.F64 ? 1 : 0;
        if (pair[slot] == null) {
            CUfunction f = new CUfunction();
            String entry = kernel.entry(dtype);
            int status = JCudaDriver.cuModuleGetFunction(f, module, entry);
            if (status != 0) {
                throw new CudaException("cuModuleGetFunction(" + entry + ") failed: " + Status.driverName(status) + " ("
                        + status + "): the kernel image " + imageName + " lacks this entry point; rebuild it with "
                        + "kernels/build-kernels.sh");
            }
            pair[slot] = f;
        }
        return pair[slot];
    }

    /** Unloads the module (call with the context current). */
    @Override
    public void close() {
        Status.cu(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
    }
}
