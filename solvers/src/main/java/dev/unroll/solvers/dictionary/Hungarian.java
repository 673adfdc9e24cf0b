package dev.unroll.solvers.dictionary;

import dev.unroll.engine.InvalidArgumentException;
import java.util.Arrays;

/**
 * The Hungarian algorithm (Kuhn–Munkres with potentials, O(r²c)) for the rectangular assignment problem:
 * match every row of an r×c cost matrix (r ≤ c) to a distinct column at the least total cost, as SciPy's
 * {@code linear_sum_assignment}. A matrix with more rows than columns is solved through its transpose.
 */
public final class Hungarian {
    private Hungarian() {
    }

    /**
     * The assignment of least total cost: {@code result[i]} is the column matched to row i, or −1 when there
     * are more rows than columns and row i is left out.
     *
     * @param cost cost[i][j], finite, every row of the same length
     */
    public static int[] minimize(double[][] cost) {
        int r = cost.length;
        if (r == 0) {
            return new int[0];
        }
        int c = cost[0].length;
        for (double[] row : cost) {
            if (row.length != c) {
                throw new InvalidArgumentException("the cost matrix has rows of different lengths (" + c + " and "
                        + row.length + ")");
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new InvalidArgumentException("the cost matrix holds " + v + "; every cost must be finite");
                }
            }
        }
        if (r > c) {
            double[][] t = new double[c][r];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    t[j][i] = cost[i][j];
                }
            }
            int[] colToRow = minimize(t);
            int[] out = new int[r];
            Arrays.fill(out, -1);
            for (int j = 0; j < c; j++) {
                out[colToRow[j]] = j;
            }
            return out;
        }
        // 1-based potentials u (rows), v (columns); p[j] = row matched to column j (0 = none).
        double[] u = new double[r + 1];
        double[] v = new double[c + 1];
        int[] p = new int[c + 1];
        int[] way = new int[c + 1];
        for (int i = 1; i <= r; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[c + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[c + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= c; j++) {
                    if (!used[j]) {
                        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= c; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] out = new int[r];
        for (int j = 1; j <= c; j++) {
            if (p[j] != 0) {
                out[p[j] - 1] = j - 1;
            }
        }
        return out;
    }

    /** The assignment of greatest total weight ({@code linear_sum_assignment(..., maximize=True)}). */
    public static int[] maximize(double[][] weight) {
        double[][] neg = new double[weight.length][];
        for (int i = 0; i < weight.length; i++) {
            neg[i] = new double[weight[i].length];
            for (int j = 0; j < neg[i].length; j++) {
                neg[i][j] = -weight[i][j];
            }
        }
        return minimize(neg);
    }
}
