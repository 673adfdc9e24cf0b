package dev.unroll.solvers.io;

import dev.unroll.engine.ShapeMismatchException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An array read from an {@code .npy} file, 1-D or 2-D, with its elements in file order. Float32 files keep
 * their elements as {@code float}s bit for bit (NaN payloads included); every other supported type is held
 * as {@code double}s (int64 values beyond 2⁵³ round). The accessors copy, so the array is immutable.
 *
 * <p>A 1-D array of n elements counts as an n×1 column for {@link #rows()}, {@link #cols()} and the
 * column-major accessors, matching the project's one-signal-per-column convention.
 */
public final class NpyArray {
    private final int[] shape;
    private final boolean fortranOrder;
    private final String dtype;
    private final float[] floats; // set for f4 files, else null
    private final double[] doubles; // set for every other dtype, else null

    NpyArray(int[] shape, boolean fortranOrder, String dtype, float[] floats, double[] doubles) {
        this.shape = shape;
        this.fortranOrder = fortranOrder;
        this.dtype = dtype;
        this.floats = floats;
        this.doubles = doubles;
    }

    /** The dimensions: one entry for a vector, two (rows, cols) for a matrix. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions, 1 or 2. */
    public int rank() {
        return shape.length;
    }

    /** Whether the file stored the data column-major (numpy's {@code fortran_order}). */
    public boolean fortranOrder() {
        return fortranOrder;
    }

    /** The dtype as the file wrote it, e.g. {@code "<f4"}, {@code ">f8"} or {@code "<i8"}. */
    public String dtype() {
        return dtype;
    }

    /** Whether the elements are float32 in the file (held bit-exactly as floats). */
    public boolean isFloat32() {
        return floats != null;
    }

    /** Number of elements, the product of the shape. */
    public int size() {
        return floats != null ? floats.length : doubles.length;
    }

    /** Rows: the first dimension (a vector's length). */
    public int rows() {
        return shape[0];
    }

    /** Columns: the second dimension, 1 for a vector. */
    public int cols() {
        return shape.length == 2 ? shape[1] : 1;
    }

    /**
     * The elements in file order (row-major when {@link #fortranOrder()} is false, column-major when true),
     * as doubles. Float32 values widen exactly.
     */
    public double[] data() {
        if (doubles != null) {
            return doubles.clone();
        }
        double[] out = new double[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats[i];
        }
        return out;
    }

    /** The elements column-major (element (i, j) at {@code [j * rows + i]}), as doubles. */
    public double[] toColumnMajor() {
        double[] flat = data();
        return needsTranspose() ? transpose(flat, rows(), cols()) : flat;
    }

    /**
     * The elements column-major as floats: bit-exact for float32 files, rounded to the nearest float for
     * the others.
     */
    public float[] toColumnMajorF32() {
        float[] flat;
        if (floats != null) {
            flat = floats.clone();
        } else {
            flat = new float[doubles.length];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = (float) doubles[i];
            }
        }
        if (!needsTranspose()) {
            return flat;
        }
        int rows = rows();
        int cols = cols();
        float[] out = new float[flat.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = flat[i * cols + j];
            }
        }
        return out;
    }

    /** The array as a column-major double matrix (a vector becomes one column). */
    public ColumnMajorF64 toMatrixF64() {
        return new ColumnMajorF64(rows(), cols(), toColumnMajor());
    }

    /** The array as a column-major float matrix (a vector becomes one column). */
    public ColumnMajorF32 toMatrixF32() {
        return new ColumnMajorF32(rows(), cols(), toColumnMajorF32());
    }

    /**
     * The elements of a 1-D array as doubles.
     *
     * @throws ShapeMismatchException when the array is 2-D
     */
    public double[] toVector() {
        if (shape.length != 1) {
            throw new ShapeMismatchException("expected a 1-D array, but this one has shape "
                    + Arrays.toString(shape) + "; use toColumnMajor() for a matrix, or save a vector in Python "
                    + "with numpy.save(path, a.ravel())");
        }
        return data();
    }

    /** Element (i, j) as a double; for a vector j must be 0. */
    public double get(int i, int j) {
        Objects.checkIndex(i, rows());
        Objects.checkIndex(j, cols());
        int k = fortranOrder || shape.length == 1 ? j * rows() + i : i * cols() + j;
        return floats != null ? floats[k] : doubles[k];
    }

    private boolean needsTranspose() {
        return shape.length == 2 && !fortranOrder;
    }

    private static double[] transpose(double[] rowMajor, int rows, int cols) {
        double[] out = new double[rowMajor.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = rowMajor[i * cols + j];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "NpyArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape) + ", fortranOrder=" + fortranOrder
                + "]";
    }
}
