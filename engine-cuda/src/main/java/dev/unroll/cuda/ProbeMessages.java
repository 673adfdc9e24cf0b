package dev.unroll.cuda;

import dev.unroll.engine.spi.Availability;

/**
 * The cuda probe's verdicts, one per thing that can be missing, each with its fix. Kept apart from the probe
 * so their wording is tested on machines without a GPU.
 */
final class ProbeMessages {
    static final String NO_CUBLAS = "no cuBLAS: neither libcublas.so.13 nor libcublas.so.12 could be loaded";
    private static final String FALLBACK = "; 'auto' falls back to the CPU backends by itself";

    private ProbeMessages() {
    }

    /** No NVIDIA driver library on this machine. */
    static Availability noLibcuda(String loaderMessage) {
        return Availability.unavailable("no NVIDIA driver: libcuda.so.1 cannot be loaded (" + loaderMessage + ")",
                "run on a machine with an NVIDIA GPU and its driver (R525 or newer; R580+ loads the fatbin kernels), "
                        + "or choose a CPU backend with -Dunroll.backend=cpu-vector" + FALLBACK);
    }

    /** JCuda's own JNI library (libJCudaDriver) did not load although libcuda.so.1 did. */
    static Availability jcudaDidNotLoad(String error) {
        return Availability.unavailable("JCuda's driver binding (libJCudaDriver-12.6.0) did not load: " + error,
                "keep jcuda-natives-12.6.0-linux-x86_64.jar on the class path (or its .so on -Djava.library.path); "
                        + "JCuda ships natives for Linux x86_64 only" + FALLBACK);
    }

    /** cuInit failed. */
    static Availability initFailed(int status) {
        String name = Status.driverName(status);
        if (status == 100) {
            return Availability.unavailable("no CUDA device: the NVIDIA driver is installed but cuInit reports "
                    + name, "check nvidia-smi and CUDA_VISIBLE_DEVICES" + FALLBACK);
        }
        if (status == 35) {
            return Availability.unavailable("the NVIDIA driver is too old: cuInit reports " + name,
                    "install driver R525 or newer (CUDA 12.0+)" + FALLBACK);
        }
        return Availability.unavailable("the CUDA driver did not initialise: cuInit reports " + name + " (" + status + ")",
                "check nvidia-smi, the driver installation and CUDA_VISIBLE_DEVICES" + FALLBACK);
    }

    /** No device at the requested index. */
    static Availability noDevice(int requested, int count) {
        if (count == 0) {
            return Availability.unavailable("no CUDA device: cuDeviceGetCount found 0 devices",
                    "check nvidia-smi and CUDA_VISIBLE_DEVICES" + FALLBACK);
        }
        return Availability.unavailable("device " + requested + " does not exist (" + count + " CUDA device(s) here)",
                "set -Dunroll.cuda.device to a value in 0.." + (count - 1));
    }

    /** Neither cuBLAS binding works. */
    static Availability noCublas(String details) {
        return Availability.unavailable(NO_CUBLAS + " (" + details + ")",
                "install cuBLAS 13 or 12 (the CUDA toolkit's libcublas, or pip install nvidia-cublas for CUDA 13 / "
                        + "nvidia-cublas-cu12), put its lib folder on LD_LIBRARY_PATH or set "
                        + "CUBLAS_LIBRARY=/path/to/libcublas.so.N" + FALLBACK);
    }

    /** The driver rejected the kernel images. */
    static Availability imagesRejected(int driverVersion, String details) {
        return Availability.unavailable("this driver (CUDA " + DeviceContext.version(driverVersion)
                        + ") rejected Unroll's kernel images: " + details,
                "update the NVIDIA driver (R525+ JITs the PTX, R580+ loads the fatbin), or rebuild the images for "
                        + "this driver with kernels/build-kernels.sh and point -Dunroll.cuda.kernels at them" + FALLBACK);
    }

    /** Anything else that went wrong while probing. */
    static Availability failed(String step, Throwable t) {
        return Availability.unavailable("the cuda probe failed while " + step + ": " + t,
                "run with -Dunroll.backend=cuda to see the full error" + FALLBACK);
    }
}
