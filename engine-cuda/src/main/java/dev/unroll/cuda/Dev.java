package dev.unroll.cuda;

import dev.unroll.engine.Matrix;

/**
 * A column-major operand on the device as the kernels and cuBLAS see it: address of (0, 0), shape and
 * leading dimension. Made from a backend matrix or from workspace memory.
 *
 * @param ptr  device address of element (0, 0)
 * @param rows rows
 * @param cols columns
 * @param ld   leading dimension in elements
 */
record Dev(long ptr, int rows, int cols, int ld) {

    /** The operand of a backend matrix. */
    static Dev of(Matrix m) {
        return new Dev(DeviceBuffer.address(m), m.rows(), m.cols(), m.ld());
    }

    /** The operand of {@code m}, or null. */
    static Dev orNull(Matrix m) {
        return m == null ? null : of(m);
    }

    /** A packed rows×cols operand at {@code ptr}. */
    static Dev packed(long ptr, int rows, int cols) {
        return new Dev(ptr, rows, cols, Math.max(1, rows));
    }

    /** rows·cols. */
    long size() {
        return (long) rows * cols;
    }

    /** The address, or 0 for a null operand (kernels take 0 as "absent"). */
    static long ptr(Dev d) {
        return d == null ? 0L : d.ptr;
    }

    /** The leading dimension, or 1 for a null operand. */
    static int ld(Dev d) {
        return d == null ? 1 : d.ld;
    }
}
