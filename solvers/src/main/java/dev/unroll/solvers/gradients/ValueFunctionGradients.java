package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;

/**
 * The three estimates of ∇ℓ(x) for ℓ(x) = min_z G(z, x) at the t-th gradient-descent iterate (ICML 2020,
 * docs/science.md §7):
 * <ul>
 * <li>g¹_t = ∇_x G(z_t, x), the analytic estimate (z_t held fixed);</li>
 * <li>g²_t = ∇_x G(z_t, x) + J_tᵀ ∇_z G(z_t, x), the derivative of x ↦ G(z_t(x), x), by reverse mode
 * through the t steps;</li>
 * <li>g³_t = ∇_x G(z_t, x) − ∇²_xz G (∇²_zz G)⁻¹ ∇_z G(z_t, x), the implicit estimate (one linear solve).</li>
 * </ul>
 * All on the host in double precision.
 */
public final class ValueFunctionGradients {
    private ValueFunctionGradients() {
    }

    /** g¹_t. */
    public static double[] analytic(GradientDescentPath path, int t) {
        check(path, t);
        return path.problem().gradX(path.iterateShared(t), path.xShared());
    }

    /**
     * g²_t by reverse mode: the adjoint z̄ starts at ∇_z G(z_t, x) and runs back through
     * z_{k+1} = z_k − ρ∇_z G(z_k, x), collecting x̄ += −ρ ∇²_xz G(z_k)·z̄ and z̄ ← z̄ − ρ∇²_zz G(z_k)·z̄.
     */
    public static double[] automatic(GradientDescentPath path, int t) {
        check(path, t);
        MinMinProblem p = path.problem();
        double[] x = path.xShared();
        double rho = path.step();
        double[] zt = path.iterateShared(t);
        double[] gx = p.gradX(zt, x);
        double[] zbar = p.gradZ(zt, x);
        for (int k = t - 1; k >= 0; k--) {
            double[] zk = path.iterateShared(k);
            double[] hx = p.hessianXZTimes(zk, x, zbar);
            for (int i = 0; i < gx.length; i++) {
                gx[i] -= rho * hx[i];
            }
            double[] hz = p.hessianZZTimes(zk, x, zbar);
            for (int j = 0; j < zbar.length; j++) {
                zbar[j] -= rho * hz[j];
            }
        }
        return gx;
    }

    /** g³_t, with the Hessian system solved by Cholesky. */
    public static double[] implicit(GradientDescentPath path, int t) {
        check(path, t);
        return implicitAt(path.problem(), path.iterateShared(t), path.xShared());
    }

    /** g³ at any z (e.g. a converged z*, where it equals ∇ℓ(x)). */
    public static double[] implicitAt(MinMinProblem p, double[] z, double[] x) {
        double[] v = Cholesky.factor(p.hessianZZ(z, x), p.zDim()).solve(p.gradZ(z, x));
        double[] gx = p.gradX(z, x);
        double[] hx = p.hessianXZTimes(z, x, v);
        for (int i = 0; i < gx.length; i++) {
            gx[i] -= hx[i];
        }
        return gx;
    }

    private static void check(GradientDescentPath path, int t) {
        if (path == null) {
            throw new InvalidArgumentException("a gradient estimate needs a gradient-descent path");
        }
        if (t < 0 || t > path.iterations()) {
            throw new InvalidArgumentException("iteration t must be in 0.." + path.iterations()
                    + " (the steps run), but is " + t);
        }
    }
}
