package dev.unroll.solvers.network;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * ALISTA's analytic weights W̃ (Liu et al. 2019), by ADOPTY's {@code get_alista_weights} (docs/science.md §3.1):
 * minimise ‖offdiag(W̃ᵀD − I)‖_F² subject to diag(W̃ᵀD) = 1 by projected gradient descent from W̃ = D, step
 * 1e-2, stopping when the relative decrease falls below 1e-12 or after 10 000 iterations. The two GEMMs of
 * each iteration run on the backend in F64; the projection, which needs only the column dot products, on
 * the host. The projection is exact for unit-norm atoms, as in the reference.
 */
public final class AlistaWeights {
    /** Projected gradient step of the reference. */
    public static final double STEP = 1e-2;
    /** Relative-decrease tolerance of the reference. */
    public static final double TOLERANCE = 1e-12;
    /** Iteration budget of the reference. */
    public static final int MAX_ITERATIONS = 10_000;

    private AlistaWeights() {
    }

    /** W̃ (n×m) for the dictionary {@code d} (n×m). */
    public static HostMatrix compute(Backend be, HostMatrix d) {
        int n = d.rows();
        int m = d.cols();
        double[] dv = d.values();
        double[] w = dv.clone();
        try (Matrix dm = Uploads.upload(be, DType.F64, d);
             Matrix wm = be.allocate(DType.F64, n, m);
             Matrix res = be.allocate(DType.F64, m, m);
             Matrix grad = be.allocate(DType.F64, n, m)) {
            double previous = Double.NaN;
            for (int it = 0; it <= MAX_ITERATIONS; it++) {
                be.upload(w, wm);
                // res = W̃ᵀD − I; its off-diagonal energy is the objective (the diagonal is 0 after projection).
                be.gemm(Transpose.YES, Transpose.NO, 1, wm, dm, 0, res);
                double[] r = be.toDoubleArray(res);
                double objective = 0;
                for (int a = 0; a < m; a++) {
                    r[a * m + a] -= 1;
                    for (int b = 0; b < m; b++) {
                        if (a != b) {
                            objective += r[a * m + b] * r[a * m + b];
                        }
                    }
                }
                if (it > 0 && 1 - objective / previous < TOLERANCE) {
                    break;
                }
                previous = objective;
                if (it == MAX_ITERATIONS) {
                    break;
                }
                be.upload(r, res);
                // Row convention grad = (W̃Dᵀ − I)D becomes, in columns, grad = D·resᵀ (n×m).
                be.gemm(Transpose.NO, Transpose.YES, 1, dm, res, 0, grad);
                be.axpy(-STEP, grad, wm);
                w = be.toDoubleArray(wm);
                project(w, dv, n, m);
            }
        }
        return new HostMatrix(n, m, w);
    }

    /** W̃_k ← W̃_k + (1 − W̃_k·D_k)·D_k for each column k. */
    private static void project(double[] w, double[] d, int n, int m) {
        for (int k = 0; k < m; k++) {
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += w[k * n + i] * d[k * n + i];
            }
            double c = 1 - dot;
            for (int i = 0; i < n; i++) {
                w[k * n + i] += c * d[k * n + i];
            }
        }
    }
}
