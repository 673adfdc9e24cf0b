package dev.unroll.cuda;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUmemorytype;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Host ↔ device copies through {@link PinnedStaging}, in chunks of whole columns. Packed matrices copy as one
 * linear block per chunk, others (ld &gt; rows, views) with a pitched 2-D copy. Uploads return once the data
 * is staged (the copy runs on the stream); downloads wait for the stream.
 */
final class Transfers {
    private final Exec exec;
    private final PinnedStaging staging;

    Transfers(Exec exec, PinnedStaging staging) {
        this.exec = exec;
        this.staging = staging;
    }

    /** What fills the staging memory for columns [from, from + count) (uploads), or drains it (downloads). */
    private interface Chunk {
        void move(MemorySegment staging, long firstElement, int elementCount);
    }

    void upload(float[] src, Matrix dst) {
        upload(dst, (seg, first, count) -> MemorySegment.copy(src, (int) first, seg, ValueLayout.JAVA_FLOAT, 0, count));
    }

    void upload(double[] src, Matrix dst) {
        upload(dst, (seg, first, count) -> MemorySegment.copy(src, (int) first, seg, ValueLayout.JAVA_DOUBLE, 0, count));
    }

    void upload(MemorySegment src, Matrix dst) {
        long elem = dst.dtype().byteSize();
        upload(dst, (seg, first, count) -> MemorySegment.copy(src, first * elem, seg, 0, count * elem));
    }

    void download(Matrix src, float[] dst) {
        download(src, (seg, first, count) -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, dst, (int) first, count));
    }

    void download(Matrix src, double[] dst) {
        download(src, (seg, first, count) -> MemorySegment.copy(seg, ValueLayout.JAVA_DOUBLE, 0, dst, (int) first, count));
    }

    void download(Matrix src, MemorySegment dst) {
        long elem = src.dtype().byteSize();
        download(src, (seg, first, count) -> MemorySegment.copy(seg, 0, dst, first * elem, count * elem));
    }

    /** Reads {@code count} doubles from device address {@code address} (waits for the stream). */
    double[] readDoubles(long address, int count) {
        double[] out = new double[count];
        MemorySegment seg = staging.acquire((long) count * Double.BYTES);
        Status.cu(JCudaDriver.cuMemcpyDtoHAsync(staging.pointer(), new NativePointers.Device(address), (long) count * Double.BYTES,
                exec.stream()), "cuMemcpyDtoHAsync");
        exec.synchronize();
        MemorySegment.copy(seg, ValueLayout.JAVA_DOUBLE, 0, out, 0, count);
        return out;
    }

    private void upload(Matrix dst, Chunk fill) {
        int rows = dst.rows();
        int cols = dst.cols();
        if (rows == 0 || cols == 0) {
            return;
        }
        long elem = dst.dtype().byteSize();
        int step = columnsPerChunk(rows, elem);
        for (int c = 0; c < cols; c += step) {
            int n = Math.min(step, cols - c);
            MemorySegment seg = staging.acquire((long) rows * n * elem);
            fill.move(seg, (long) c * rows, rows * n);
            copy(dst, c, n, true);
            staging.recordUse();
        }
    }

    private void download(Matrix src, Chunk drain) {
        int rows = src.rows();
        int cols = src.cols();
        if (rows == 0 || cols == 0) {
            return;
        }
        long elem = src.dtype().byteSize();
        int step = columnsPerChunk(rows, elem);
        for (int c = 0; c < cols; c += step) {
            int n = Math.min(step, cols - c);
            MemorySegment seg = staging.acquire((long) rows * n * elem);
            copy(src, c, n, false);
            exec.synchronize();
            drain.move(seg, (long) c * rows, rows * n);
        }
    }

    private int columnsPerChunk(int rows, long elem) {
        long column = rows * elem;
        long perChunk = Math.max(1, staging.capacity() / column);
        return (int) Math.min(Integer.MAX_VALUE, perChunk);
    }

    /** Queues the copy of columns [c, c + n) of {@code m} to (toDevice) or from the staging memory. */
    private void copy(Matrix m, int c, int n, boolean toDevice) {
        DeviceBuffer buf = (DeviceBuffer) m.storage();
        long elem = m.dtype().byteSize();
        long firstByte = (m.offset() + (long) c * m.ld()) * elem;
        if (m.isPacked() || n == 1) {
            long bytes = (long) m.rows() * n * elem;
            if (toDevice) {
                Status.cu(JCudaDriver.cuMemcpyHtoDAsync(buf.pointer().withByteOffset(firstByte), staging.pointer(),
                        bytes, exec.stream()), "cuMemcpyHtoDAsync");
            } else {
                Status.cu(JCudaDriver.cuMemcpyDtoHAsync(staging.pointer(), buf.pointer().withByteOffset(firstByte),
                        bytes, exec.stream()), "cuMemcpyDtoHAsync");
            }
            return;
        }
        CUDA_MEMCPY2D p = new CUDA_MEMCPY2D();
        long hostPitch = m.rows() * elem;
        long devicePitch = m.ld() * elem;
        if (toDevice) {
            p.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
            p.srcHost = staging.pointer();
            p.srcPitch = hostPitch;
            p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
            p.dstDevice = buf.pointer().withByteOffset(firstByte);
            p.dstPitch = devicePitch;
        } else {
            p.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
            p.srcDevice = buf.pointer().withByteOffset(firstByte);
            p.srcPitch = devicePitch;
            p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
            p.dstHost = staging.pointer();
            p.dstPitch = hostPitch;
        }
        p.WidthInBytes = hostPitch;
        p.Height = n;
        Status.cu(JCudaDriver.cuMemcpy2DAsync(p, exec.stream()), "cuMemcpy2DAsync");
    }
}
