package dev.unroll.solvers;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.NonFiniteInputException;

/**
 * A dense column-major matrix of doubles on the Java heap: data sets, dictionaries and results as users
 * hand them in and get them back, before they go to a backend or after they come from one.
 *
 * @param rows   number of rows
 * @param cols   number of columns
 * @param values the entries, column-major, {@code rows × cols} of them
 */
public record HostMatrix(int rows, int cols, double[] values) {
    /** The most elements one Java array can hold on every JVM (HotSpot refuses the last few below 2³¹ − 1). */
    public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** Checks the sizes. */
    public HostMatrix {
        if (rows < 0 || cols < 0 || (long) rows * cols != values.length) {
            throw new InvalidArgumentException("a " + rows + "×" + cols + " matrix needs " + ((long) rows * cols)
                    + " values, but " + values.length + " were given");
        }
    }

    /** A zero matrix. */
    public static HostMatrix zeros(int rows, int cols) {
        return new HostMatrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        return values[j * rows + i];
    }

    /** Sets entry (i, j). */
    public void set(int i, int j, double v) {
        values[j * rows + i] = v;
    }

    /** A copy of the columns {@code from} (inclusive) to {@code to} (exclusive). */
    public HostMatrix columns(int from, int to) {
        if (from < 0 || to > cols || from > to) {
            throw new InvalidArgumentException("columns " + from + ".." + to + " are outside a matrix with " + cols
                    + " columns");
        }
        double[] out = new double[(to - from) * rows];
        System.arraycopy(values, from * rows, out, 0, out.length);
        return new HostMatrix(rows, to - from, out);
    }

    /** The transpose, as a new matrix. */
    public HostMatrix transpose() {
        double[] out = new double[values.length];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = values[j * rows + i];
            }
        }
        return new HostMatrix(cols, rows, out);
    }

    /** The entries rounded to float, column-major (for F32 backends). */
    public float[] toFloats() {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The largest |entry| (0 for an empty matrix): the scale messages about overflow name. */
    public double maxAbs() {
        double largest = 0;
        for (double v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }

    /**
     * Throws when an entry is NaN or infinite, naming it: user data is checked once, at the door.
     *
     * @param what how the message names the matrix ("training signals X")
     */
    public HostMatrix requireFinite(String what) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new NonFiniteInputException(what + " holds " + values[k] + " at row " + (k % rows) + ", column "
                        + (k / rows) + "; remove or repair non-finite values before solving");
            }
        }
        return this;
    }
}
