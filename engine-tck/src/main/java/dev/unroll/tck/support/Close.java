package dev.unroll.tck.support;

import dev.unroll.engine.DType;
import org.junit.jupiter.api.Assertions;

/**
 * Elementwise comparisons with tolerances scaled to size and precision, reporting the worst element.
 */
public final class Close {
    private Close() {
    }

    /**
     * |actual − expected| ≤ factor·(k + 2)·u·magnitude + tiny, elementwise, where u is the precision's unit
     * roundoff and magnitude the matching element of |α||A||B| + |β||C|: the classic bound for a dot product
     * of length k, with a safety factor.
     */
    public static void rounding(HostMatrix expected, HostMatrix magnitude, HostMatrix actual, DType dtype, int k,
                                double factor, String what) {
        double u = dtype.unitRoundoff();
        double tiny = dtype == DType.F32 ? 1e-30 : 1e-300;
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.data.length; i++) {
            double bound = factor * (k + 2) * u * magnitude.data[i] + tiny;
            double err = Math.abs(actual.data[i] - expected.data[i]);
            if (!(err <= bound)) {
                double ratio = err / bound;
                if (worst < 0 || ratio > worstRatio || Double.isNaN(ratio)) {
                    worst = i;
                    worstRatio = ratio;
                }
            }
        }
        if (worst >= 0) {
            int r = worst % expected.rows;
            int c = worst / expected.rows;
            Assertions.fail(what + ": element (" + r + ", " + c + ") of " + expected.shape() + " is " + actual.data[worst]
                    + " but the double-precision evaluation gives " + expected.data[worst] + " (error "
                    + Math.abs(actual.data[worst] - expected.data[worst]) + " exceeds the " + dtype
                    + " bound by " + String.format("%.3g", worstRatio) + "×)");
        }
    }

    /**
     * max |actual − expected| ≤ relative·max(|expected|_∞, floor): a norm-wise comparison for results of
     * long computations (unrolled layers, gradients).
     */
    public static void normwise(HostMatrix expected, HostMatrix actual, double relative, double floor, String what) {
        Assertions.assertEquals(expected.rows, actual.rows, what + ": rows");
        Assertions.assertEquals(expected.cols, actual.cols, what + ": cols");
        double scale = Math.max(expected.maxAbs(), floor);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.data.length; i++) {
            double err = Math.abs(actual.data[i] - expected.data[i]);
            if (!(err <= worst) || Double.isNaN(err)) {
                worst = err;
                at = i;
                if (Double.isNaN(err)) {
                    break;
                }
            }
        }
        if (at >= 0 && !(worst <= relative * scale)) {
            Assertions.fail(what + ": element (" + at % expected.rows + ", " + at / expected.rows + ") of "
                    + expected.shape() + " is " + actual.data[at] + ", expected " + expected.data[at] + " (error "
                    + worst + " > " + relative + " × " + scale + ")");
        }
    }

    /** |actual − expected| ≤ relative·max(|expected|, floor) for one number. */
    public static void scalar(double expected, double actual, double relative, double floor, String what) {
        double bound = relative * Math.max(Math.abs(expected), floor);
        if (!(Math.abs(actual - expected) <= bound)) {
            Assertions.fail(what + ": got " + actual + ", expected " + expected + " (error "
                    + Math.abs(actual - expected) + " > " + bound + ")");
        }
    }
}
