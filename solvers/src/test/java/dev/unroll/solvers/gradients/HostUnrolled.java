package dev.unroll.solvers.gradients;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;

/** A plain host re-implementation of unrolled ISTA/FISTA and the mean Lasso objective, for finite differences. */
final class HostUnrolled {
    private HostUnrolled() {
    }

    /**
     * F(D, z_N) where the first {@code frozen} iterations use {@code base} and the others {@code d}: the function
     * whose derivative truncated back-propagation computes.
     */
    static double loss(UnrolledAlgorithm algo, HostMatrix base, HostMatrix d, HostMatrix x, double lambda,
                       double[] alphas, int frozen) {
        int m = d.cols();
        int batch = x.cols();
        double[] xPrev = new double[m * batch];
        double[] y = new double[m * batch];
        double t = 1;
        for (int i = 1; i <= alphas.length; i++) {
            HostMatrix dict = i <= frozen ? base : d;
            double a = alphas[i - 1];
            double[] xi = new double[m * batch];
            for (int b = 0; b < batch; b++) {
                double[] yb = new double[m];
                System.arraycopy(y, b * m, yb, 0, m);
                double[] r = Dense.residual(dict, yb, column(x, b));
                double[] g = Dense.timesTransposed(dict, r);
                for (int k = 0; k < m; k++) {
                    double u = yb[k] - a * g[k];
                    double mag = Math.abs(u) - lambda * a;
                    xi[b * m + k] = mag > 0 ? Math.signum(u) * mag : 0;
                }
            }
            double next = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double beta = algo == UnrolledAlgorithm.FISTA ? (t - 1) / next : 0;
            for (int k = 0; k < y.length; k++) {
                y[k] = xi[k] + beta * (xi[k] - xPrev[k]);
            }
            t = next;
            xPrev = xi;
        }
        return objective(d, x, new HostMatrix(m, batch, y), lambda);
    }

    static double[] column(HostMatrix x, int b) {
        double[] c = new double[x.rows()];
        System.arraycopy(x.values(), b * x.rows(), c, 0, x.rows());
        return c;
    }

    /** (1/B) Σ ½‖Dz − x‖² + λ‖z‖₁. */
    static double objective(HostMatrix d, HostMatrix x, HostMatrix z, double lambda) {
        double f = 0;
        for (int b = 0; b < x.cols(); b++) {
            double[] zb = column(z, b);
            double[] r = Dense.residual(d, zb, column(x, b));
            f += 0.5 * Dense.dot(r, r);
            for (double v : zb) {
                f += lambda * Math.abs(v);
            }
        }
        return f / x.cols();
    }

    /** z* by 20 000 FISTA iterations (tiny problems: converged to machine precision). */
    static HostMatrix solve(HostMatrix d, HostMatrix x, double lambda) {
        int m = d.cols();
        double l = Spectral.lipschitz(d.values(), d.rows(), m);
        double[] out = new double[m * x.cols()];
        for (int b = 0; b < x.cols(); b++) {
            double[] xb = column(x, b);
            double[] z = new double[m];
            double[] y = new double[m];
            double t = 1;
            for (int it = 0; it < 20_000; it++) {
                double[] g = Dense.timesTransposed(d, Dense.residual(d, y, xb));
                double[] zn = new double[m];
                for (int k = 0; k < m; k++) {
                    double u = y[k] - g[k] / l;
                    double mag = Math.abs(u) - lambda / l;
                    zn[k] = mag > 0 ? Math.signum(u) * mag : 0;
                }
                double next = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                for (int k = 0; k < m; k++) {
                    y[k] = zn[k] + (t - 1) / next * (zn[k] - z[k]);
                }
                z = zn;
                t = next;
            }
            System.arraycopy(z, 0, out, b * m, m);
        }
        return new HostMatrix(m, x.cols(), out);
    }
}
