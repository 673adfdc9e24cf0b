package dev.unroll.cpu;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

/**
 * A column-major view into a {@link VecBuffer}: element (i, j) is {@code buf[off + i + j·ld]}. The kernels'
 * own handle, so scratch space and the caller's matrices are treated alike.
 *
 * @param buf  the storage
 * @param off  element offset of (0, 0)
 * @param ld   leading dimension
 * @param rows rows
 * @param cols columns
 */
record Mat(VecBuffer buf, int off, int ld, int rows, int cols) {

    /** The kernels' view of {@code m} (null for null), made once per matrix and kept in it. */
    static Mat of(Matrix m) {
        return m == null ? null : m.kernelHandle(Mat::create);
    }

    private static Mat create(Matrix m) {
        return new Mat((VecBuffer) m.storage(), Math.toIntExact(m.offset()), m.ld(), m.rows(), m.cols());
    }

    DType dtype() {
        return buf instanceof VecBuffer.F32 ? DType.F32 : DType.F64;
    }

    float[] f() {
        return ((VecBuffer.F32) buf).data;
    }

    double[] d() {
        return ((VecBuffer.F64) buf).data;
    }

    /** Whether the elements form one contiguous run. */
    boolean packed() {
        return ld == rows || cols <= 1;
    }

    /** Columns [from, to). */
    Mat columns(int from, int to) {
        return new Mat(buf, off + from * ld, ld, rows, to - from);
    }

    /** Element (i, j) as a double. */
    double get(int i, int j) {
        int k = off + i + j * ld;
        return buf instanceof VecBuffer.F32 f ? f.data[k] : ((VecBuffer.F64) buf).data[k];
    }

    /** Sets element (i, j), rounding to the storage precision. */
    void set(int i, int j, double v) {
        int k = off + i + j * ld;
        if (buf instanceof VecBuffer.F32 f) {
            f.data[k] = (float) v;
        } else {
            ((VecBuffer.F64) buf).data[k] = v;
        }
    }
}
