package dev.unroll.engine.reference;

import dev.unroll.engine.DType;
import dev.unroll.engine.spi.Storage;

/**
 * The reference backend's storage: a Java array read and written as doubles. Writing rounds to the
 * buffer's precision, so one piece of code serves F32 and F64 while every intermediate stays in double.
 */
abstract sealed class HostBuffer implements Storage permits HostBuffer.F32, HostBuffer.F64 {

    static HostBuffer allocate(DType dtype, long elements) {
        int n = Math.toIntExact(elements);
        return dtype == DType.F32 ? new F32(new float[n]) : new F64(new double[n]);
    }

    abstract double get(long index);

    abstract void set(long index, double value);

    @Override
    public void release() {
        // Heap memory: the garbage collector frees it once the matrix is unreachable.
    }

    /** float[] storage. */
    static final class F32 extends HostBuffer {
        final float[] data;

        F32(float[] data) {
            this.data = data;
        }

        @Override
        double get(long index) {
            return data[(int) index];
        }

        @Override
        void set(long index, double value) {
            data[(int) index] = (float) value;
        }

        @Override
        public long elements() {
            return data.length;
        }
    }

    /** double[] storage. */
    static final class F64 extends HostBuffer {
        final double[] data;

        F64(double[] data) {
            this.data = data;
        }

        @Override
        double get(long index) {
            return data[(int) index];
        }

        @Override
        void set(long index, double value) {
            data[(int) index] = value;
        }

        @Override
        public long elements() {
            return data.length;
        }
    }
}
