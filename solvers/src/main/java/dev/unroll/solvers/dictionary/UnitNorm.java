package dev.unroll.solvers.dictionary;

import dev.unroll.solvers.HostMatrix;

/**
 * The constraint set of dictionary learning, atoms of norm exactly 1 (PLIPY's {@code rescale}: a projection
 * onto the sphere, not onto the unit ball); an all-zero atom is left as it is.
 */
public final class UnitNorm {
    private UnitNorm() {
    }

    /** Divides every column of {@code d} (in place) by its norm; returns the norms it divided by. */
    public static double[] normalizeColumns(HostMatrix d) {
        int n = d.rows();
        double[] v = d.values();
        double[] norms = new double[d.cols()];
        for (int j = 0; j < d.cols(); j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += v[j * n + i] * v[j * n + i];
            }
            double norm = Math.sqrt(s);
            norms[j] = norm == 0 ? 1 : norm;
            for (int i = 0; i < n; i++) {
                v[j * n + i] /= norms[j];
            }
        }
        return norms;
    }
}
