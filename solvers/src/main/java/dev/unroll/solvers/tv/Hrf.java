package dev.unroll.solvers.tv;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;

/**
 * The canonical double-gamma haemodynamic response function (SPM's {@code spm_hrf} with its default
 * parameters: response delay 6 s, undershoot delay 16 s, dispersions 1, ratio 6, length 32 s) and its
 * convolution matrix, the forward operator of the fMRI deconvolution of docs/science.md §9:
 * {@code h(t) = t⁵e^{−t}/Γ(6) − t¹⁵e^{−t}/(6·Γ(16))}, t in seconds.
 */
public final class Hrf {
    /** Γ(6) = 5!. */
    private static final double GAMMA_6 = 120;
    /** Γ(16) = 15!. */
    private static final double GAMMA_16 = 1_307_674_368_000.0;
    /** SPM's kernel length in seconds. */
    static final double LENGTH_S = 32;

    private Hrf() {
    }

    /** h(t) for t ≥ 0 seconds. */
    public static double at(double t) {
        if (t <= 0) {
            return 0;
        }
        return Math.pow(t, 5) * Math.exp(-t) / GAMMA_6 - Math.pow(t, 15) * Math.exp(-t) / (6 * GAMMA_16);
    }

    /** h sampled every {@code tr} seconds over SPM's 32 s, from t = 0, scaled to unit ℓ2 norm. */
    public static double[] sampled(double tr) {
        if (!(tr > 0) || tr > LENGTH_S / 2) {
            throw new InvalidArgumentException("the repetition time must be in (0, " + LENGTH_S / 2 + "] s, but is " + tr);
        }
        int n = (int) Math.floor(LENGTH_S / tr) + 1;
        double[] h = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            h[i] = at(i * tr);
            norm += h[i] * h[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            h[i] /= norm;
        }
        return h;
    }

    /**
     * The full convolution x = h * u of a length-k signal as an m×k matrix, m = k + len(h) − 1. Full, not
     * truncated to k rows: h(0) = 0, so the square (causal, truncated) matrix is singular, while the full one
     * has full column rank for any non-zero h; with a unit-norm h every column has unit norm.
     */
    public static HostMatrix convolution(double[] h, int k) {
        if (k < 2 || h.length == 0) {
            throw new InvalidArgumentException("a convolution needs k ≥ 2 and a non-empty kernel, but k = " + k);
        }
        HostMatrix phi = HostMatrix.zeros(k + h.length - 1, k);
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < h.length; i++) {
                phi.set(j + i, j, h[i]);
            }
        }
        return phi;
    }
}
