package dev.unroll.cuda;

import dev.unroll.engine.DType;
import jcuda.driver.JCudaDriver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allocates and frees the backend's device memory. New memory is zero-filled on the stream, so it is ordered
 * before any later work; freeing waits for the stream first so no queued kernel still uses the memory.
 * Whatever is still allocated when the backend closes is freed then.
 */
@SuppressWarnings("try") // the Exec.Scope resource only holds the execution lock
final class DeviceMemory implements AutoCloseable {
    private final Exec exec;
    private final Set<DeviceBuffer> live = ConcurrentHashMap.newKeySet();

    DeviceMemory(Exec exec) {
        this.exec = exec;
    }

    /** {@code elements} zero-filled elements of {@code dtype} (at least 256 bytes are reserved). */
    DeviceBuffer allocate(DType dtype, long elements) {
        long bytes = Math.max(256, elements * dtype.byteSize());
        try (Exec.Scope s = exec.enter()) {
            NativePointers.DevicePtr ptr = new NativePointers.DevicePtr();
            int status = JCudaDriver.cuMemAlloc(ptr, bytes);
            if (status != 0) {
                throw new CudaException("cuMemAlloc(" + bytes + " bytes) failed: " + Status.driverName(status) + " ("
                        + status + ") on " + exec.context().name() + " with " + exec.context().totalMemory()
                        + " bytes in all; free matrices you no longer need (close them) or use smaller batches");
            }
            Status.cu(JCudaDriver.cuMemsetD8Async(ptr, (byte) 0, bytes, exec.stream()), "cuMemsetD8Async");
            DeviceBuffer b = new DeviceBuffer(this, ptr, dtype, elements, bytes);
            live.add(b);
            return b;
        }
    }

    /** Frees {@code b} once the stream has finished with it (idempotent). */
    void free(DeviceBuffer b) {
        if (!live.remove(b)) {
            return;
        }
        try (Exec.Scope s = exec.enter()) {
            exec.synchronize();
            b.markReleased();
            Status.cu(JCudaDriver.cuMemFree(b.pointer()), "cuMemFree");
        }
    }

    /** Frees every buffer still allocated. */
    @Override
    public void close() {
        for (DeviceBuffer b : Set.copyOf(live)) {
            free(b);
        }
    }
}
