package dev.unroll.solvers.network;

import dev.unroll.engine.ParamKind;
import dev.unroll.solvers.HostMatrix;

/**
 * The parameter values that make a layer compute one ISTA iteration (ADOPTY's initialisation, docs/science.md
 * §3.1): W_z = I − DᵀD/L, W_x = Dᵀ/L, W = Dᵀ/L, θ = 1/L, α = 1/L.
 */
final class IstaInitialisation {
    private IstaInitialisation() {
    }

    static HostMatrix value(ParamKind kind, HostMatrix d, double lipschitz) {
        int n = d.rows();
        int m = d.cols();
        double inv = 1 / lipschitz;
        return switch (kind) {
            case W_Z -> {
                HostMatrix w = HostMatrix.zeros(m, m);
                for (int a = 0; a < m; a++) {
                    for (int b = 0; b < m; b++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            s += d.get(i, a) * d.get(i, b);
                        }
                        w.set(a, b, (a == b ? 1 : 0) - s * inv);
                    }
                }
                yield w;
            }
            case W_X, W_COUPLED -> {
                HostMatrix w = d.transpose();
                double[] v = w.values();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= inv;
                }
                yield w;
            }
            case THRESHOLDS -> filled(m, inv);
            case THRESHOLD, STEP_SIZE -> filled(1, inv);
        };
    }

    private static HostMatrix filled(int rows, double v) {
        HostMatrix h = HostMatrix.zeros(rows, 1);
        java.util.Arrays.fill(h.values(), v);
        return h;
    }
}
