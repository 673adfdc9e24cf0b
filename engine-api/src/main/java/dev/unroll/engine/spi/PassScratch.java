package dev.unroll.engine.spi;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

import java.util.EnumMap;
import java.util.Map;

/**
 * The scratch matrices of one composed pass, allocated on first use through the owning {@link Backend} (so
 * a backend that implements only the primitives needs no workspace of its own) and freed when the pass ends.
 * Fused overrides keep workspaces across passes instead; the composed passes trade that for being written once.
 */
final class PassScratch implements AutoCloseable {
    /** The roles; matrices used at the same time have distinct slots. */
    enum Slot {
        /** Codes of the layers before the tape's window, alternating by layer parity. */
        Z_EVEN, Z_ODD,
        /** u and R of layers the tape does not record. */
        U, RESIDUAL,
        /** A product inside one layer's step. */
        PRODUCT,
        /** The reverse mode's ∂ℓ/∂z, its predecessor and ū. */
        GRAD, GRAD_PREV, MASKED,
        /** Σ_b sign(u)·ū per row (a column). */
        SIGN_SUMS
    }

    private final Backend backend;
    private final DType dtype;
    private final int batch;
    private final Map<Slot, Matrix> held = new EnumMap<>(Slot.class);

    PassScratch(Backend backend, DType dtype, int batch) {
        this.backend = backend;
        this.dtype = dtype;
        this.batch = batch;
    }

    /** Slot {@code slot} as rows × batch (one column for {@link Slot#SIGN_SUMS}); contents undefined. */
    Matrix get(Slot slot, int rows) {
        int cols = slot == Slot.SIGN_SUMS ? 1 : batch;
        Matrix m = held.get(slot);
        if (m == null || m.rows() != rows) {
            if (m != null) {
                m.close();
            }
            m = backend.allocate(dtype, rows, cols);
            held.put(slot, m);
        }
        return m;
    }

    @Override
    public void close() {
        held.values().forEach(Matrix::close);
        held.clear();
    }
}
