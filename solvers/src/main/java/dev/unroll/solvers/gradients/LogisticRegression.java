package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;

/**
 * ℓ2-regularised logistic regression as DIFFOPT's {@code LogReg}: with w = Dz,
 * G(z, x) = (1/n) Σ_j log(1 + exp(−x_j w_j)) + (reg/2)‖z‖²; step 1/(‖D‖₂²/(4n) + reg). The labels x enter
 * continuously, so ℓ(x) = min_z G has a gradient in x.
 */
public final class LogisticRegression implements MinMinProblem {
    private final HostMatrix d;
    private final double reg;
    private final double step;

    /**
     * @param d   the design D, n×p
     * @param reg the ℓ2 weight, &gt; 0
     */
    public LogisticRegression(HostMatrix d, double reg) {
        if (d == null || !(reg > 0) || Double.isInfinite(reg)) {
            throw new InvalidArgumentException("logistic regression needs a design matrix and reg > 0, but got reg="
                    + reg);
        }
        this.d = d.requireFinite("the logistic-regression design D");
        this.reg = reg;
        this.step = 1 / (Spectral.lipschitz(d.values(), d.rows(), d.cols()) / (4.0 * d.rows()) + reg);
    }

    /** σ(t) = 1/(1 + e^{−t}) without overflow. */
    static double sigmoid(double t) {
        if (t >= 0) {
            return 1 / (1 + Math.exp(-t));
        }
        double e = Math.exp(t);
        return e / (1 + e);
    }

    /** log(1 + e^{t}) without overflow. */
    private static double softplus(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    @Override
    public int zDim() {
        return d.cols();
    }

    @Override
    public int xDim() {
        return d.rows();
    }

    @Override
    public double value(double[] z, double[] x) {
        double[] w = Dense.times(d, z);
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            s += softplus(-x[j] * w[j]);
        }
        return s / d.rows() + 0.5 * reg * Dense.dot(z, z);
    }

    @Override
    public double[] gradZ(double[] z, double[] x) {
        double[] w = Dense.times(d, z);
        double[] dw = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            dw[j] = -x[j] * sigmoid(-x[j] * w[j]) / d.rows();
        }
        double[] g = Dense.timesTransposed(d, dw);
        for (int k = 0; k < g.length; k++) {
            g[k] += reg * z[k];
        }
        return g;
    }

    @Override
    public double[] gradX(double[] z, double[] x) {
        double[] w = Dense.times(d, z);
        double[] g = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            g[j] = -w[j] * sigmoid(-x[j] * w[j]) / d.rows();
        }
        return g;
    }

    /** The curvature x_j² σ(s)σ(−s)/n of each sample's loss along w_j, s = x_j w_j. */
    private double[] curvature(double[] z, double[] x) {
        double[] w = Dense.times(d, z);
        double[] c = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            double s = x[j] * w[j];
            c[j] = x[j] * x[j] * sigmoid(s) * sigmoid(-s) / d.rows();
        }
        return c;
    }

    @Override
    public double[] hessianZZ(double[] z, double[] x) {
        return Dense.weightedGram(d, curvature(z, x), reg);
    }

    @Override
    public double[] hessianZZTimes(double[] z, double[] x, double[] v) {
        double[] c = curvature(z, x);
        double[] dv = Dense.times(d, v);
        for (int j = 0; j < dv.length; j++) {
            dv[j] *= c[j];
        }
        double[] h = Dense.timesTransposed(d, dv);
        for (int k = 0; k < h.length; k++) {
            h[k] += reg * v[k];
        }
        return h;
    }

    @Override
    public double[] hessianXZTimes(double[] z, double[] x, double[] v) {
        // ∂(∇_x G)_j/∂w_j = [s σ(s)σ(−s) − σ(−s)]/n with s = x_j w_j; ∇_x G depends on z through w = Dz only.
        double[] w = Dense.times(d, z);
        double[] dv = Dense.times(d, v);
        for (int j = 0; j < w.length; j++) {
            double s = x[j] * w[j];
            dv[j] *= (s * sigmoid(s) * sigmoid(-s) - sigmoid(-s)) / d.rows();
        }
        return dv;
    }

    @Override
    public double step() {
        return step;
    }
}
