package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.LassoProblem;

/**
 * The two halves of a proximal gradient step on the Lasso, shared by ISTA, FISTA and oracle ISTA: the
 * gradient of the smooth part at a point p, kept in a matrix of its own because the per-signal stopping rule
 * ({@link DualityGap}) reads the residual and the gradient at p, and the prox step from it.
 */
public final class ProximalGradient {
    private ProximalGradient() {
    }

    /** {@code r ← Dp − x} and {@code g ← Dᵀr}, the gradient of ½‖x − Dp‖² at p. */
    public static void gradient(Backend be, LassoProblem problem, Matrix x, Matrix p, Matrix r, Matrix g) {
        be.copy(x, r);
        be.gemm(Transpose.NO, Transpose.NO, 1, problem.dictionary(), p, -1, r);
        be.gemm(Transpose.YES, Transpose.NO, 1, problem.dictionary(), r, 0, g);
    }

    /** {@code out ← ST(p − step·g, λ·step)}, with {@code u} as scratch ({@code out} may be {@code p}). */
    public static void prox(Backend be, LassoProblem problem, Matrix p, Matrix g, double step, Matrix u, Matrix out) {
        be.copy(p, u);
        be.axpy(-step, g, u);
        be.softThreshold(u, problem.lambda() * step, out, null);
    }
}
