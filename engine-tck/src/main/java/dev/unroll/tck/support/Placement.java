package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import org.junit.jupiter.api.Assertions;

import java.util.SplittableRandom;

/**
 * Puts test data into backend memory in one of three layouts, so every operation is exercised on packed
 * matrices, on matrices whose leading dimension exceeds their row count, and on views at an offset inside
 * a larger matrix; afterwards it checks that nothing outside the operand was touched.
 */
public final class Placement {
    /** Number of layouts; {@code variant} is taken modulo this. */
    public static final int VARIANTS = 3;

    private final Backend backend;
    private final Matrix parent;
    private final Matrix view;
    private final HostMatrix parentBefore;
    private final int row0;
    private final int col0;

    private Placement(Backend backend, Matrix parent, Matrix view, HostMatrix parentBefore, int row0, int col0) {
        this.backend = backend;
        this.parent = parent;
        this.view = view;
        this.parentBefore = parentBefore;
        this.row0 = row0;
        this.col0 = col0;
    }

    /**
     * Places {@code data} (already rounded to {@code dtype}) with layout {@code variant}: 0 packed, 1 with
     * ld = rows + 3, 2 as a view at (2, 1) of a larger matrix whose other elements hold random sentinels.
     */
    public static Placement of(Backend backend, HostMatrix data, DType dtype, int variant, SplittableRandom rng) {
        switch (Math.floorMod(variant, VARIANTS)) {
            case 0 -> {
                Matrix m = data.upload(backend, dtype);
                return new Placement(backend, m, m, null, 0, 0);
            }
            case 1 -> {
                Matrix m = backend.allocate(dtype, data.rows, data.cols, data.rows + 3);
                data.uploadInto(backend, m);
                return new Placement(backend, m, m, null, 0, 0);
            }
            default -> {
                HostMatrix sentinel = HostMatrix.uniform(data.rows + 5, data.cols + 3, -9, 9, rng).roundedTo(dtype);
                Matrix p = backend.allocate(dtype, sentinel.rows, sentinel.cols, sentinel.rows + 2);
                sentinel.uploadInto(backend, p);
                Matrix v = p.view(2, 1, data.rows, data.cols);
                data.uploadInto(backend, v);
                return new Placement(backend, p, v, sentinel, 2, 1);
            }
        }
    }

    /** The operand to hand to the backend. */
    public Matrix matrix() {
        return view;
    }

    /** The operand's current contents. */
    public HostMatrix read() {
        return HostMatrix.download(backend, view);
    }

    /** Fails when an element of the surrounding matrix (outside the view) changed. */
    public void assertSurroundingsUntouched(String what) {
        if (parentBefore == null) {
            return;
        }
        HostMatrix now = HostMatrix.download(backend, parent);
        for (int j = 0; j < now.cols; j++) {
            for (int i = 0; i < now.rows; i++) {
                boolean inside = i >= row0 && i < row0 + view.rows() && j >= col0 && j < col0 + view.cols();
                if (!inside && now.get(i, j) != parentBefore.get(i, j)) {
                    Assertions.fail(what + ": element (" + i + ", " + j + ") of the matrix around the " + view.shape()
                            + " view at (" + row0 + ", " + col0 + ") changed from " + parentBefore.get(i, j) + " to "
                            + now.get(i, j) + ": the operation wrote outside its operand");
                }
            }
        }
    }

    /** Frees the backend memory. */
    public void close() {
        parent.close();
    }
}
