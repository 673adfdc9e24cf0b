package dev.unroll.solvers.io;

import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor as the safetensors format stores it: an element type (F32 or F64), a shape of any rank
 * (an empty shape is a scalar) and the elements in <em>row-major</em> (C) order. Values are kept as raw
 * {@code float}s or {@code double}s, never converted, so a write and read give back the same bits (NaN
 * payloads, −0.0, subnormals included). The factories and accessors copy: a tensor is immutable.
 *
 * <p>The project's matrices are column-major; {@link #ofColumnMajor(ColumnMajorF64)} and
 * {@link #toMatrixF64()} convert between the two layouts for 1-D and 2-D tensors.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final float[] f32; // set when dtype is F32
    private final double[] f64; // set when dtype is F64

    private Tensor(DType dtype, int[] shape, float[] f32, double[] f64) {
        this.dtype = dtype;
        this.shape = shape;
        this.f32 = f32;
        this.f64 = f64;
    }

    /**
     * An F32 tensor of the given shape from its elements in row-major order (copied).
     *
     * @throws ShapeMismatchException when the shape has a negative dimension or its product differs from
     *     {@code rowMajor.length}
     */
    public static Tensor f32(int[] shape, float[] rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        return new Tensor(DType.F32, checkShape(shape, rowMajor.length), rowMajor.clone(), null);
    }

    /**
     * An F64 tensor of the given shape from its elements in row-major order (copied).
     *
     * @throws ShapeMismatchException when the shape has a negative dimension or its product differs from
     *     {@code rowMajor.length}
     */
    public static Tensor f64(int[] shape, double[] rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        return new Tensor(DType.F64, checkShape(shape, rowMajor.length), null, rowMajor.clone());
    }

    /** A 1-D F32 tensor of shape [n] (copied). */
    public static Tensor vectorF32(float[] values) {
        Objects.requireNonNull(values, "values");
        return f32(new int[] {values.length}, values);
    }

    /** A 1-D F64 tensor of shape [n] (copied). */
    public static Tensor vectorF64(double[] values) {
        Objects.requireNonNull(values, "values");
        return f64(new int[] {values.length}, values);
    }

    /** A 2-D F64 tensor of shape [rows, cols] from a column-major matrix (transposed into row-major). */
    public static Tensor ofColumnMajor(ColumnMajorF64 matrix) {
        Objects.requireNonNull(matrix, "matrix");
        int rows = matrix.rows();
        int cols = matrix.cols();
        double[] src = matrix.data();
        double[] out = new double[src.length];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = src[j * rows + i];
            }
        }
        return new Tensor(DType.F64, new int[] {rows, cols}, null, out);
    }

    /** A 2-D F32 tensor of shape [rows, cols] from a column-major matrix (transposed into row-major). */
    public static Tensor ofColumnMajor(ColumnMajorF32 matrix) {
        Objects.requireNonNull(matrix, "matrix");
        int rows = matrix.rows();
        int cols = matrix.cols();
        float[] src = matrix.data();
        float[] out = new float[src.length];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = src[j * rows + i];
            }
        }
        return new Tensor(DType.F32, new int[] {rows, cols}, out, null);
    }

    /** Wraps arrays the reader built; no copy (package-private: the reader owns them). */
    static Tensor wrapF32(int[] shape, float[] rowMajor) {
        return new Tensor(DType.F32, shape, rowMajor, null);
    }

    static Tensor wrapF64(int[] shape, double[] rowMajor) {
        return new Tensor(DType.F64, shape, null, rowMajor);
    }

    /** The element type, F32 or F64. */
    public DType dtype() {
        return dtype;
    }

    /** The dimensions (a copy); empty for a scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements, the product of the shape (1 for a scalar). */
    public int size() {
        return f32 != null ? f32.length : f64.length;
    }

    /** Size of the data in bytes. */
    public long byteSize() {
        return (long) size() * dtype.byteSize();
    }

    /**
     * The F32 elements in row-major order (a copy).
     *
     * @throws InvalidArgumentException when the tensor is F64 (use {@link #doubles()} or {@link #toF64()})
     */
    public float[] floats() {
        if (f32 == null) {
            throw new InvalidArgumentException("tensor of shape " + Arrays.toString(shape) + " is F64, not F32; "
                    + "read it with doubles()");
        }
        return f32.clone();
    }

    /**
     * The F64 elements in row-major order (a copy).
     *
     * @throws InvalidArgumentException when the tensor is F32 (use {@link #floats()} or {@link #toF64()})
     */
    public double[] doubles() {
        if (f64 == null) {
            throw new InvalidArgumentException("tensor of shape " + Arrays.toString(shape) + " is F32, not F64; "
                    + "read it with floats() or widen it with toF64()");
        }
        return f64.clone();
    }

    /** The elements in row-major order as doubles, whatever the dtype (F32 widens exactly). */
    public double[] toF64() {
        if (f64 != null) {
            return f64.clone();
        }
        double[] out = new double[f32.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f32[i];
        }
        return out;
    }

    /**
     * A 1-D or 2-D tensor as a column-major double matrix (a vector of length n becomes n×1; F32 widens).
     *
     * @throws ShapeMismatchException for other ranks
     */
    public ColumnMajorF64 toMatrixF64() {
        int rows = matrixRows();
        int cols = matrixCols();
        double[] src = toF64();
        double[] out = new double[src.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = src[i * cols + j];
            }
        }
        return new ColumnMajorF64(rows, cols, out);
    }

    /**
     * A 1-D or 2-D F32 tensor as a column-major float matrix (a vector of length n becomes n×1), bit-exact.
     *
     * @throws ShapeMismatchException for other ranks
     * @throws InvalidArgumentException when the tensor is F64 (use {@link #toMatrixF64()})
     */
    public ColumnMajorF32 toMatrixF32() {
        float[] src = floats();
        int rows = matrixRows();
        int cols = matrixCols();
        float[] out = new float[src.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = src[i * cols + j];
            }
        }
        return new ColumnMajorF32(rows, cols, out);
    }

    private int matrixRows() {
        if (shape.length != 1 && shape.length != 2) {
            throw new ShapeMismatchException("expected a 1-D or 2-D tensor to make a matrix, but its shape is "
                    + Arrays.toString(shape) + "; reshape it before saving, or read its elements with "
                    + "floats()/doubles()");
        }
        return shape[0];
    }

    private int matrixCols() {
        return shape.length == 2 ? shape[1] : 1;
    }

    private static int[] checkShape(int[] shape, int length) {
        Objects.requireNonNull(shape, "shape");
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeMismatchException("tensor shape " + Arrays.toString(shape)
                        + " has a negative dimension; every dimension must be ≥ 0");
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                break; // cannot equal an array length any more; reported below
            }
        }
        if (count != length) {
            throw new ShapeMismatchException("tensor shape " + Arrays.toString(shape) + " holds " + count
                    + " elements, but the data array has " + length + "; pass the shape the data was made for");
        }
        return shape.clone();
    }

    /** Equal when dtype, shape and every element's bits are equal (so NaN equals the same NaN). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && (f32 != null ? bitsEqual(f32, t.f32) : bitsEqual(f64, t.f64));
    }

    private static boolean bitsEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean bitsEqual(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + size();
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    float[] rawF32() {
        return f32;
    }

    double[] rawF64() {
        return f64;
    }
}
