package dev.unroll.solvers.tv;

import dev.unroll.engine.Matrix;
import java.util.List;

/**
 * The proximal step of an analysis layer, u = prox_{μ‖Δ·‖₁}(a) per column, with its reverse mode: the
 * exact taut-string ({@link TautStringProx}) or an unrolled synthesis LISTA ({@link ListaProx}).
 */
interface Prox extends AutoCloseable {
    /** u = prox(a, μ) into {@code out} (k×b), recording what {@link #backward} needs. */
    void forward(Matrix a, double mu, Matrix out);

    /** From ∂ℓ/∂u writes ∂ℓ/∂a into {@code gradA} (overwritten), adds parameter gradients, returns ∂ℓ/∂μ. */
    double backward(Matrix gradOut, Matrix gradA);

    /** The learnable parameters (none for the exact prox). */
    List<Param> params();

    @Override
    void close();
}
