package dev.unroll.solvers.experiments;

import java.util.Arrays;
import java.util.TreeSet;

/** Grids and fits the gradient and dictionary-learning reproductions share. */
final class GradientFits {
    private GradientFits() {
    }

    /** NumPy's {@code unique(logspace(log10(lo), log10(hi), count, dtype=int))}, plus any {@code extra} values. */
    static int[] logGrid(double lo, double hi, int count, int... extra) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            double e = Math.log10(lo) + (Math.log10(hi) - Math.log10(lo)) * i / Math.max(1, count - 1);
            set.add((int) Math.pow(10, e));
        }
        for (int v : extra) {
            if (v >= lo && v <= hi) {
                set.add(v);
            }
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The least-squares slope of log y against log x over the points where both are finite, positive, and
     * y &gt; {@code floor} (below it rounding dominates); NaN with fewer than 3 such points.
     */
    static double logLogSlope(double[] x, double[] y, double floor) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 0 && y[i] > floor && Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                double lx = Math.log(x[i]);
                double ly = Math.log(y[i]);
                sx += lx;
                sy += ly;
                sxx += lx * lx;
                sxy += lx * ly;
                k++;
            }
        }
        if (k < 3) {
            return Double.NaN;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }

    /** The index of {@code value} in {@code grid}, or −1. */
    static int indexOf(int[] grid, int value) {
        return Arrays.stream(grid).boxed().toList().indexOf(value);
    }

    static double[] toDoubles(int[] v) {
        return Arrays.stream(v).asDoubleStream().toArray();
    }
}
