package dev.unroll.solvers.io;

import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import java.util.Map;

/**
 * Refuses a model file whose finite parameters still make the network blow up: a threshold or step that is
 * not positive, or a layer whose linear part expands the error on <em>every</em> support.
 *
 * <p>Each layer is {@code z⁺ = ST(A z + b, τ)} with A = I − αDᵀD (step), I − αW̃ᵀD (ALISTA), I − WD
 * (LISTA-CP, first_step's first layer) or W_z (LISTA). ST is non-expansive, so the layer grows a code's
 * error by the spectral radius of A restricted to the code's support S. The mean of the eigenvalues of
 * A_SS is the mean of its diagonal, so some eigenvalue has a real part ≥ min_j A_jj and some ≤ max_j A_jj.
 * Hence if min_j A_jj &gt; 1 or max_j A_jj &lt; −1 the layer expands on every support, whatever the signal:
 * no trained network has such a layer. For the step parametrization this reads α·min_j ‖d_j‖² &gt; 2 (a
 * step beyond what the smallest support's Lipschitz constant allows) or α &lt; 0. The plain bound α·L ≤ 2 with
 * L = ‖D‖₂² would be wrong here: SLISTA learns steps near 1/L_S of the current support, and the NeurIPS 2019
 * paper's Fig 4 (reproduced by {@code reproduce fig4-steps}) has α·L up to 2.95.
 */
final class LayerPlausibility {
    private LayerPlausibility() {
    }

    /**
     * Checks every layer's parameters.
     *
     * @param d        the dictionary, n×m (atoms as columns)
     * @param analytic ALISTA's W̃ (n×m), else null
     * @param values   the parameters by tensor name ({@link ModelFiles#name})
     * @param where    the file, for messages
     * @throws ModelFileException naming the tensor and the layer that would make the network diverge
     */
    static void check(Parametrization par, int layers, HostMatrix d, HostMatrix analytic,
                      Map<String, HostMatrix> values, String where) {
        double[] atomGram = diagonalOfProduct(d, d); // ‖d_j‖²
        double[] analyticGram = analytic == null ? null : diagonalOfProduct(analytic, d); // w̃_jᵀd_j
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : par.layout(t)) {
                String name = ModelFiles.name(t, kind);
                HostMatrix v = values.get(name);
                switch (kind) {
                    case THRESHOLD, THRESHOLDS -> requirePositive(v, name, t, "threshold", where);
                    case STEP_SIZE -> {
                        double alpha = requirePositive(v, name, t, "step", where)[0];
                        double[] gram = par == Parametrization.ALISTA ? analyticGram : atomGram;
                        double[] diag = new double[gram.length];
                        for (int j = 0; j < diag.length; j++) {
                            diag[j] = 1 - alpha * gram[j];
                        }
                        requireNotExpanding(diag, name, t, where);
                    }
                    case W_COUPLED -> {
                        double[] wd = diagonalOfProduct(v.transpose(), d); // (WD)_jj, W is m×n
                        for (int j = 0; j < wd.length; j++) {
                            wd[j] = 1 - wd[j];
                        }
                        requireNotExpanding(wd, name, t, where);
                    }
                    case W_Z -> {
                        double[] diag = new double[v.rows()];
                        for (int j = 0; j < diag.length; j++) {
                            diag[j] = v.get(j, j);
                        }
                        requireNotExpanding(diag, name, t, where);
                    }
                    case W_X -> { } // enters once per layer, added, not multiplied: it cannot compound
                }
            }
        }
    }

    private static double[] requirePositive(HostMatrix v, String name, int layer, String what, String where) {
        for (double x : v.values()) {
            if (!(x > 0)) {
                throw new ModelFileException(where + ": tensor '" + name + "' (layer " + layer + ") holds the "
                        + what + " " + x + "; a trained network's " + what + "s are > 0 (a " + what + " ≤ 0 "
                        + (what.equals("step") ? "climbs the objective instead of descending it"
                        : "never shrinks a code towards 0") + ") — retrain or restore the file");
            }
        }
        return v.values();
    }

    /** Refuses a layer whose linear part, with this diagonal, expands every support (see the class doc). */
    private static void requireNotExpanding(double[] diagonal, String name, int layer, String where) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double a : diagonal) {
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double growth = Math.max(min, -max);
        if (growth > 1 || Double.isNaN(growth)) {
            throw new ModelFileException(where + ": tensor '" + name + "' (layer " + layer + ") makes the layer "
                    + "multiply the error of every code by at least " + (float) growth + " whatever its support "
                    + "(the diagonal of its linear part lies in [" + (float) min + ", " + (float) max
                    + "], outside [−1, 1]); the network diverges, no trained network does this — retrain or "
                    + "restore the file");
        }
    }

    /** (aᵀb)_jj = a_jᵀ b_j for the columns of two n×m matrices. */
    private static double[] diagonalOfProduct(HostMatrix a, HostMatrix b) {
        int n = a.rows();
        double[] out = new double[a.cols()];
        double[] av = a.values();
        double[] bv = b.values();
        for (int j = 0; j < out.length; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += av[j * n + i] * bv[j * n + i];
            }
            out[j] = s;
        }
        return out;
    }
}
