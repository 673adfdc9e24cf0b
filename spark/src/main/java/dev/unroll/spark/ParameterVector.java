package dev.unroll.spark;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.ShapeMismatchException;

/**
 * A network's parameters (or their gradient) as one flat vector of doubles, matrix after matrix in
 * {@link ParameterSet#all()} order, column-major within each: the form that is broadcast to executors and
 * summed across partitions.
 */
final class ParameterVector {
    private ParameterVector() {
    }

    /** The values of {@code p}, in double precision. */
    static double[] of(Backend be, ParameterSet p) {
        double[] out = new double[Math.toIntExact(p.count())];
        int at = 0;
        for (Matrix m : p.all()) {
            double[] v = be.toDoubleArray(m);
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Overwrites {@code p} with {@code values} (rounded to float for an F32 network). */
    static void write(Backend be, double[] values, ParameterSet p) {
        if (values.length != p.count()) {
            throw new ShapeMismatchException("a parameter vector of " + values.length + " values does not fit a "
                    + "network of " + p.count() + " parameters");
        }
        int at = 0;
        for (Matrix m : p.all()) {
            int size = Math.toIntExact(m.size());
            if (m.dtype() == dev.unroll.engine.DType.F32) {
                float[] f = new float[size];
                for (int i = 0; i < size; i++) {
                    f[i] = (float) values[at + i];
                }
                be.upload(f, m);
            } else {
                be.upload(java.util.Arrays.copyOfRange(values, at, at + size), m);
            }
            at += size;
        }
    }
}
