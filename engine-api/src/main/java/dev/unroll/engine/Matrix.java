package dev.unroll.engine;

import dev.unroll.engine.spi.Storage;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A dense column-major matrix owned by one {@link Backend}: element (i, j) sits at
 * {@code offset + i + j·ld} of the backend's storage. A matrix is either a root, which owns its memory and
 * frees it on {@link #close()}, or a view of part of a root ({@link #view}, {@link #columns}), which shares
 * the root's memory and life.
 *
 * <p>Shape and ownership are immutable; the contents change only through the backend's operations.
 */
public final class Matrix implements AutoCloseable {
    private final Backend owner;
    private final DType dtype;
    private final int rows;
    private final int cols;
    private final int ld;
    private final long offset;
    private final Storage storage;
    private final Matrix root;
    private final AtomicBoolean closed;
    /** The backend's own handle for this matrix, made on first use ({@link #kernelHandle}). */
    private Object kernelHandle;

    Matrix(Backend owner, DType dtype, int rows, int cols, int ld, long offset, Storage storage, Matrix root) {
        this.owner = owner;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
        this.offset = offset;
        this.storage = storage;
        this.root = root == null ? this : root;
        this.closed = root == null ? new AtomicBoolean() : root.closed;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Leading dimension: the distance in elements between the starts of two consecutive columns (≥ rows). */
    public int ld() {
        return ld;
    }

    /** Element offset of (0, 0) in the storage. */
    public long offset() {
        return offset;
    }

    /** Element precision. */
    public DType dtype() {
        return dtype;
    }

    /** rows·cols. */
    public long size() {
        return (long) rows * cols;
    }

    /** The backend that owns this matrix. */
    public Backend backend() {
        return owner;
    }

    /** The backend's memory behind this matrix; for backend kernels only. */
    public Storage storage() {
        return storage;
    }

    /** Whether this matrix is a view into another one. */
    public boolean isView() {
        return root != this;
    }

    /** Whether columns follow each other without gaps (ld = rows). */
    public boolean isPacked() {
        return ld == rows || cols <= 1;
    }

    /** Whether this matrix (or the root it views) has been closed. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * The sub-matrix of {@code rows × cols} elements starting at ({@code row0}, {@code col0}); shares memory
     * with this matrix.
     */
    public Matrix view(int row0, int col0, int rows, int cols) {
        Checks.open(this, "matrix");
        if (row0 < 0 || col0 < 0 || rows < 0 || cols < 0 || row0 + rows > this.rows || col0 + cols > this.cols) {
            throw new ShapeMismatchException("view(" + row0 + ", " + col0 + ", " + rows + ", " + cols
                    + ") does not fit in a " + shape() + " matrix: the view must lie inside rows [0, " + this.rows
                    + ") and columns [0, " + this.cols + ")");
        }
        return new Matrix(owner, dtype, rows, cols, ld, offset + row0 + (long) col0 * ld, storage, root);
    }

    /** Columns [from, to) of this matrix, e.g. a mini-batch of a data set; shares memory. */
    public Matrix columns(int from, int to) {
        return view(0, from, rows, to - from);
    }

    /**
     * The owning backend's own handle for this matrix (its kernels' view of the storage), made by
     * {@code make} on first use and kept, so that a backend which would otherwise build one per call
     * allocates nothing in steady state. For backends (SPI), not for users. The handle must depend only on
     * this matrix's shape and storage, which never change; two threads racing on the first use may each make
     * one, and either is kept.
     *
     * @param make builds the handle from this matrix (a non-capturing function, so the call allocates nothing)
     * @param <T>  the backend's handle type; a matrix has one owner, so it is always the same type
     * @return the kept handle
     */
    @SuppressWarnings("unchecked")
    public <T> T kernelHandle(Function<? super Matrix, ? extends T> make) {
        Object h = kernelHandle;
        if (h == null) {
            h = make.apply(this);
            kernelHandle = h;
        }
        return (T) h;
    }

    /** "rows×cols". */
    public String shape() {
        return rows + "×" + cols;
    }

    /**
     * Frees the memory of a root matrix (idempotent); its views become unusable too. Closing a view does
     * nothing: a view owns no memory.
     */
    @Override
    public void close() {
        if (root == this && closed.compareAndSet(false, true)) {
            owner.release(this);
        }
    }

    boolean sameRoot(Matrix other) {
        return root == other.root;
    }

    Matrix root() {
        return root;
    }

    @Override
    public String toString() {
        return "Matrix[" + dtype + " " + shape() + ", ld=" + ld + (isView() ? ", view" : "") + ", "
                + owner.id() + (isClosed() ? ", closed" : "") + "]";
    }
}
