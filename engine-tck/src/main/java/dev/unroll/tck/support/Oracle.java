package dev.unroll.tck.support;

import dev.unroll.engine.Transpose;

/**
 * Double-precision evaluations the TCK compares backends with. Written independently of the reference
 * backend (whole-batch matrix algebra on {@link HostMatrix}, where the reference works sample by sample), so
 * the reference backend is checked too.
 */
public final class Oracle {
    private Oracle() {
    }

    /** op(A)·op(B) scaled and added as BLAS GEMM does, in double; β = 0 ignores C. */
    public static HostMatrix gemm(Transpose ta, Transpose tb, double alpha, HostMatrix a, HostMatrix b, double beta,
                                  HostMatrix c) {
        HostMatrix opA = ta == Transpose.NO ? a : a.transpose();
        HostMatrix opB = tb == Transpose.NO ? b : b.transpose();
        HostMatrix p = opA.times(opB);
        return beta == 0 ? p.combine(alpha, 0, p) : p.combine(alpha, beta, c);
    }

    /** |α|·|op(A)|·|op(B)| + |β|·|C|: the scale an elementwise rounding-error bound is proportional to. */
    public static HostMatrix gemmMagnitude(Transpose ta, Transpose tb, double alpha, HostMatrix a, HostMatrix b,
                                           double beta, HostMatrix c) {
        return gemm(ta, tb, Math.abs(alpha), abs(a), abs(b), beta == 0 ? 0 : Math.abs(beta), abs(c));
    }

    public static HostMatrix abs(HostMatrix m) {
        HostMatrix out = m.copy();
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = Math.abs(out.data[i]);
        }
        return out;
    }

    public static double softThreshold(double u, double tau) {
        double shrunk = Math.abs(u) - tau;
        if (shrunk <= 0) {
            return 0;
        }
        return u > 0 ? shrunk : u < 0 ? -shrunk : 0;
    }

    /** The residual R = DZ − X. */
    public static HostMatrix residual(HostMatrix d, HostMatrix z, HostMatrix x) {
        return d.times(z).combine(1, -1, x);
    }

    /** Per-sample Lasso terms ½‖x_b − D z_b‖² + λ‖z_b‖₁ (1×B). */
    public static HostMatrix lassoPerSample(HostMatrix d, HostMatrix x, HostMatrix z, double lambda) {
        HostMatrix r = residual(d, z, x);
        HostMatrix out = new HostMatrix(1, x.cols);
        for (int b = 0; b < x.cols; b++) {
            double f = 0;
            for (int i = 0; i < r.rows; i++) {
                f += 0.5 * r.get(i, b) * r.get(i, b);
            }
            for (int i = 0; i < z.rows; i++) {
                f += lambda * Math.abs(z.get(i, b));
            }
            out.set(0, b, f);
        }
        return out;
    }

    /** F(Z), the mean of the per-sample terms. */
    public static double lasso(HostMatrix d, HostMatrix x, HostMatrix z, double lambda) {
        HostMatrix per = lassoPerSample(d, x, z, lambda);
        double s = 0;
        for (double v : per.data) {
            s += v;
        }
        return s / x.cols;
    }

    /** ∂F/∂Z = (1/B)[Dᵀ(DZ − X) + λ sign(Z)]. */
    public static HostMatrix lassoGradZ(HostMatrix d, HostMatrix x, HostMatrix z, double lambda) {
        HostMatrix g = d.transpose().times(residual(d, z, x));
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = (g.data[i] + lambda * Math.signum(z.data[i])) / x.cols;
        }
        return g;
    }

    /** ∂F/∂D = (1/B)(DZ − X)Zᵀ. */
    public static HostMatrix lassoGradD(HostMatrix d, HostMatrix x, HostMatrix z) {
        HostMatrix g = residual(d, z, x).times(z.transpose());
        return g.combine(1.0 / x.cols, 0, g);
    }

    /** ‖D‖₂² by power iteration on DᵀD, run to convergence in double. */
    public static double lipschitz(HostMatrix d) {
        HostMatrix gram = d.transpose().times(d);
        double[] v = new double[gram.rows];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(v.length));
        double lambda = 0;
        for (int it = 0; it < 100_000; it++) {
            double[] w = gram.times(new HostMatrix(v.length, 1, v)).data;
            double norm = 0;
            for (double x : w) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < w.length; i++) {
                w[i] /= norm;
            }
            v = w;
            if (Math.abs(norm - lambda) <= 1e-15 * norm) {
                return norm;
            }
            lambda = norm;
        }
        return lambda;
    }

    /**
     * ISTA from z₀ = 0 with step 1/L: returns the cost F(z_t) for t = 0..iterations (ADOPTY's
     * {@code ista(...)[1]}).
     */
    public static double[] istaCosts(HostMatrix d, HostMatrix x, double lambda, double lipschitz, int iterations) {
        HostMatrix z = new HostMatrix(d.cols, x.cols);
        HostMatrix dt = d.transpose();
        double[] costs = new double[iterations + 1];
        costs[0] = lasso(d, x, z, lambda);
        for (int t = 1; t <= iterations; t++) {
            HostMatrix grad = dt.times(residual(d, z, x));
            HostMatrix next = new HostMatrix(z.rows, z.cols);
            for (int i = 0; i < z.data.length; i++) {
                next.data[i] = softThreshold(z.data[i] - grad.data[i] / lipschitz, lambda / lipschitz);
            }
            z = next;
            costs[t] = lasso(d, x, z, lambda);
        }
        return costs;
    }
}
