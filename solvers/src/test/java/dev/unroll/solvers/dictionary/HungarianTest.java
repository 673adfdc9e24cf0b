package dev.unroll.solvers.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The Hungarian algorithm against brute force, and the recovery score on known cases. */
class HungarianTest {

    @Test
    void knownSquareCase() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        assertArrayEquals(new int[]{1, 0, 2}, Hungarian.minimize(cost)); // scipy: rows → [1, 0, 2], total 5
    }

    @Test
    void matchesBruteForceOnRandomRectangularMatrices() {
        NumpyRandom rng = new NumpyRandom(1);
        int[][] shapes = {{5, 5}, {4, 6}, {6, 4}, {1, 3}, {3, 1}, {6, 6}};
        for (int trial = 0; trial < 30; trial++) {
            int[] sh = shapes[trial % shapes.length];
            double[][] c = new double[sh[0]][sh[1]];
            for (double[] row : c) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = Math.floor(rng.nextDouble() * 7); // ties on purpose
                }
            }
            int[] match = Hungarian.minimize(c);
            assertEquals(brute(c), total(c, match), 1e-12, "trial " + trial);
            long used = java.util.Arrays.stream(match).filter(j -> j >= 0).distinct().count();
            assertEquals(Math.min(sh[0], sh[1]), used, "one distinct column per matched row");
        }
    }

    @Test
    void recoveryScoreIsOneForAPermutedSignFlippedCopyAndLowerForNoise() {
        NumpyRandom rng = new NumpyRandom(2);
        HostMatrix ref = new HostMatrix(6, 4, rng.gaussians(24));
        UnitNorm.normalizeColumns(ref);
        HostMatrix perm = HostMatrix.zeros(6, 4);
        int[] p = {2, 0, 3, 1};
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 6; i++) {
                perm.set(i, p[j], (j % 2 == 0 ? -1 : 1) * ref.get(i, j));
            }
        }
        assertEquals(1, RecoveryScore.compute(ref, perm), 1e-12);
        HostMatrix other = new HostMatrix(6, 4, rng.gaussians(24));
        UnitNorm.normalizeColumns(other);
        double s = RecoveryScore.compute(ref, other);
        assertEquals(true, s < 0.95 && s > 0, "score of an unrelated dictionary: " + s);
    }

    private static double total(double[][] c, int[] match) {
        double s = 0;
        for (int i = 0; i < match.length; i++) {
            if (match[i] >= 0) {
                s += c[i][match[i]];
            }
        }
        return s;
    }

    private static double brute(double[][] c) {
        int r = c.length;
        int k = c[0].length;
        if (r > k) {
            double[][] t = new double[k][r];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < k; j++) {
                    t[j][i] = c[i][j];
                }
            }
            return brute(t);
        }
        return best(c, 0, new boolean[k]);
    }

    private static double best(double[][] c, int row, boolean[] used) {
        if (row == c.length) {
            return 0;
        }
        double b = Double.POSITIVE_INFINITY;
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                used[j] = true;
                b = Math.min(b, c[row][j] + best(c, row + 1, used));
                used[j] = false;
            }
        }
        return b;
    }
}
