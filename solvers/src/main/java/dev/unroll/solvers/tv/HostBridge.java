package dev.unroll.solvers.tv;

import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * What the TV code still does on host arrays because the backend SPI lacks it, and why:
 * <ul>
 *   <li>the TV value Σ|u_{i+1} − u_i| and its subgradient Δᵀsign(Δu) ({@link #totalVariation},
 *       {@link #addTvSubgradient}), used by the objective ({@link TvProblem#objective(Matrix, Matrix, Matrix)})
 *       and the prox gap of a learned prox: the SPI has no elementwise |·| or sign; they would be a difference
 *       operator's GEMM plus those two elementwise primitives, or one fused "TV value and subgradient" reduction;</li>
 *   <li>reading and writing small matrices ({@link #read}, {@link #write}): scalar parameters (θ, α) and their
 *       gradients, a few row sums, constant masks built once.</li>
 * </ul>
 * The per-layer work of every TV network is on the backend: the exact prox and its reverse
 * ({@link dev.unroll.engine.Backend#proxTv}, {@link dev.unroll.engine.Backend#proxTvBackward}), the pseudo
 * soft-threshold's and the dual projection's reverse ({@link dev.unroll.engine.Backend#softThresholdBackward}).
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
}
