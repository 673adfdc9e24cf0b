package dev.unroll.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * JCuda handles that expose their native address, so device pointers can travel as plain {@code long}s
 * (kernel arguments, the FFM cuBLAS binding) and raw addresses can become JCuda pointers again.
 */
final class NativePointers {
    private NativePointers() {
    }

    /** A device pointer filled in by cuMemAlloc whose address can be read. */
    static final class DevicePtr extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    /** A stream whose native handle (a cudaStream_t for cuBLAS) can be read. */
    static final class Stream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    /** A host pointer filled in by cuMemHostAlloc whose address can be read. */
    static final class HostPtr extends Pointer {
        long address() {
            return getNativePointer();
        }
    }

    /** A JCuda pointer at a raw (device or host) address, for JCublas2's {@code Pointer} arguments. */
    static final class Raw extends Pointer {
        Raw(long address) {
            super(address);
        }
    }

    /** A device pointer at a raw address: a null base plus the address as its byte offset. */
    static final class Device extends CUdeviceptr {
        Device(long address) {
            super(new CUdeviceptr(), address);
        }
    }
}
