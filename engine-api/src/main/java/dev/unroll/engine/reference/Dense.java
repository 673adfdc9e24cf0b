package dev.unroll.engine.reference;

import dev.unroll.engine.Matrix;

/**
 * Element access to a matrix of the reference backend in double: (i, j) ↦ storage[offset + i + j·ld].
 * Also the column helpers the losses are written with, so those read like the formulas.
 */
final class Dense {
    final int rows;
    final int cols;
    private final HostBuffer buf;
    private final long offset;
    private final int ld;

    private Dense(HostBuffer buf, long offset, int ld, int rows, int cols) {
        this.buf = buf;
        this.offset = offset;
        this.ld = ld;
        this.rows = rows;
        this.cols = cols;
    }

    static Dense of(Matrix m) {
        return new Dense((HostBuffer) m.storage(), m.offset(), m.ld(), m.rows(), m.cols());
    }

    /** Null when {@code m} is null, for optional outputs. */
    static Dense orNull(Matrix m) {
        return m == null ? null : of(m);
    }

    double get(int i, int j) {
        return buf.get(offset + i + (long) j * ld);
    }

    void set(int i, int j, double v) {
        buf.set(offset + i + (long) j * ld, v);
    }

    /** Column j as a new double array. */
    double[] column(int j) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = get(i, j);
        }
        return out;
    }

    /** This matrix times v (length cols), in double. */
    double[] times(double[] v) {
        double[] out = new double[rows];
        for (int j = 0; j < cols; j++) {
            double vj = v[j];
            for (int i = 0; i < rows; i++) {
                out[i] += get(i, j) * vj;
            }
        }
        return out;
    }

    /** This matrix transposed times v (length rows), in double. */
    double[] transposeTimes(double[] v) {
        double[] out = new double[cols];
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += get(i, j) * v[i];
            }
            out[j] = s;
        }
        return out;
    }
}
