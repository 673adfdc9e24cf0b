package dev.unroll.solvers.dictionary;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;

/** The constant L that sets the unrolled steps α_i = s_i/L. */
public enum LipschitzBound {
    /** ‖DᵀD‖_F, an upper bound of ‖D‖₂² (PLIPY's choice, docs/science.md §10.3: conservative steps). */
    FROBENIUS,
    /** ‖D‖₂² = λ_max(DᵀD), the smallest valid constant (plain ISTA's 1/L). */
    SPECTRAL;

    /** L for dictionary {@code d} (1 for an all-zero dictionary, as PLIPY). */
    public double of(HostMatrix d) {
        double l;
        if (this == SPECTRAL) {
            l = Spectral.lipschitz(d.values(), d.rows(), d.cols());
        } else {
            int n = d.rows();
            int m = d.cols();
            double[] v = d.values();
            double s = 0;
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < m; q++) {
                    double g = 0;
                    for (int i = 0; i < n; i++) {
                        g += v[p * n + i] * v[q * n + i];
                    }
                    s += g * g;
                }
            }
            l = Math.sqrt(s);
        }
        return l == 0 ? 1 : l;
    }
}
