package dev.unroll.solvers.io;

import dev.unroll.engine.ShapeMismatchException;
import java.util.Objects;

/**
 * A rows×cols matrix of floats held in a plain array, column-major (element (i, j) at
 * {@code data[j * rows + i]}), the layout {@code Backend.fromArray(float[], rows, cols)} takes.
 * The array is shared, not copied: the record is a carrier between a file and a backend.
 *
 * @param rows number of rows, ≥ 0
 * @param cols number of columns, ≥ 0
 * @param data the elements, column-major, exactly rows·cols of them
 */
public record ColumnMajorF32(int rows, int cols, float[] data) {
    /** Checks that the dimensions are non-negative and that {@code data} holds exactly rows·cols elements. */
    public ColumnMajorF32 {
        Objects.requireNonNull(data, "data");
        checkShape(rows, cols, data.length);
    }

    /** Element (i, j). */
    public float get(int i, int j) {
        Objects.checkIndex(i, rows);
        Objects.checkIndex(j, cols);
        return data[j * rows + i];
    }

    static void checkShape(int rows, int cols, int length) {
        if (rows < 0 || cols < 0 || (long) rows * cols != length) {
            throw new ShapeMismatchException("a " + rows + "×" + cols + " matrix needs " + (long) rows * cols
                    + " elements (and both sizes ≥ 0), but the array holds " + length
                    + "; pass the array with its true row and column counts");
        }
    }
}
