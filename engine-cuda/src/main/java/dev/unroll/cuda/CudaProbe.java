package dev.unroll.cuda;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.spi.Availability;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks, step by step and without throwing, whether the cuda backend can start: libcuda.so.1 (looked up
 * with the dynamic loader before JCuda is touched, so its loader prints nothing), JCuda's driver binding,
 * cuInit and a device, cuBLAS (FFM or JCublas2) and the kernel images in the primary context. The first
 * missing piece becomes the reason, with its fix.
 */
@SuppressWarnings({"try", "restricted"}) // scopes hold the execution lock; the probe dlopens libcuda.so.1 (FFM)
final class CudaProbe {
    private CudaProbe() {
    }

    /** The verdict for the current settings. */
    static Availability run() {
        CudaSettings settings;
        try {
            settings = CudaSettings.from(BackendConfig.fromSystemProperties());
        } catch (RuntimeException e) {
            return Availability.unavailable(e.getMessage(), "fix the unroll.cuda.* setting");
        }
        String libcuda = libcudaFailure();
        if (libcuda != null) {
            return ProbeMessages.noLibcuda(libcuda);
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) {
            return ProbeMessages.jcudaDidNotLoad(CublasLibraries.firstLine(t.getMessage() == null ? t.toString()
                    : t.getMessage()));
        }
        try {
            int status = JCudaDriver.cuInit(0);
            if (status != 0) {
                return ProbeMessages.initFailed(status);
            }
            int[] count = new int[1];
            Status.cu(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (settings.device() >= count[0]) {
                return ProbeMessages.noDevice(settings.device(), count[0]);
            }
        } catch (Throwable t) {
            return ProbeMessages.failed("initialising the driver", t);
        }
        return startTrial(settings);
    }

    /** Starts the backend's native parts once (context, stream, cuBLAS, kernels) and reports what it found. */
    private static Availability startTrial(CudaSettings settings) {
        DeviceContext context;
        try {
            context = DeviceContext.open(settings.device());
        } catch (Throwable t) {
            return ProbeMessages.failed("opening device " + settings.device(), t);
        }
        try (context; Exec exec = new Exec(context)) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("device", settings.device() + ": " + context.name());
            details.put("computeCapability", context.computeCapability());
            details.put("multiprocessors", String.valueOf(context.multiprocessors()));
            details.put("memory", (context.totalMemory() >> 20) + " MiB");
            details.put("driver", "CUDA " + DeviceContext.version(context.driverVersion()));
            try (Exec.Scope s = exec.enter(); Blas blas = BlasChoice.open(settings, exec.stream())) {
                details.put("cublas", blas.describe());
            } catch (CudaException e) {
                return ProbeMessages.noCublas(e.getMessage().replace(ProbeMessages.NO_CUBLAS + " ", ""));
            }
            KernelImages images = new KernelImages(settings.kernelsDir());
            try (Exec.Scope s = exec.enter(); KernelModule module = KernelModule.load(images, context.driverVersion())) {
                module.function(Kernel.SOFT_THRESHOLD, dev.unroll.engine.DType.F32);
                details.put("kernels", module.imageName() + " from " + images.source());
            } catch (CudaException e) {
                return ProbeMessages.imagesRejected(context.driverVersion(), e.getMessage());
            }
            details.put("tf32", String.valueOf(settings.tf32()));
            return Availability.available(details);
        } catch (Throwable t) {
            return ProbeMessages.failed("starting on device " + settings.device(), t);
        }
    }

    /** Null when the dynamic loader opens libcuda.so.1, else its message. */
    static String libcudaFailure() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return null;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return CublasLibraries.firstLine(e.getMessage());
        } catch (Throwable t) {
            return t.toString();
        }
    }
}
