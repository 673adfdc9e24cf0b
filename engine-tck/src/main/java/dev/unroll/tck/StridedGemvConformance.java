package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Transpose;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.Oracle;
import dev.unroll.tck.support.Placement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** The strided batch of distinct matrix–vector products against a double-precision evaluation. */
public class StridedGemvConformance extends ConformanceBase {
    static final int[] ROWS = {1, 3, 13, 64, 207};
    static final int[] COLS = {1, 7, 100};
    static final int[] COUNTS = {1, 3, 17};

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Transpose ta : Transpose.values()) {
                for (double alpha : GemmConformance.SCALARS) {
                    for (double beta : GemmConformance.SCALARS) {
                        args.add(Arguments.of(t, ta, alpha, beta));
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} α={2} β={3}")
    @MethodSource("combinations")
    void eachProductUsesItsOwnMatrix(DType t, Transpose ta, double alpha, double beta) {
        SplittableRandom rng = new SplittableRandom(17L * ta.ordinal() + t.ordinal());
        int variant = 0;
        for (int r : ROWS) {
            for (int c : COLS) {
                int count = COUNTS[variant % COUNTS.length];
                HostMatrix a = HostMatrix.uniform(r, c * count, -1, 1, rng).roundedTo(t);
                int in = ta == Transpose.NO ? c : r;
                int out = ta == Transpose.NO ? r : c;
                HostMatrix x = HostMatrix.uniform(in, count, -1, 1, rng).roundedTo(t);
                HostMatrix y = HostMatrix.uniform(out, count, -1, 1, rng).roundedTo(t);
                HostMatrix expected = new HostMatrix(out, count);
                HostMatrix magnitude = new HostMatrix(out, count);
                for (int k = 0; k < count; k++) {
                    HostMatrix ak = new HostMatrix(r, c, java.util.Arrays.copyOfRange(a.data, k * c * r, (k + 1) * c * r));
                    HostMatrix xk = new HostMatrix(in, 1, x.column(k));
                    HostMatrix yk = new HostMatrix(out, 1, y.column(k));
                    expected.setColumn(k, Oracle.gemm(ta, Transpose.NO, alpha, ak, xk, beta, yk).data);
                    magnitude.setColumn(k, Oracle.gemmMagnitude(ta, Transpose.NO, alpha, ak, xk, beta, yk).data);
                }
                Placement pa = Placement.of(backend, a, t, variant, rng);
                Placement px = Placement.of(backend, x, t, variant + 1, rng);
                Placement py = Placement.of(backend, y, t, variant + 2, rng);
                String what = t + " strided GEMV of " + count + " matrices " + r + "×" + c + " transA=" + ta + " α=" + alpha
                        + " β=" + beta;
                try {
                    backend.gemvStridedBatched(ta, alpha, pa.matrix(), px.matrix(), beta, py.matrix());
                    Close.rounding(expected, magnitude, py.read(), t, in, 2, what);
                    py.assertSurroundingsUntouched(what + " (y)");
                } finally {
                    pa.close();
                    px.close();
                    py.close();
                }
                variant++;
            }
        }
    }
}
