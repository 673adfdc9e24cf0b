package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import java.lang.foreign.MemorySegment;

/**
 * The per-signal stopping test of {@link Stopping}: the Lasso duality gap of each signal at the point p where
 * the solver took its gradient, against {@code tolerance · ½‖x‖²}.
 *
 * <p>With ρ = x − Dp and the dual point ν = s·ρ, s = min(1, λ/‖Dᵀρ‖_∞) (the residual scaled into the dual
 * feasible set ‖Dᵀν‖_∞ ≤ λ), the gap is P(p) − (⟨x, ν⟩ − ½‖ν‖²) with P(p) = ½‖ρ‖² + λ‖p‖₁. It is at least
 * P(p) − P*, so a signal that passes is certified to be within {@code tolerance · ½‖x‖²} of its optimum
 * (½‖x‖² = P(0) ≥ P*, which makes the tolerance relative and leaves a zero signal converged at once). The gap
 * reads only the signal's own column, so the decision never depends on the rest of the batch; it needs the
 * residual and the gradient at p, which the solvers compute anyway. The reductions run on the host over the
 * downloaded columns: O((n + m)·B) per check against the O(n·m·B) of the products.
 */
final class DualityGap {
    private final Backend be;
    private final double lambda;
    private final int n;
    private final int m;
    private double tolerance;
    private double[] halfSquaredNorms = new double[0];
    private double[] signals = new double[0];
    private double[] residuals = new double[0];
    private double[] gradients = new double[0];
    private double[] points = new double[0];
    private float[] floats = new float[0];

    DualityGap(Backend be, double lambda, int n, int m) {
        this.be = be;
        this.lambda = lambda;
        this.n = n;
        this.m = m;
    }

    /** Reads the batch's signals (n×B, in signal order) once, before the first check against {@code tolerance}. */
    void start(Matrix x, double tolerance) {
        this.tolerance = tolerance;
        int b = x.cols();
        signals = download(x, grow(signals, n * b));
        halfSquaredNorms = grow(halfSquaredNorms, b);
        for (int s = 0; s < b; s++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double v = signals[s * n + i];
                sum += v * v;
            }
            halfSquaredNorms[s] = 0.5 * sum;
        }
    }

    /**
     * Flags {@code done[j]} for every active column j whose gap at p passes; r = Dp − x and g = Dᵀr are the
     * first {@code cols.active()} columns, in work order.
     *
     * @return how many passed
     */
    int check(Matrix r, Matrix g, Matrix p, ActiveColumns cols, boolean[] done) {
        int a = cols.active();
        residuals = download(r, grow(residuals, n * a));
        gradients = download(g, grow(gradients, m * a));
        points = download(p, grow(points, m * a));
        int passed = 0;
        for (int j = 0; j < a; j++) {
            int s = cols.signalAt(j);
            double rr = 0;
            double xr = 0;
            for (int i = 0; i < n; i++) {
                double ri = residuals[j * n + i];
                rr += ri * ri;
                xr -= signals[s * n + i] * ri; // ⟨x, ρ⟩ with ρ = −r
            }
            double l1 = 0;
            double gradientMax = 0;
            for (int k = 0; k < m; k++) {
                l1 += Math.abs(points[j * m + k]);
                gradientMax = Math.max(gradientMax, Math.abs(gradients[j * m + k]));
            }
            double scale = gradientMax > lambda ? lambda / gradientMax : 1;
            double gap = 0.5 * rr + lambda * l1 - (scale * xr - 0.5 * scale * scale * rr);
            done[j] = gap <= tolerance * halfSquaredNorms[s];
            if (done[j]) {
                passed++;
            }
        }
        return passed;
    }

    private double[] download(Matrix v, double[] into) {
        int size = Math.toIntExact(v.size());
        if (v.dtype() == DType.F64) {
            be.download(v, MemorySegment.ofArray(into).asSlice(0, 8L * size));
        } else {
            if (floats.length < size) {
                floats = new float[size];
            }
            be.download(v, MemorySegment.ofArray(floats).asSlice(0, 4L * size));
            for (int i = 0; i < size; i++) {
                into[i] = floats[i];
            }
        }
        return into;
    }

    private static double[] grow(double[] a, int size) {
        return a.length >= size ? a : new double[size];
    }
}
