package dev.unroll.solvers.io;

import java.util.Objects;

/**
 * A rows×cols matrix of doubles held in a plain array, column-major (element (i, j) at
 * {@code data[j * rows + i]}), the layout {@code Backend.fromArray(double[], rows, cols)} takes.
 * The array is shared, not copied: the record is a carrier between a file and a backend.
 *
 * @param rows number of rows, ≥ 0
 * @param cols number of columns, ≥ 0
 * @param data the elements, column-major, exactly rows·cols of them
 */
public record ColumnMajorF64(int rows, int cols, double[] data) {
    /** Checks that the dimensions are non-negative and that {@code data} holds exactly rows·cols elements. */
    public ColumnMajorF64 {
        Objects.requireNonNull(data, "data");
        ColumnMajorF32.checkShape(rows, cols, data.length);
    }

    /** Element (i, j). */
    public double get(int i, int j) {
        Objects.checkIndex(i, rows);
        Objects.checkIndex(j, cols);
        return data[j * rows + i];
    }
}
