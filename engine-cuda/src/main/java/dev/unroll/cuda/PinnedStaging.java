package dev.unroll.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory through which every transfer goes, so copies are truly asynchronous DMA (a Java
 * array would make them synchronous and could move under the copy). One buffer, grown on demand; an event
 * recorded after each copy out of it guards its reuse.
 */
@SuppressWarnings("restricted") // FFM: needs --enable-native-access, which the launcher and tests pass
final class PinnedStaging implements AutoCloseable {
    /** Initial size; larger transfers go in chunks of this many bytes. */
    static final long DEFAULT_BYTES = 8L << 20;

    private final Exec exec;
    private NativePointers.HostPtr host;
    private MemorySegment segment;
    private long bytes;
    private final CUevent done = new CUevent();
    private boolean pending;

    PinnedStaging(Exec exec) {
        this.exec = exec;
        // CU_EVENT_DISABLE_TIMING (2): a pure synchronisation event, cheapest to record and wait on.
        Status.cu(JCudaDriver.cuEventCreate(done, 2), "cuEventCreate");
        grow(DEFAULT_BYTES);
    }

    /** The staging memory, at least {@code need} bytes, once no queued copy reads it any more. */
    MemorySegment acquire(long need) {
        awaitIdle();
        if (need > bytes) {
            grow(need);
        }
        return segment;
    }

    /** Size in bytes. */
    long capacity() {
        return bytes;
    }

    /** The JCuda pointer to the staging memory (for cuMemcpy calls). */
    NativePointers.HostPtr pointer() {
        return host;
    }

    /** Marks the end of a queued copy that reads the staging memory. */
    void recordUse() {
        Status.cu(JCudaDriver.cuEventRecord(done, exec.stream()), "cuEventRecord");
        pending = true;
    }

    private void awaitIdle() {
        if (pending) {
            Status.cu(JCudaDriver.cuEventSynchronize(done), "cuEventSynchronize");
            pending = false;
        }
    }

    private void grow(long need) {
        release();
        NativePointers.HostPtr p = new NativePointers.HostPtr();
        Status.cu(JCudaDriver.cuMemHostAlloc(p, need, 0), "cuMemHostAlloc(" + need + " bytes)");
        host = p;
        bytes = need;
        segment = MemorySegment.ofAddress(p.address()).reinterpret(need);
    }

    private void release() {
        if (host != null) {
            awaitIdle();
            Status.cu(JCudaDriver.cuMemFreeHost(host), "cuMemFreeHost");
            host = null;
            segment = null;
        }
    }

    /** Frees the pinned memory and the event (call with the context current). */
    @Override
    public void close() {
        release();
        Status.cu(JCudaDriver.cuEventDestroy(done), "cuEventDestroy");
    }
}
