package dev.unroll.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;

/**
 * One device's primary context, retained for the backend's life. Every thread that issues work calls
 * {@link #makeCurrent()} first (a context is current per thread; JCuda crashes otherwise).
 */
final class DeviceContext implements AutoCloseable {
    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int multiprocessors;
    private final int maxSharedOptIn;
    private final long totalMemory;
    private final int driverVersion;
    private boolean closed;

    private DeviceContext(int ordinal) {
        this.ordinal = ordinal;
        Status.cu(JCudaDriver.cuInit(0), "cuInit");
        int[] count = new int[1];
        Status.cu(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal >= count[0]) {
            throw new CudaException("device " + ordinal + " does not exist: this machine has " + count[0]
                    + " CUDA device(s); set -Dunroll.cuda.device to 0.." + (count[0] - 1));
        }
        Status.cu(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet");
        byte[] buf = new byte[256];
        Status.cu(JCudaDriver.cuDeviceGetName(buf, buf.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        name = new String(buf, 0, len, StandardCharsets.US_ASCII);
        ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability");
        ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability");
        multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "SM count");
        maxSharedOptIn = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                "shared memory per block");
        long[] mem = new long[1];
        Status.cu(JCudaDriver.cuDeviceTotalMem(mem, device), "cuDeviceTotalMem");
        totalMemory = mem[0];
        int[] v = new int[1];
        Status.cu(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
        driverVersion = v[0];
        Status.cu(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
    }

    /** Initialises the driver and retains device {@code ordinal}'s primary context. */
    static DeviceContext open(int ordinal) {
        JCudaDriver.setExceptionsEnabled(false);
        return new DeviceContext(ordinal);
    }

    private int attribute(int attribute, String what) {
        int[] out = new int[1];
        Status.cu(JCudaDriver.cuDeviceGetAttribute(out, attribute, device), "cuDeviceGetAttribute(" + what + ")");
        return out[0];
    }

    /** Makes the primary context current on the calling thread. */
    void makeCurrent() {
        Status.cu(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    int ordinal() {
        return ordinal;
    }

    String name() {
        return name;
    }

    String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    int multiprocessors() {
        return multiprocessors;
    }

    int maxSharedOptIn() {
        return maxSharedOptIn;
    }

    long totalMemory() {
        return totalMemory;
    }

    /** The driver's CUDA version as the driver API encodes it, e.g. 13000 for 13.0. */
    int driverVersion() {
        return driverVersion;
    }

    static String version(int encoded) {
        return encoded / 1000 + "." + (encoded % 1000) / 10;
    }

    /** Releases the primary context (idempotent). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Status.cu(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
        }
    }
}
