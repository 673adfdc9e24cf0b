package dev.unroll.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same call on the same data gives the same bits every time, however warm the JIT is: a saved model
 * must evaluate to the last bit in the next process, and a seeded run must repeat. (A Vector API backend
 * that reduced lanes with {@code reduceLanes(ADD)} failed this: HotSpot adds the lanes in one order in the
 * interpreter and in another in C2 code.) Each op runs a few thousand times so that it gets compiled
 * between the first and the last call.
 */
public class DeterminismConformance extends ConformanceBase {
    private static final int CALLS = 3000;

    @ParameterizedTest
    @EnumSource(DType.class)
    void repeatedCallsGiveIdenticalBits(DType t) {
        SplittableRandom rng = new SplittableRandom(17);
        int n = 24;
        int m = 40;
        int b = 7;
        try (Matrix d = HostMatrix.gaussian(n, m, rng).upload(backend, t);
             Matrix x = HostMatrix.gaussian(n, b, rng).upload(backend, t);
             Matrix z = HostMatrix.gaussian(m, b, rng).upload(backend, t);
             Matrix c = backend.allocate(t, m, b);
             Matrix g = backend.allocate(t, n, m)) {
            double firstLoss = Double.NaN;
            double[] firstGemm = null;
            double firstDot = Double.NaN;
            for (int i = 0; i < CALLS; i++) {
                double loss = backend.lassoObjective(d, x, z, 0.2, null, null, g);
                backend.gemm(Transpose.YES, Transpose.NO, 1, d, x, 0, c);
                double dot = backend.dot(x, x) + backend.sum(z);
                if (i == 0) {
                    firstLoss = loss;
                    firstGemm = backend.toDoubleArray(c);
                    firstDot = dot;
                } else if (i == CALLS - 1) {
                    assertEquals(Double.doubleToRawLongBits(firstLoss), Double.doubleToRawLongBits(loss),
                            t + " Lasso objective changed between call 1 and call " + CALLS);
                    assertArrayEquals(firstGemm, backend.toDoubleArray(c), t + " GEMM Dᵀx changed");
                    assertEquals(Double.doubleToRawLongBits(firstDot), Double.doubleToRawLongBits(dot),
                            t + " dot/sum changed");
                }
            }
        }
    }
}
