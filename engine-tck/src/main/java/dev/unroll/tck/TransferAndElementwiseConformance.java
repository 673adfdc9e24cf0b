package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.Placement;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Uploads and downloads (arrays, heap and native segments) are exact, views and leading dimensions are
 * respected, and the elementwise operations and reductions match a double-precision evaluation.
 */
public class TransferAndElementwiseConformance extends ConformanceBase {
    static final int[][] SHAPES = {{1, 1}, {7, 3}, {64, 17}, {207, 1}, {1021, 3}, {2, 256}};

    @ParameterizedTest
    @EnumSource(DType.class)
    void arraysAndSegmentsRoundTripExactly(DType t) {
        SplittableRandom rng = new SplittableRandom(1 + t.ordinal());
        int variant = 0;
        for (int[] s : SHAPES) {
            HostMatrix data = HostMatrix.uniform(s[0], s[1], -1e3, 1e3, rng).roundedTo(t);
            Placement p = Placement.of(backend, data, t, variant++, rng);
            try (Arena arena = Arena.ofConfined()) {
                Matrix m = p.matrix();
                Assertions.assertArrayEquals(data.data, p.read().data, t + " array round trip " + data.shape());
                MemorySegment nativeSeg = arena.allocate(m.size() * t.byteSize(), 64);
                backend.download(m, nativeSeg);
                MemorySegment heapSeg = t == DType.F32 ? MemorySegment.ofArray(new float[(int) m.size()])
                        : MemorySegment.ofArray(new double[(int) m.size()]);
                backend.download(m, heapSeg);
                for (long i = 0; i < m.size(); i++) {
                    double vNative = t == DType.F32 ? nativeSeg.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                            : nativeSeg.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    double vHeap = t == DType.F32 ? heapSeg.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                            : heapSeg.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    Assertions.assertEquals(data.data[(int) i], vNative, "native segment download, element " + i);
                    Assertions.assertEquals(data.data[(int) i], vHeap, "heap segment download, element " + i);
                }
                backend.fill(m, 0);
                backend.upload(nativeSeg, m);
                Assertions.assertArrayEquals(data.data, p.read().data, t + " native segment upload " + data.shape());
                backend.fill(m, 0);
                backend.upload(heapSeg, m);
                Assertions.assertArrayEquals(data.data, p.read().data, t + " heap segment upload " + data.shape());
                p.assertSurroundingsUntouched(t + " transfers " + data.shape());
            } finally {
                p.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void elementwiseOperationsMatch(DType t) {
        SplittableRandom rng = new SplittableRandom(11 + t.ordinal());
        int variant = 0;
        for (int[] s : SHAPES) {
            HostMatrix x = HostMatrix.uniform(s[0], s[1], -2, 2, rng).roundedTo(t);
            HostMatrix y = HostMatrix.uniform(s[0], s[1], -2, 2, rng).roundedTo(t);
            double a = -0.75;
            Placement px = Placement.of(backend, x, t, variant, rng);
            Placement py = Placement.of(backend, y, t, variant + 1, rng);
            String shape = t + " " + x.shape();
            try {
                backend.axpy(a, px.matrix(), py.matrix());
                Close.rounding(x.combine(a, 1, y), Oracle2.absCombine(a, x, y), py.read(), t, 1, 2, shape + " axpy");
                py.assertSurroundingsUntouched(shape + " axpy");
                HostMatrix yNow = py.read();
                backend.scale(3, py.matrix());
                Close.rounding(yNow.combine(3, 0, yNow), Oracle2.absCombine(3, yNow, yNow.combine(0, 0, yNow)),
                        py.read(), t, 1, 2, shape + " scale");
                backend.copy(px.matrix(), py.matrix());
                Assertions.assertArrayEquals(x.data, py.read().data, shape + " copy");
                backend.fill(py.matrix(), 0.5);
                Assertions.assertArrayEquals(HostMatrix.constant(x.rows, x.cols, 0.5).data, py.read().data, shape + " fill");
                py.assertSurroundingsUntouched(shape + " copy/fill/scale");

                double sum = 0;
                double sumAbs = 0;
                double dot = 0;
                double dotAbs = 0;
                double max = 0;
                double sq = 0;
                for (int i = 0; i < x.data.length; i++) {
                    sum += x.data[i];
                    sumAbs += Math.abs(x.data[i]);
                    dot += x.data[i] * 0.5;
                    dotAbs += Math.abs(x.data[i] * 0.5);
                    max = Math.max(max, Math.abs(x.data[i]));
                    sq += x.data[i] * x.data[i];
                }
                double n = x.data.length;
                double u = t.unitRoundoff();
                Assertions.assertEquals(sum, backend.sum(px.matrix()), 2 * (n + 2) * u * sumAbs, shape + " sum");
                Assertions.assertEquals(dot, backend.dot(px.matrix(), py.matrix()), 2 * (n + 2) * u * dotAbs, shape + " dot");
                Assertions.assertEquals(max, backend.maxAbs(px.matrix()), 0.0, shape + " maxAbs");
                Assertions.assertEquals(Math.sqrt(sq), backend.norm(px.matrix()), 2 * (n + 2) * u * Math.sqrt(sq),
                        shape + " norm");
            } finally {
                px.close();
                py.close();
            }
            variant++;
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void normDoesNotOverflowOnLargeFiniteValues(DType t) {
        double big = t == DType.F32 ? 1e30 : 1e300;
        try (Matrix m = backend.allocate(t, 3, 2)) {
            backend.fill(m, big);
            Close.scalar(big * Math.sqrt(6), backend.norm(m), 1e-5, 0, t + " norm of large values");
        }
    }

    /** Small helpers local to this class. */
    private static final class Oracle2 {
        static HostMatrix absCombine(double a, HostMatrix x, HostMatrix y) {
            HostMatrix out = new HostMatrix(x.rows, x.cols);
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] = Math.abs(a * x.data[i]) + Math.abs(y.data[i]);
            }
            return out;
        }
    }
}
