package dev.unroll.cuda;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.spi.Storage;

/**
 * Device memory for one matrix (or a workspace), allocated by {@link DeviceMemory}. The address is a plain
 * {@code long}: kernels and the FFM cuBLAS binding take it as is.
 */
final class DeviceBuffer implements Storage {
    private final DeviceMemory owner;
    private final NativePointers.DevicePtr ptr;
    private final DType dtype;
    private final long elements;
    private final long bytes;
    private volatile boolean released;

    DeviceBuffer(DeviceMemory owner, NativePointers.DevicePtr ptr, DType dtype, long elements, long bytes) {
        this.owner = owner;
        this.ptr = ptr;
        this.dtype = dtype;
        this.elements = elements;
        this.bytes = bytes;
    }

    /** The device address of element {@code index}. */
    long address(long index) {
        return ptr.address() + index * dtype.byteSize();
    }

    /** The JCuda pointer of the allocation (base address). */
    NativePointers.DevicePtr pointer() {
        return ptr;
    }

    long bytes() {
        return bytes;
    }

    DType dtype() {
        return dtype;
    }

    boolean isReleased() {
        return released;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public void release() {
        owner.free(this);
    }

    /** The device address of element (0, 0) of {@code m}, a matrix of this backend. */
    static long address(Matrix m) {
        return ((DeviceBuffer) m.storage()).address(m.offset());
    }

    /** Like {@link #address(Matrix)}, or 0 (a null pointer for the kernels) when {@code m} is null. */
    static long addressOrNull(Matrix m) {
        return m == null ? 0L : address(m);
    }
}
