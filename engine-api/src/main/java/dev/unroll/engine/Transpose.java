package dev.unroll.engine;

/** Whether an operand enters a product as stored ({@link #NO}) or transposed ({@link #YES}), as BLAS's 'N'/'T'. */
public enum Transpose {
    /** Use the matrix as stored. */
    NO,
    /** Use the transpose of the matrix. */
    YES;

    /** Rows of op(A) for a stored matrix with the given rows and columns. */
    public int rowsOf(int rows, int cols) {
        return this == NO ? rows : cols;
    }

    /** Columns of op(A) for a stored matrix with the given rows and columns. */
    public int colsOf(int rows, int cols) {
        return this == NO ? cols : rows;
    }
}
