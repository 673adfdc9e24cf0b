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

/**
 * GEMM (and so batched GEMV: one matrix times a batch of column vectors) against a double-precision
 * evaluation, for every transpose and α/β combination, over awkward sizes, batch sizes and layouts.
 */
public class GemmConformance extends ConformanceBase {
    static final int[] SIZES = {1, 2, 3, 7, 13, 64, 100, 207, 256, 1021};
    static final int[] BATCHES = {1, 3, 17, 256};
    static final double[] SCALARS = {0, 1, -0.5};

    /** (M, K, N): op(A) is M×K, op(B) K×N. Each size appears as M, as K and as N; the paper's shapes too. */
    static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            shapes.add(new int[]{SIZES[i], 7, BATCHES[i % BATCHES.length]});
            shapes.add(new int[]{13, SIZES[i], BATCHES[(i + 1) % BATCHES.length]});
            shapes.add(new int[]{3, 5, SIZES[i]});
        }
        shapes.add(new int[]{256, 64, 17});
        shapes.add(new int[]{64, 256, 3});
        shapes.add(new int[]{256, 256, 1});
        return shapes;
    }

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Transpose ta : Transpose.values()) {
                for (Transpose tb : Transpose.values()) {
                    for (double alpha : SCALARS) {
                        for (double beta : SCALARS) {
                            args.add(Arguments.of(t, ta, tb, alpha, beta));
                        }
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} α={3} β={4}")
    @MethodSource("combinations")
    void gemmMatchesDoublePrecision(DType t, Transpose ta, Transpose tb, double alpha, double beta) {
        SplittableRandom rng = new SplittableRandom(31L * ta.ordinal() + 7L * tb.ordinal() + t.ordinal());
        int variant = 0;
        for (int[] s : shapes()) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            HostMatrix a = HostMatrix.uniform(ta == Transpose.NO ? m : k, ta == Transpose.NO ? k : m, -1, 1, rng)
                    .roundedTo(t);
            HostMatrix b = HostMatrix.uniform(tb == Transpose.NO ? k : n, tb == Transpose.NO ? n : k, -1, 1, rng)
                    .roundedTo(t);
            HostMatrix c = HostMatrix.uniform(m, n, -1, 1, rng).roundedTo(t);
            Placement pa = Placement.of(backend, a, t, variant, rng);
            Placement pb = Placement.of(backend, b, t, variant + 1, rng);
            Placement pc = Placement.of(backend, c, t, variant + 2, rng);
            String what = t + " GEMM " + m + "×" + k + "·" + k + "×" + n + " transA=" + ta + " transB=" + tb + " α="
                    + alpha + " β=" + beta + " layouts " + variant % 3 + "/" + (variant + 1) % 3 + "/" + (variant + 2) % 3;
            try {
                backend.gemm(ta, tb, alpha, pa.matrix(), pb.matrix(), beta, pc.matrix());
                Close.rounding(Oracle.gemm(ta, tb, alpha, a, b, beta, c),
                        Oracle.gemmMagnitude(ta, tb, alpha, a, b, beta, c), pc.read(), t, k, 2, what);
                pc.assertSurroundingsUntouched(what + " (C)");
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.data, pa.read().data, what + ": A was modified");
                org.junit.jupiter.api.Assertions.assertArrayEquals(b.data, pb.read().data, what + ": B was modified");
            } finally {
                pa.close();
                pb.close();
                pc.close();
            }
            variant++;
        }
    }
}
