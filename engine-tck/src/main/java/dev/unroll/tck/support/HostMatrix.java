package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

import java.util.SplittableRandom;

/**
 * A column-major matrix of doubles on the Java heap: the TCK's side of every comparison. Data meant for an
 * F32 backend is first {@link #roundedTo rounded} to float, so the oracle sees exactly what the backend sees.
 */
public final class HostMatrix {
    public final int rows;
    public final int cols;
    public final double[] data;

    public HostMatrix(int rows, int cols) {
        this(rows, cols, new double[rows * cols]);
    }

    public HostMatrix(int rows, int cols, double[] data) {
        if (data.length != rows * cols) {
            throw new IllegalArgumentException(data.length + " values for a " + rows + "×" + cols + " matrix");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** Entries drawn from N(0, 1). */
    public static HostMatrix gaussian(int rows, int cols, SplittableRandom rng) {
        HostMatrix m = new HostMatrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = Gaussian.next(rng);
        }
        return m;
    }

    /** Entries drawn uniformly from [lo, hi). */
    public static HostMatrix uniform(int rows, int cols, double lo, double hi, SplittableRandom rng) {
        HostMatrix m = new HostMatrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextDouble(lo, hi);
        }
        return m;
    }

    /** The identity of size n. */
    public static HostMatrix identity(int n) {
        HostMatrix m = new HostMatrix(n, n);
        for (int i = 0; i < n; i++) {
            m.set(i, i, 1);
        }
        return m;
    }

    /** A 1×1 matrix. */
    public static HostMatrix scalar(double v) {
        return new HostMatrix(1, 1, new double[]{v});
    }

    /** A rows×1 matrix filled with v. */
    public static HostMatrix constant(int rows, int cols, double v) {
        HostMatrix m = new HostMatrix(rows, cols);
        java.util.Arrays.fill(m.data, v);
        return m;
    }

    /** Reads a backend matrix back (exactly, widening F32). */
    public static HostMatrix download(Backend backend, Matrix m) {
        return new HostMatrix(m.rows(), m.cols(), backend.toDoubleArray(m));
    }

    public double get(int i, int j) {
        return data[i + j * rows];
    }

    public void set(int i, int j, double v) {
        data[i + j * rows] = v;
    }

    public double[] column(int j) {
        double[] c = new double[rows];
        System.arraycopy(data, j * rows, c, 0, rows);
        return c;
    }

    public void setColumn(int j, double[] v) {
        System.arraycopy(v, 0, data, j * rows, rows);
    }

    public HostMatrix copy() {
        return new HostMatrix(rows, cols, data.clone());
    }

    /** A copy with every entry rounded to {@code dtype} (a no-op for F64). */
    public HostMatrix roundedTo(DType dtype) {
        HostMatrix c = copy();
        if (dtype == DType.F32) {
            for (int i = 0; i < c.data.length; i++) {
                c.data[i] = (float) c.data[i];
            }
        }
        return c;
    }

    public HostMatrix transpose() {
        HostMatrix t = new HostMatrix(cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.set(j, i, get(i, j));
            }
        }
        return t;
    }

    /** this·other. */
    public HostMatrix times(HostMatrix other) {
        HostMatrix out = new HostMatrix(rows, other.cols);
        for (int j = 0; j < other.cols; j++) {
            for (int l = 0; l < cols; l++) {
                double b = other.get(l, j);
                for (int i = 0; i < rows; i++) {
                    out.data[i + j * rows] += get(i, l) * b;
                }
            }
        }
        return out;
    }

    /** a·this + b·other, elementwise. */
    public HostMatrix combine(double a, double b, HostMatrix other) {
        HostMatrix out = new HostMatrix(rows, cols);
        for (int i = 0; i < data.length; i++) {
            out.data[i] = a * data[i] + b * other.data[i];
        }
        return out;
    }

    /** A new backend matrix holding this data in {@code dtype} (rounded for F32). */
    public Matrix upload(Backend backend, DType dtype) {
        Matrix m = backend.allocate(dtype, rows, cols);
        uploadInto(backend, m);
        return m;
    }

    /** Writes this data into an existing backend matrix of the same shape. */
    public void uploadInto(Backend backend, Matrix m) {
        if (m.dtype() == DType.F32) {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            backend.upload(f, m);
        } else {
            backend.upload(data.clone(), m);
        }
    }

    public double maxAbs() {
        double s = 0;
        for (double v : data) {
            s = Math.max(s, Math.abs(v));
        }
        return s;
    }

    public String shape() {
        return rows + "×" + cols;
    }
}
