package dev.unroll.solvers.jacobian;

import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.gradients.Cholesky;

/**
 * The Jacobian J*_l = ∂z* / ∂D_l of the Lasso solution with respect to each row l of D, on the support
 * S = supp(z*) (PLIPY {@code jacobian.py:true_jac}, docs/science.md §5):
 * J*_{S,:} = −(D_SᵀD_S)⁻¹ (D_l z*ᵀ + (D_l·z* − y_l) I)_{S,:}, zero outside S. Host, double precision.
 * All n rows are returned side by side as one m × (n·m) matrix, block l in columns l·m … l·m + m − 1.
 */
public final class ClosedFormJacobian {
    private ClosedFormJacobian() {
    }

    /**
     * J* for the solution {@code zStar} of the Lasso with dictionary {@code d} and signal {@code y}.
     *
     * @throws dev.unroll.engine.InvalidArgumentException when D_S is rank-deficient
     */
    public static HostMatrix compute(HostMatrix d, double[] y, double[] zStar) {
        int n = d.rows();
        int m = d.cols();
        if (y.length != n || zStar.length != m) {
            throw new ShapeMismatchException("D is " + n + "×" + m + ", so y needs " + n + " entries and z* " + m
                    + ", but they have " + y.length + " and " + zStar.length);
        }
        double[] a = d.values();
        int[] support = new int[m];
        int s = 0;
        for (int k = 0; k < m; k++) {
            if (zStar[k] != 0) {
                support[s++] = k;
            }
        }
        HostMatrix out = HostMatrix.zeros(m, n * m);
        if (s == 0) {
            return out;
        }
        double[] gram = new double[s * s];
        for (int p = 0; p < s; p++) {
            for (int q = 0; q <= p; q++) {
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += a[support[p] * n + i] * a[support[q] * n + i];
                }
                gram[p * s + q] = v;
                gram[q * s + p] = v;
            }
        }
        Cholesky chol = Cholesky.factor(gram, s);
        for (int l = 0; l < n; l++) {
            double c = -y[l];
            for (int k = 0; k < m; k++) {
                c += a[k * n + l] * zStar[k];
            }
            for (int b = 0; b < m; b++) {
                // column b of M_{S,:} with M = D_l z*ᵀ + c I: M[a, b] = D[l, a] z*_b + c δ_ab
                double[] rhs = new double[s];
                for (int p = 0; p < s; p++) {
                    int k = support[p];
                    rhs[p] = a[k * n + l] * zStar[b] + (k == b ? c : 0);
                }
                double[] sol = chol.solve(rhs);
                for (int p = 0; p < s; p++) {
                    out.set(support[p], l * m + b, -sol[p]);
                }
            }
        }
        return out;
    }

    /** ‖J*‖_F over all rows (PLIPY skips an example when it is ≥ 1e5: ill-conditioned). */
    public static double norm(HostMatrix jacobians) {
        double s = 0;
        for (double v : jacobians.values()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
