package dev.unroll.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.unroll.bench.Workload;
import dev.unroll.engine.DType;

/**
 * The benchmarks' operations written the way a Java user would write them on OpenBLAS: column-major data in
 * native segments (one shared arena per workload, freed by close), one CBLAS call per product and a plain
 * Java loop for the soft-threshold.
 */
final class OpenBlasPeer {
    private OpenBlasPeer() {
    }

    /** {@code C = A·B}, A m×k, B k×batch; batch 1 calls GEMV, as a BLAS user would. */
    static Workload gemm(OpenBlas blas, DType dtype, int m, int k, int batch, double[] a, double[] b) {
        Arena arena = Arena.ofShared();
        MemorySegment sa = segment(arena, dtype, a);
        MemorySegment sb = segment(arena, dtype, b);
        MemorySegment sc = segment(arena, dtype, new double[m * batch]);
        if (dtype == DType.F32) {
            return batch == 1
                    ? Workload.of(() -> { blas.sgemv(m, k, 1f, sa, m, sb, 0f, sc); return sc; }, arena)
                    : Workload.of(() -> { blas.sgemm(false, m, batch, k, 1f, sa, m, sb, k, 0f, sc, m); return sc; },
                    arena);
        }
        return batch == 1
                ? Workload.of(() -> { blas.dgemv(m, k, 1, sa, m, sb, 0, sc); return sc; }, arena)
                : Workload.of(() -> { blas.dgemm(false, m, batch, k, 1, sa, m, sb, k, 0, sc, m); return sc; }, arena);
    }

    /**
     * One ISTA iteration on a batch, in place on Z: R = D·Z − X, U = Z − step·DᵀR, Z = ST(U, threshold).
     * D is n×m, X n×batch, Z m×batch (starting at 0), column-major.
     */
    static Workload ista(OpenBlas blas, DType dtype, int n, int m, int batch, double[] d, double[] x, double step,
                         double threshold) {
        Arena arena = Arena.ofShared();
        MemorySegment sd = segment(arena, dtype, d);
        MemorySegment sx = segment(arena, dtype, x);
        MemorySegment sz = segment(arena, dtype, new double[m * batch]);
        MemorySegment sr = segment(arena, dtype, new double[n * batch]);
        MemorySegment su = segment(arena, dtype, new double[m * batch]);
        long codes = (long) m * batch;
        if (dtype == DType.F32) {
            float st = (float) step;
            float th = (float) threshold;
            return Workload.of(() -> {
                sr.copyFrom(sx);
                blas.sgemm(false, n, batch, m, 1f, sd, n, sz, m, -1f, sr, n);
                su.copyFrom(sz);
                blas.sgemm(true, m, batch, n, -st, sd, n, sr, n, 1f, su, m);
                for (long i = 0; i < codes; i++) {
                    float u = su.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    sz.setAtIndex(ValueLayout.JAVA_FLOAT, i, Math.signum(u) * Math.max(Math.abs(u) - th, 0f));
                }
                return sz;
            }, arena);
        }
        return Workload.of(() -> {
            sr.copyFrom(sx);
            blas.dgemm(false, n, batch, m, 1, sd, n, sz, m, -1, sr, n);
            su.copyFrom(sz);
            blas.dgemm(true, m, batch, n, -step, sd, n, sr, n, 1, su, m);
            for (long i = 0; i < codes; i++) {
                double u = su.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                sz.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Math.signum(u) * Math.max(Math.abs(u) - threshold, 0));
            }
            return sz;
        }, arena);
    }

    /** A 64-byte-aligned native copy of {@code values} in {@code dtype}. */
    private static MemorySegment segment(Arena arena, DType dtype, double[] values) {
        if (dtype == DType.F32) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT.byteSize() * Math.max(1, values.length), 64);
            for (int i = 0; i < values.length; i++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
            }
            return s;
        }
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE.byteSize() * Math.max(1, values.length), 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_DOUBLE, 0, values.length);
        return s;
    }
}
