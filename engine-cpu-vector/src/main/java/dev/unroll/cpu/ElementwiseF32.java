package dev.unroll.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Elementwise kernels and reductions on float matrices, vectorized along each column (or along the whole
 * matrix when it is packed) with scalar tails. Reductions return double: each column's (or run's) partial
 * sum is kept in float lanes and added into a double. Generated F64 twin: {@code ElementwiseF64}.
 */
final class ElementwiseF32 {
    private static final VectorSpecies<Float> S = Species.F32;
    private static final int V = S.length();
    /** Columns whose row sums stay in float before they are added into double. */
    private static final int SIGN_SUM_BLOCK = 64;

    private ElementwiseF32() {
    }

    // ------------------------------------------------------------------ transfers

    static void upload(float[] src, Mat dst) {
        float[] d = dst.f();
        for (int j = 0; j < dst.cols(); j++) {
            System.arraycopy(src, j * dst.rows(), d, dst.off() + j * dst.ld(), dst.rows());
        }
    }

    static void download(Mat src, float[] dst) {
        float[] s = src.f();
        for (int j = 0; j < src.cols(); j++) {
            System.arraycopy(s, src.off() + j * src.ld(), dst, j * src.rows(), src.rows());
        }
    }

    static void upload(MemorySegment src, Mat dst) {
        float[] d = dst.f();
        long bytes = ValueLayout.JAVA_FLOAT_UNALIGNED.byteSize();
        for (int j = 0; j < dst.cols(); j++) {
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) j * dst.rows() * bytes, d,
                    dst.off() + j * dst.ld(), dst.rows());
        }
    }

    static void download(Mat src, MemorySegment dst) {
        float[] s = src.f();
        long bytes = ValueLayout.JAVA_FLOAT_UNALIGNED.byteSize();
        for (int j = 0; j < src.cols(); j++) {
            MemorySegment.copy(s, src.off() + j * src.ld(), dst, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (long) j * src.rows() * bytes, src.rows());
        }
    }

    // ------------------------------------------------------------------ BLAS-1

    /** The number of contiguous runs of x (1 when packed, else one per column). */
    private static int runs(Mat x) {
        return x.packed() ? Math.min(1, x.cols()) : x.cols();
    }

    private static int runLength(Mat x) {
        return x.packed() ? x.rows() * x.cols() : x.rows();
    }

    static void fill(Mat x, float value) {
        float[] a = x.f();
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            java.util.Arrays.fill(a, base, base + runLength(x), value);
        }
    }

    static void scale(float s, Mat x) {
        float[] a = x.f();
        int len = runLength(x);
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            int i = 0;
            for (; i + V <= len; i += V) {
                FloatVector.fromArray(S, a, base + i).mul(s).intoArray(a, base + i);
            }
            for (; i < len; i++) {
                a[base + i] *= s;
            }
        }
    }

    /** y ← s·x + y. */
    static void axpy(float s, Mat x, Mat y) {
        float[] xa = x.f();
        float[] ya = y.f();
        boolean flat = x.packed() && y.packed();
        int runs = flat ? Math.min(1, x.cols()) : x.cols();
        int len = flat ? x.rows() * x.cols() : x.rows();
        FloatVector sv = FloatVector.broadcast(S, s);
        for (int r = 0; r < runs; r++) {
            int xb = x.off() + r * x.ld();
            int yb = y.off() + r * y.ld();
            int i = 0;
            for (; i + V <= len; i += V) {
                FloatVector.fromArray(S, xa, xb + i).fma(sv, FloatVector.fromArray(S, ya, yb + i)).intoArray(ya, yb + i);
            }
            for (; i < len; i++) {
                ya[yb + i] = Math.fma(s, xa[xb + i], ya[yb + i]);
            }
        }
    }

    static void copy(Mat src, Mat dst) {
        float[] s = src.f();
        float[] d = dst.f();
        if (src.packed() && dst.packed()) {
            System.arraycopy(s, src.off(), d, dst.off(), src.rows() * src.cols());
            return;
        }
        for (int j = 0; j < src.cols(); j++) {
            System.arraycopy(s, src.off() + j * src.ld(), d, dst.off() + j * dst.ld(), src.rows());
        }
    }

    /** dst ← srcᵀ. */
    static void transpose(Mat src, Mat dst) {
        float[] s = src.f();
        float[] d = dst.f();
        for (int j = 0; j < src.cols(); j++) {
            int sb = src.off() + j * src.ld();
            int db = dst.off() + j;
            for (int i = 0; i < src.rows(); i++) {
                d[db + i * dst.ld()] = s[sb + i];
            }
        }
    }

    static double sum(Mat x) {
        float[] a = x.f();
        int len = runLength(x);
        double total = 0;
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            for (int i0 = 0; i0 < len; i0 += 4096) {
                int end = Math.min(len, i0 + 4096);
                FloatVector s = FloatVector.zero(S);
                int i = i0;
                for (; i + V <= end; i += V) {
                    s = s.add(FloatVector.fromArray(S, a, base + i));
                }
                double t = GemmF32.sumLanes(s);
                for (; i < end; i++) {
                    t += a[base + i];
                }
                total += t;
            }
        }
        return total;
    }

    static double dot(Mat x, Mat y) {
        float[] xa = x.f();
        float[] ya = y.f();
        boolean flat = x.packed() && y.packed();
        int runs = flat ? Math.min(1, x.cols()) : x.cols();
        int len = flat ? x.rows() * x.cols() : x.rows();
        double total = 0;
        for (int r = 0; r < runs; r++) {
            int xb = x.off() + r * x.ld();
            int yb = y.off() + r * y.ld();
            for (int i0 = 0; i0 < len; i0 += 4096) {
                int n = Math.min(len, i0 + 4096) - i0;
                total += GemmF32.dot(n, xa, xb + i0, ya, yb + i0);
            }
        }
        return total;
    }

    static double maxAbs(Mat x) {
        float[] a = x.f();
        int len = runLength(x);
        float best = 0;
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            FloatVector s = FloatVector.zero(S);
            int i = 0;
            for (; i + V <= len; i += V) {
                s = s.max(FloatVector.fromArray(S, a, base + i).abs());
            }
            best = Math.max(best, s.reduceLanes(VectorOperators.MAX));
            for (; i < len; i++) {
                best = Math.max(best, Math.abs(a[base + i]));
            }
        }
        return best;
    }

    /** Frobenius norm, scaled by max |x| so that squares cannot overflow. */
    static double norm(Mat x) {
        double big = maxAbs(x);
        if (big == 0 || Double.isNaN(big)) {
            return big;
        }
        float[] a = x.f();
        int len = runLength(x);
        double inv = 1 / big;
        double total = 0;
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            for (int i = 0; i < len; i++) {
                double v = a[base + i] * inv;
                total += v * v;
            }
        }
        return big * Math.sqrt(total);
    }

    // ------------------------------------------------------------------ soft-threshold

    /**
     * out = sign(u)·max(|u| − τ_i, 0), mask = 1{|u| > τ_i}, with τ_i = scale·tau[i] (or scale). The threshold is
     * split into a head and a tail in float so |u| − τ rounds once as in double, and the mask compares against
     * the largest float not above τ, which decides |u| > τ exactly.
     */
    static void softThreshold(Mat u, double[] tau, Mat out, Mat mask) {
        int m = u.rows();
        float[] hi = Scratch.floats(Scratch.SOFT_THRESHOLD_HI, m);
        float[] lo = Scratch.floats(Scratch.SOFT_THRESHOLD_LO, m);
        float[] cmp = Scratch.floats(Scratch.SOFT_THRESHOLD_CMP, m);
        for (int i = 0; i < m; i++) {
            double t = tau[i];
            hi[i] = (float) t;
            lo[i] = (float) (t - hi[i]);
            cmp[i] = hi[i] > t ? Math.nextDown(hi[i]) : hi[i];
        }
        float[] ua = u.f();
        float[] oa = out.f();
        float[] ma = mask == null ? null : mask.f();
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        for (int j = 0; j < u.cols(); j++) {
            int ub = u.off() + j * u.ld();
            int ob = out.off() + j * out.ld();
            int mb = mask == null ? 0 : mask.off() + j * mask.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                FloatVector x = FloatVector.fromArray(S, ua, ub + i);
                FloatVector ax = x.abs();
                VectorMask<Float> keep = ax.compare(VectorOperators.GT, FloatVector.fromArray(S, cmp, i));
                FloatVector mag = ax.sub(FloatVector.fromArray(S, hi, i)).sub(FloatVector.fromArray(S, lo, i)).max(zero);
                FloatVector r = mag.blend(mag.neg(), x.compare(VectorOperators.LT, zero))
                        .blend(zero, x.compare(VectorOperators.EQ, zero).or(keep.not()));
                r.intoArray(oa, ob + i);
                if (ma != null) {
                    zero.blend(one, keep).intoArray(ma, mb + i);
                }
            }
            for (; i < m; i++) {
                float x = ua[ub + i];
                float ax = Math.abs(x);
                boolean keep = ax > cmp[i];
                float mag = Math.max(ax - hi[i] - lo[i], 0f);
                oa[ob + i] = !keep || x == 0 ? 0f : (x < 0 ? -mag : mag);
                if (ma != null) {
                    ma[mb + i] = keep ? 1f : 0f;
                }
            }
        }
    }

    /**
     * The backward of the soft-threshold for one layer over columns [j0, j1): ubar = 1{|u| > τ_i}·g; adds
     * Σ_b sign(u)·ubar of each row into {@code rowSignSums} (double), its row sums blocked from j0 as if those
     * columns were a matrix of their own (a split's chunk allocates no view).
     */
    static void maskedGradient(Mat u, double[] tau, Mat g, Mat ubar, double[] rowSignSums, int j0, int j1) {
        int m = u.rows();
        // |u| > τ decided in float exactly as in double: compare with the largest float not above τ.
        float[] cmp = Scratch.floats(Scratch.MASK_CMP, m);
        for (int i = 0; i < m; i++) {
            float hi = (float) tau[i];
            cmp[i] = hi > tau[i] ? Math.nextDown(hi) : hi;
        }
        // Row sums run in float lanes for a block of columns, then go into the double sums.
        float[] partial = Scratch.floats(Scratch.MASK_PARTIAL, m);
        java.util.Arrays.fill(partial, 0, m, 0f);
        float[] ua = u.f();
        float[] ga = g.f();
        float[] oa = ubar.f();
        FloatVector zero = FloatVector.zero(S);
        for (int j = j0; j < j1; j++) {
            int ub = u.off() + j * u.ld();
            int gb = g.off() + j * g.ld();
            int ob = ubar.off() + j * ubar.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                FloatVector x = FloatVector.fromArray(S, ua, ub + i);
                FloatVector kept = zero.blend(FloatVector.fromArray(S, ga, gb + i),
                        x.abs().compare(VectorOperators.GT, FloatVector.fromArray(S, cmp, i)));
                kept.intoArray(oa, ob + i);
                FloatVector signed = zero.blend(kept, x.compare(VectorOperators.GT, 0f))
                        .sub(zero.blend(kept, x.compare(VectorOperators.LT, 0f)));
                FloatVector.fromArray(S, partial, i).add(signed).intoArray(partial, i);
            }
            for (; i < m; i++) {
                float x = ua[ub + i];
                float v = Math.abs(x) > cmp[i] ? ga[gb + i] : 0f;
                oa[ob + i] = v;
                partial[i] += x > 0 ? v : x < 0 ? -v : 0f;
            }
            if ((j - j0 + 1) % SIGN_SUM_BLOCK == 0 || j == j1 - 1) {
                for (int r = 0; r < m; r++) {
                    rowSignSums[r] += partial[r];
                    partial[r] = 0f;
                }
            }
        }
    }

    // ------------------------------------------------------------------ losses

    /** out[from + j] = Σ_i x_ij² (double). */
    static void columnSumSquares(Mat x, double[] out, int from) {
        float[] a = x.f();
        for (int j = 0; j < x.cols(); j++) {
            int base = x.off() + j * x.ld();
            out[from + j] = GemmF32.dot(x.rows(), a, base, a, base);
        }
    }

    /** out[from + j] = Σ_i |x_ij| (double). */
    static void columnL1(Mat x, double[] out, int from) {
        float[] a = x.f();
        int m = x.rows();
        for (int j = 0; j < x.cols(); j++) {
            int base = x.off() + j * x.ld();
            FloatVector s = FloatVector.zero(S);
            int i = 0;
            for (; i + V <= m; i += V) {
                s = s.add(FloatVector.fromArray(S, a, base + i).abs());
            }
            double t = GemmF32.sumLanes(s);
            for (; i < m; i++) {
                t += Math.abs(a[base + i]);
            }
            out[from + j] = t;
        }
    }

    /** out = s·sign(z), sign(0) = 0. */
    static void signScaled(Mat z, float s, Mat out) {
        float[] za = z.f();
        float[] oa = out.f();
        FloatVector zero = FloatVector.zero(S);
        FloatVector pos = FloatVector.broadcast(S, s);
        FloatVector neg = FloatVector.broadcast(S, -s);
        int m = z.rows();
        for (int j = 0; j < z.cols(); j++) {
            int zb = z.off() + j * z.ld();
            int ob = out.off() + j * out.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                FloatVector x = FloatVector.fromArray(S, za, zb + i);
                zero.blend(pos, x.compare(VectorOperators.GT, zero)).blend(neg, x.compare(VectorOperators.LT, zero))
                        .intoArray(oa, ob + i);
            }
            for (; i < m; i++) {
                float x = za[zb + i];
                oa[ob + i] = x > 0 ? s : (x < 0 ? -s : 0f);
            }
        }
    }

    // ------------------------------------------------------------------ optimizer

    /** One Adam step, PyTorch's form, in the matrix's precision, over columns [j0, j1). */
    static void adam(Mat p, Mat g, Mat mm, Mat vv, double lr, double beta1, double beta2, double eps, long step,
                     int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            adamRun(p.f(), p.off() + j * p.ld(), g.f(), g.off() + j * g.ld(), mm.f(), mm.off() + j * mm.ld(), vv.f(),
                    vv.off() + j * vv.ld(), p.rows(), lr, beta1, beta2, eps, step);
        }
    }

    /**
     * One Adam step over {@code len} consecutive elements of p, g, m and v from the given offsets. The vector
     * body and the scalar tail round the same operations in the same order (no fused multiply-add), so an
     * element's new value does not depend on where a run starts: a set may be cut anywhere among threads.
     *
     * <p>Moments below the smallest normal float are stored as zero. A parameter whose gradient stays zero
     * (an atom no sample uses) has its first moment shrink by β₁ every step, into subnormal numbers after
     * some 700 steps, and arithmetic on subnormals takes a slow path here: a 20-layer LISTA step at batch 16
     * went from 1.2 to 8.7 ms of Adam once it got there. Flushing changes an update by less than
     * lr·10⁻³⁸/ε (PyTorch's {@code torch.set_flush_denormal(True)} does the same).
     */
    static void adamRun(float[] pa, int pb, float[] ga, int gb, float[] ma, int mb, float[] va, int vb, int len,
                        double lr, double beta1, double beta2, double eps, long step) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        float b1 = (float) beta1;
        float c1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1 - beta2);
        float stepSize = (float) (lr / bias1);
        float invSqrtBias2 = (float) (1 / Math.sqrt(bias2));
        float e = (float) eps;
        int i = 0;
        for (; i + V <= len; i += V) {
            FloatVector gv = FloatVector.fromArray(S, ga, gb + i);
            FloatVector mv = flushSubnormal(FloatVector.fromArray(S, ma, mb + i).mul(b1).add(gv.mul(c1)));
            FloatVector v2 = flushSubnormal(FloatVector.fromArray(S, va, vb + i).mul(b2).add(gv.mul(gv).mul(c2)));
            mv.intoArray(ma, mb + i);
            v2.intoArray(va, vb + i);
            FloatVector denom = v2.sqrt().mul(invSqrtBias2).add(e);
            FloatVector.fromArray(S, pa, pb + i).sub(mv.mul(stepSize).div(denom)).intoArray(pa, pb + i);
        }
        for (; i < len; i++) {
            float gv = ga[gb + i];
            float mv = flushSubnormal(ma[mb + i] * b1 + gv * c1);
            float v2 = flushSubnormal(va[vb + i] * b2 + gv * gv * c2);
            ma[mb + i] = mv;
            va[vb + i] = v2;
            pa[pb + i] -= mv * stepSize / ((float) Math.sqrt(v2) * invSqrtBias2 + e);
        }
    }

    /** x with every lane of magnitude below the smallest normal float set to +0 (see {@link #adamRun}). */
    private static FloatVector flushSubnormal(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }

    /** x, or +0 where its magnitude is below the smallest normal float. */
    private static float flushSubnormal(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
