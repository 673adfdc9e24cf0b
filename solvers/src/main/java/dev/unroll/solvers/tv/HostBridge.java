package dev.unroll.solvers.tv;

import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * The elementwise pieces of the TV networks that the backend SPI does not offer yet (|·| sums, sign
 * patterns, the masked product of the pseudo soft-threshold's reverse mode), on host arrays. Each is one
 * pass over a k×b column-major array; when the SPI gains the elementwise mask product and row sums they
 * move there and this class shrinks to the taut-string call.
 */
final class HostBridge {
    private HostBridge() {
    }

    /** The matrix's values on the host (column-major doubles, either precision). */
    static double[] read(Matrix m) {
        return m.backend().toDoubleArray(m);
    }

    /** Overwrites {@code m} with {@code v} (rounded for F32). */
    static void write(double[] v, Matrix m) {
        Uploads.write(m.backend(), new HostMatrix(m.rows(), m.cols(), v), m);
    }

    /** Σ_b Σ_i |u_{i+1,b} − u_{i,b}|. */
    static double totalVariation(double[] u, int k, int b) {
        double s = 0;
        for (int j = 0; j < b; j++) {
            int o = j * k;
            for (int i = 0; i + 1 < k; i++) {
                s += Math.abs(u[o + i + 1] - u[o + i]);
            }
        }
        return s;
    }

    /** g += scale·Δᵀ sign(Δu), sign(0) = 0: the TV term's subgradient autograd takes. */
    static void addTvSubgradient(double[] u, int k, int b, double scale, double[] g) {
        for (int j = 0; j < b; j++) {
            int o = j * k;
            for (int i = 0; i + 1 < k; i++) {
                double s = scale * Math.signum(u[o + i + 1] - u[o + i]);
                g[o + i + 1] += s;
                g[o + i] -= s;
            }
        }
    }

    /**
     * Reverse mode of the pseudo soft-threshold z = pST(a, τ) (row 0 passes through, rows ≥ 1 are
     * soft-thresholded at τ): overwrites {@code g} with ∂ℓ/∂a = M ⊙ g (M = 1 on row 0 and where |a| &gt; τ),
     * and returns ∂ℓ/∂τ = −Σ_{rows ≥ 1} sign(a)·M·g.
     */
    static double pseudoSoftThresholdBackward(double[] a, double tau, int k, int b, double[] g) {
        double gradTau = 0;
        for (int j = 0; j < b; j++) {
            int o = j * k;
            for (int i = 1; i < k; i++) {
                double v = a[o + i];
                if (Math.abs(v) > tau) {
                    gradTau -= Math.signum(v) * g[o + i];
                } else {
                    g[o + i] = 0;
                }
            }
        }
        return gradTau;
    }

    /**
     * Reverse mode of the projection v = clamp(a, −t, t) (the dual step of Condat–Vu and Chambolle): overwrites
     * {@code g} with ∂ℓ/∂a (g where |a| ≤ t, 0 where clamped; torch's convention at the bounds) and returns
     * ∂ℓ/∂t = Σ_{|a| > t} sign(a)·g.
     */
    static double clampBackward(double[] a, double t, double[] g) {
        double gradT = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) > t) {
                gradT += Math.signum(a[i]) * g[i];
                g[i] = 0;
            }
        }
        return gradT;
    }
}
