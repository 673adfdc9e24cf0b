package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;

/**
 * Ridge regression as DIFFOPT's {@code Ridge}: G(z, x) = ½·(1/n)‖Dz − x‖² + (reg/2)‖z‖², D n×p, x ∈ ℝⁿ,
 * z ∈ ℝᵖ; step 1/(‖D‖₂²/n + reg). Quadratic in z, so its Hessian does not depend on z.
 */
public final class Ridge implements MinMinProblem {
    private final HostMatrix d;
    private final double reg;
    private final double step;

    /**
     * @param d   the design D, n×p
     * @param reg the ℓ2 weight, &gt; 0 (the strong convexity)
     */
    public Ridge(HostMatrix d, double reg) {
        if (d == null || !(reg > 0) || Double.isInfinite(reg)) {
            throw new InvalidArgumentException("ridge needs a design matrix and reg > 0, but got reg=" + reg);
        }
        this.d = d.requireFinite("the ridge design D");
        this.reg = reg;
        this.step = 1 / (Spectral.lipschitz(d.values(), d.rows(), d.cols()) / d.rows() + reg);
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
        double[] r = Dense.residual(d, z, x);
        return 0.5 * Dense.dot(r, r) / d.rows() + 0.5 * reg * Dense.dot(z, z);
    }

    @Override
    public double[] gradZ(double[] z, double[] x) {
        double[] g = Dense.timesTransposed(d, Dense.residual(d, z, x));
        for (int j = 0; j < g.length; j++) {
            g[j] = g[j] / d.rows() + reg * z[j];
        }
        return g;
    }

    @Override
    public double[] gradX(double[] z, double[] x) {
        double[] r = Dense.residual(d, z, x);
        for (int i = 0; i < r.length; i++) {
            r[i] = -r[i] / d.rows();
        }
        return r;
    }

    @Override
    public double[] hessianZZ(double[] z, double[] x) {
        return Dense.weightedGram(d, null, reg);
    }

    @Override
    public double[] hessianZZTimes(double[] z, double[] x, double[] v) {
        double[] h = Dense.timesTransposed(d, Dense.times(d, v));
        for (int j = 0; j < h.length; j++) {
            h[j] = h[j] / d.rows() + reg * v[j];
        }
        return h;
    }

    @Override
    public double[] hessianXZTimes(double[] z, double[] x, double[] v) {
        double[] h = Dense.times(d, v);
        for (int i = 0; i < h.length; i++) {
            h[i] = -h[i] / d.rows();
        }
        return h;
    }

    @Override
    public double step() {
        return step;
    }
}
