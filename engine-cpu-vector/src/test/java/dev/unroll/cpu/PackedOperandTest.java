package dev.unroll.cpu;

import dev.unroll.engine.DType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * Products with op(A) laid out once per thread and pass ({@link Blas#gemmReusingA}) against the per-call
 * path ({@link Blas#gemm}) on the calling thread: equal to the last bit, for both transpositions, row counts
 * with and without partial 4V-row blocks, narrow and wide C, and β = 0 and 1. Within a pass the cached
 * layout is reused; in the next pass a changed A is laid out again.
 */
class PackedOperandTest {
    private final Blas serial = new Blas(Workers.SERIAL);

    @Test
    void laidOutOperandGivesTheSameProductsAsPackingPerCall() {
        int v = Species.F32.length();
        Random rnd = new Random(11);
        long pass = 1_000_000;
        for (DType dt : DType.values()) {
            for (int m : new int[]{3, 4 * v, 4 * v + 5, 9 * v + 1}) {
                for (int k : new int[]{1, 17, 200}) {
                    for (boolean ta : new boolean[]{false, true}) {
                        Mat a = random(dt, ta ? k : m, ta ? m : k, rnd);
                        pass++;
                        for (int n : new int[]{2, 5, 48, 133}) { // the same A reused across products of one pass
                            for (double beta : new double[]{0, 1}) {
                                Mat b = random(dt, k, n, rnd);
                                Mat c0 = random(dt, m, n, rnd);
                                Mat expected = copy(c0);
                                Mat actual = copy(c0);
                                serial.gemm(ta, false, 0.75, a, b, beta, expected);
                                serial.gemmReusingA(pass, ta, false, 0.75, a, b, beta, actual);
                                assertSame(expected, actual, dt + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta
                                        + " β=" + beta);
                            }
                        }
                        // The next pass sees A's new values.
                        a.set(0, 0, a.get(0, 0) + 1);
                        Mat b = random(dt, k, 50, rnd);
                        Mat expected = random(dt, m, 50, rnd);
                        Mat actual = copy(expected);
                        serial.gemm(ta, false, 1, a, b, 0, expected);
                        serial.gemmReusingA(++pass, ta, false, 1, a, b, 0, actual);
                        assertSame(expected, actual, dt + " after A changed, m=" + m + " k=" + k + " ta=" + ta);
                    }
                }
            }
        }
    }

    private static Mat random(DType dt, int rows, int cols, Random rnd) {
        Mat x = new Mat(VecBuffer.allocate(dt, Math.max(1, (long) rows * cols)), 0, Math.max(rows, 1), rows, cols);
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                x.set(i, j, rnd.nextGaussian());
            }
        }
        return x;
    }

    private static Mat copy(Mat x) {
        Mat y = new Mat(VecBuffer.allocate(x.dtype(), Math.max(1, (long) x.rows() * x.cols())), 0, Math.max(x.rows(), 1),
                x.rows(), x.cols());
        for (int j = 0; j < x.cols(); j++) {
            for (int i = 0; i < x.rows(); i++) {
                y.set(i, j, x.get(i, j));
            }
        }
        return y;
    }

    private static void assertSame(Mat expected, Mat actual, String what) {
        for (int j = 0; j < expected.cols(); j++) {
            for (int i = 0; i < expected.rows(); i++) {
                Assertions.assertEquals(expected.get(i, j), actual.get(i, j), 0.0, what + " at (" + i + ", " + j + ")");
            }
        }
    }
}
