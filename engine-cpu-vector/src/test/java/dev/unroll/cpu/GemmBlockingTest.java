package dev.unroll.cpu;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * GEMM on shapes that reach every block of the micro-kernels at the current width (full 4-vector × 6-column
 * blocks, one-vector blocks, scalar row tails, column tails, 2×2 dot blocks), with views (offsets, ld &gt; rows),
 * every transpose, and β = 0 over a C full of huge values (it must not be read), against a double-precision evaluation.
 */
class GemmBlockingTest {

    @Test
    void everyBlockOfTheMicroKernelsMatchesDoubleEvaluation() {
        int v = Species.F32.length();
        int[] ms = {1, 3, v + 1, 4 * v, 4 * v + v + 3, 9 * v + 1};
        int[] ns = {1, 5, 6, 13, 31};
        int[] ks = {1, 7, 2 * v + 3};
        Random rnd = new Random(42);
        try (Backend b = Backends.open(VectorProvider.NAME, BackendConfig.fromSystemProperties())) {
            for (DType dt : DType.values()) {
                for (int m : ms) {
                    for (int n : ns) {
                        for (int k : ks) {
                            for (Transpose ta : Transpose.values()) {
                                for (Transpose tb : Transpose.values()) {
                                    for (double beta : new double[] {0, 1, -0.5}) {
                                        check(b, dt, rnd, m, n, k, ta, tb, 1.25, beta);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Long inner dimensions with a small C (the weight-gradient shape, split over the inner dimension on the
     * backend's threads): a partial last panel, partial row blocks, both forms of B, β = 0, 1 and other.
     */
    @Test
    void longInnerDimensionsMatchDoubleEvaluation() {
        int v = Species.F32.length();
        Random rnd = new Random(7);
        try (Backend b = Backends.open(VectorProvider.NAME, BackendConfig.fromSystemProperties())) {
            for (DType dt : DType.values()) {
                for (int[] mnk : new int[][] {{4 * v + 3, 13, 2100}, {2 * v, 64, 4096}, {5, 1, 2049}}) {
                    for (Transpose tb : Transpose.values()) {
                        for (double beta : new double[] {0, 1, -0.5}) {
                            check(b, dt, rnd, mnk[0], mnk[1], mnk[2], Transpose.NO, tb, 0.75, beta);
                        }
                    }
                }
            }
        }
    }

    private static void check(Backend b, DType dt, Random rnd, int m, int n, int k, Transpose ta, Transpose tb,
                              double alpha, double beta) {
        int ar = ta == Transpose.NO ? m : k;
        int ac = ta == Transpose.NO ? k : m;
        int br = tb == Transpose.NO ? k : n;
        int bc = tb == Transpose.NO ? n : k;
        double[] a = random(rnd, ar * ac);
        double[] bb = random(rnd, br * bc);
        double[] c = random(rnd, m * n);
        try (Matrix aBig = b.allocate(dt, ar + 3, ac + 2);
             Matrix bBig = b.allocate(dt, br + 1, bc + 1);
             Matrix cBig = b.allocate(dt, m + 2, n + 1)) {
            Matrix av = aBig.view(2, 1, ar, ac);
            Matrix bv = bBig.view(1, 0, br, bc);
            Matrix cv = cBig.view(1, 1, m, n);
            upload(b, dt, a, av);
            upload(b, dt, bb, bv);
            if (beta == 0) {
                b.fill(cBig, 1e30); // huge: any read of C would show
            } else {
                upload(b, dt, c, cv);
            }
            b.gemm(ta, tb, alpha, av, bv, beta, cv);
            double[] got = b.toDoubleArray(cv);
            double u = dt.unitRoundoff();
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    double s = 0;
                    double mag = 0;
                    for (int l = 0; l < k; l++) {
                        double x = ta == Transpose.NO ? a[i + l * ar] : a[l + i * ar];
                        double y = tb == Transpose.NO ? bb[l + j * br] : bb[j + l * br];
                        s += x * y;
                        mag += Math.abs(x * y);
                    }
                    double want = alpha * s + (beta == 0 ? 0 : beta * c[i + j * m]);
                    double bound = 4 * (k + 2) * u * (Math.abs(alpha) * mag + Math.abs(beta * c[i + j * m])) + 1e-30;
                    double err = Math.abs(got[i + j * m] - want);
                    if (!(err <= bound)) {
                        Assertions.fail(dt + " " + ta + tb + " m=" + m + " n=" + n + " k=" + k + " β=" + beta + " at (" + i
                                + ", " + j + "): got " + got[i + j * m] + ", want " + want);
                    }
                }
            }
        }
    }

    private static void upload(Backend b, DType dt, double[] data, Matrix dst) {
        if (dt == DType.F32) {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
                data[i] = f[i];
            }
            b.upload(f, dst);
        } else {
            b.upload(data, dst);
        }
    }

    private static double[] random(Random rnd, int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = rnd.nextGaussian();
        }
        return d;
    }
}
