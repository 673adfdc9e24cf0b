package dev.unroll.cpu;

import dev.unroll.engine.DType;
import dev.unroll.engine.spi.Storage;

/** This backend's storage: a Java array on the heap, {@code float[]} for F32 and {@code double[]} for F64. */
abstract sealed class VecBuffer implements Storage permits VecBuffer.F32, VecBuffer.F64 {

    static VecBuffer allocate(DType dtype, long elements) {
        int n = Math.toIntExact(elements);
        return dtype == DType.F32 ? new F32(new float[n]) : new F64(new double[n]);
    }

    @Override
    public void release() {
        // Heap memory: the garbage collector frees it once the matrix is unreachable.
    }

    /** float[] storage. */
    static final class F32 extends VecBuffer {
        final float[] data;

        F32(float[] data) {
            this.data = data;
        }

        @Override
        public long elements() {
            return data.length;
        }
    }

    /** double[] storage. */
    static final class F64 extends VecBuffer {
        final double[] data;

        F64(double[] data) {
            this.data = data;
        }

        @Override
        public long elements() {
            return data.length;
        }
    }
}
