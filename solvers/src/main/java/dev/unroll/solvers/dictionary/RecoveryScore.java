package dev.unroll.solvers.dictionary;

import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;

/**
 * How well a learned dictionary recovers a reference one (PLIPY's recovery score, docs/science.md §8): the mean
 * of |⟨d_ref,i, d_j⟩| over the one-to-one matching of atoms that maximises its sum (Hungarian algorithm).
 * 1 means every reference atom is found up to sign; both dictionaries are expected to have unit-norm atoms.
 */
public final class RecoveryScore {
    private RecoveryScore() {
    }

    /** The score of {@code learned} against {@code reference} (both n×m, same n). */
    public static double compute(HostMatrix reference, HostMatrix learned) {
        int n = reference.rows();
        if (learned.rows() != n) {
            throw new ShapeMismatchException("both dictionaries need the same signal dimension, but have " + n
                    + " and " + learned.rows() + " rows");
        }
        int a = reference.cols();
        int b = learned.cols();
        double[][] corr = new double[a][b];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += reference.values()[i * n + k] * learned.values()[j * n + k];
                }
                corr[i][j] = Math.abs(s);
            }
        }
        int[] match = Hungarian.maximize(corr);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < a; i++) {
            if (match[i] >= 0) {
                sum += corr[i][match[i]];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
