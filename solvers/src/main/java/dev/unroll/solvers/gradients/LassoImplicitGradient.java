package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;

/**
 * g³ for dictionary learning (ICML 2020's implicit estimate applied to h(D) = F(D, z*(D)), docs/science.md §7–8),
 * restricted to the support S of each code, where the Lasso is smooth: with r = Dz − x and
 * v_S = (D_SᵀD_S)⁻¹(D_Sᵀr + λ sign(z_S)) (the Newton step on the support, 0 elsewhere),
 * g³ = (1/B) Σ_b [r zᵀ − (Dv) zᵀ − r vᵀ]. At z = z* it is ∇h(D). Host, double precision; one small
 * Cholesky solve per sample.
 */
public final class LassoImplicitGradient {
    private LassoImplicitGradient() {
    }

    /**
     * g³ at the codes {@code z} (m×B) of the signals {@code x} (n×B) for the n×m dictionary {@code d}.
     *
     * @throws InvalidArgumentException when D_S is rank-deficient on some sample's support
     */
    public static HostMatrix compute(HostMatrix d, HostMatrix x, HostMatrix z, double lambda) {
        int n = d.rows();
        int m = d.cols();
        if (x.rows() != n || z.rows() != m || z.cols() != x.cols()) {
            throw new ShapeMismatchException("D is " + n + "×" + m + ", so X must be " + n + "×B and Z " + m
                    + "×B, but X is " + x.rows() + "×" + x.cols() + " and Z " + z.rows() + "×" + z.cols());
        }
        int batch = x.cols();
        double[] g = new double[n * m];
        double[] dv = d.values();
        int[] support = new int[m];
        for (int b = 0; b < batch; b++) {
            double[] zb = new double[m];
            System.arraycopy(z.values(), b * m, zb, 0, m);
            double[] rb = new double[n];
            for (int i = 0; i < n; i++) {
                rb[i] = -x.values()[b * n + i];
            }
            int s = 0;
            for (int k = 0; k < m; k++) {
                if (zb[k] != 0) {
                    support[s++] = k;
                    for (int i = 0; i < n; i++) {
                        rb[i] += dv[k * n + i] * zb[k];
                    }
                }
            }
            double[] v = new double[m];
            if (s > 0) {
                double[] gram = new double[s * s];
                double[] rhs = new double[s];
                for (int a = 0; a < s; a++) {
                    int ka = support[a];
                    double t = 0;
                    for (int i = 0; i < n; i++) {
                        t += dv[ka * n + i] * rb[i];
                    }
                    rhs[a] = t + lambda * Math.signum(zb[ka]);
                    for (int c = 0; c <= a; c++) {
                        int kc = support[c];
                        double q = 0;
                        for (int i = 0; i < n; i++) {
                            q += dv[ka * n + i] * dv[kc * n + i];
                        }
                        gram[a * s + c] = q;
                        gram[c * s + a] = q;
                    }
                }
                double[] vs = Cholesky.factor(gram, s).solve(rhs);
                for (int a = 0; a < s; a++) {
                    v[support[a]] = vs[a];
                }
            }
            double[] dvb = new double[n];
            for (int a = 0; a < s; a++) {
                int k = support[a];
                for (int i = 0; i < n; i++) {
                    dvb[i] += dv[k * n + i] * v[k];
                }
            }
            for (int k = 0; k < m; k++) {
                for (int i = 0; i < n; i++) {
                    g[k * n + i] += rb[i] * zb[k] - dvb[i] * zb[k] - rb[i] * v[k];
                }
            }
        }
        for (int k = 0; k < g.length; k++) {
            g[k] /= batch;
        }
        return new HostMatrix(n, m, g);
    }

    /** ∇₁F(D, z) = (1/B)(Dz − X)zᵀ on the host: g¹ at z, and g* = ∇h(D) at z = z*. */
    public static HostMatrix analytic(HostMatrix d, HostMatrix x, HostMatrix z) {
        int n = d.rows();
        int m = d.cols();
        int batch = x.cols();
        double[] g = new double[n * m];
        double[] r = new double[n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                r[i] = -x.values()[b * n + i];
            }
            for (int k = 0; k < m; k++) {
                double zk = z.values()[b * m + k];
                if (zk != 0) {
                    for (int i = 0; i < n; i++) {
                        r[i] += d.values()[k * n + i] * zk;
                    }
                }
            }
            for (int k = 0; k < m; k++) {
                double zk = z.values()[b * m + k];
                if (zk != 0) {
                    for (int i = 0; i < n; i++) {
                        g[k * n + i] += r[i] * zk / batch;
                    }
                }
            }
        }
        return new HostMatrix(n, m, g);
    }
}
