package dev.unroll.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Elementwise kernels and reductions on double matrices, vectorized along each column (or along the whole
 * matrix when it is packed) with scalar tails. Reductions return double: each column's (or run's) partial
 * sum is kept in double lanes and added into a double. Generated from {@code ElementwiseF32} by tools/gen-f64.sh.
 */
final class ElementwiseF64 {
    private static final VectorSpecies<Double> S = Species.F64;
    private static final int V = S.length();
    /** Columns whose row sums stay in double before they are added into double. */
    private static final int SIGN_SUM_BLOCK = 64;

    private ElementwiseF64() {
    }

    // ------------------------------------------------------------------ transfers

    static void upload(double[] src, Mat dst) {
        double[] d = dst.d();
        for (int j = 0; j < dst.cols(); j++) {
            System.arraycopy(src, j * dst.rows(), d, dst.off() + j * dst.ld(), dst.rows());
        }
    }

    static void download(Mat src, double[] dst) {
        double[] s = src.d();
        for (int j = 0; j < src.cols(); j++) {
            System.arraycopy(s, src.off() + j * src.ld(), dst, j * src.rows(), src.rows());
        }
    }

    static void upload(MemorySegment src, Mat dst) {
        double[] d = dst.d();
        long bytes = ValueLayout.JAVA_DOUBLE_UNALIGNED.byteSize();
        for (int j = 0; j < dst.cols(); j++) {
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) j * dst.rows() * bytes, d,
                    dst.off() + j * dst.ld(), dst.rows());
        }
    }

    static void download(Mat src, MemorySegment dst) {
        double[] s = src.d();
        long bytes = ValueLayout.JAVA_DOUBLE_UNALIGNED.byteSize();
        for (int j = 0; j < src.cols(); j++) {
            MemorySegment.copy(s, src.off() + j * src.ld(), dst, ValueLayout.JAVA_DOUBLE_UNALIGNED,
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

    static void fill(Mat x, double value) {
        double[] a = x.d();
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            java.util.Arrays.fill(a, base, base + runLength(x), value);
        }
    }

    static void scale(double s, Mat x) {
        double[] a = x.d();
        int len = runLength(x);
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            int i = 0;
            for (; i + V <= len; i += V) {
                DoubleVector.fromArray(S, a, base + i).mul(s).intoArray(a, base + i);
            }
            for (; i < len; i++) {
                a[base + i] *= s;
            }
        }
    }

    /** y ← s·x + y. */
    static void axpy(double s, Mat x, Mat y) {
        double[] xa = x.d();
        double[] ya = y.d();
        boolean flat = x.packed() && y.packed();
        int runs = flat ? Math.min(1, x.cols()) : x.cols();
        int len = flat ? x.rows() * x.cols() : x.rows();
        DoubleVector sv = DoubleVector.broadcast(S, s);
        for (int r = 0; r < runs; r++) {
            int xb = x.off() + r * x.ld();
            int yb = y.off() + r * y.ld();
            int i = 0;
            for (; i + V <= len; i += V) {
                DoubleVector.fromArray(S, xa, xb + i).fma(sv, DoubleVector.fromArray(S, ya, yb + i)).intoArray(ya, yb + i);
            }
            for (; i < len; i++) {
                ya[yb + i] = Math.fma(s, xa[xb + i], ya[yb + i]);
            }
        }
    }

    static void copy(Mat src, Mat dst) {
        double[] s = src.d();
        double[] d = dst.d();
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
        double[] s = src.d();
        double[] d = dst.d();
        for (int j = 0; j < src.cols(); j++) {
            int sb = src.off() + j * src.ld();
            int db = dst.off() + j;
            for (int i = 0; i < src.rows(); i++) {
                d[db + i * dst.ld()] = s[sb + i];
            }
        }
    }

    static double sum(Mat x) {
        double[] a = x.d();
        int len = runLength(x);
        double total = 0;
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            for (int i0 = 0; i0 < len; i0 += 4096) {
                int end = Math.min(len, i0 + 4096);
                DoubleVector s = DoubleVector.zero(S);
                int i = i0;
                for (; i + V <= end; i += V) {
                    s = s.add(DoubleVector.fromArray(S, a, base + i));
                }
                double t = GemmF64.sumLanes(s);
                for (; i < end; i++) {
                    t += a[base + i];
                }
                total += t;
            }
        }
        return total;
    }

    static double dot(Mat x, Mat y) {
        double[] xa = x.d();
        double[] ya = y.d();
        boolean flat = x.packed() && y.packed();
        int runs = flat ? Math.min(1, x.cols()) : x.cols();
        int len = flat ? x.rows() * x.cols() : x.rows();
        double total = 0;
        for (int r = 0; r < runs; r++) {
            int xb = x.off() + r * x.ld();
            int yb = y.off() + r * y.ld();
            for (int i0 = 0; i0 < len; i0 += 4096) {
                int n = Math.min(len, i0 + 4096) - i0;
                total += GemmF64.dot(n, xa, xb + i0, ya, yb + i0);
            }
        }
        return total;
    }

    static double maxAbs(Mat x) {
        double[] a = x.d();
        int len = runLength(x);
        double best = 0;
        for (int r = 0; r < runs(x); r++) {
            int base = x.off() + r * x.ld();
            DoubleVector s = DoubleVector.zero(S);
            int i = 0;
            for (; i + V <= len; i += V) {
                s = s.max(DoubleVector.fromArray(S, a, base + i).abs());
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
        double[] a = x.d();
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
     * split into a head and a tail in double so |u| − τ rounds once as in double, and the mask compares against
     * the largest double not above τ, which decides |u| > τ exactly.
     */
    static void softThreshold(Mat u, double[] tau, Mat out, Mat mask) {
        int m = u.rows();
        double[] hi = Scratch.doubles(Scratch.SOFT_THRESHOLD_HI, m);
        double[] lo = Scratch.doubles(Scratch.SOFT_THRESHOLD_LO, m);
        double[] cmp = Scratch.doubles(Scratch.SOFT_THRESHOLD_CMP, m);
        for (int i = 0; i < m; i++) {
            double t = tau[i];
            hi[i] = t;
            lo[i] = (t - hi[i]);
            cmp[i] = hi[i] > t ? Math.nextDown(hi[i]) : hi[i];
        }
        double[] ua = u.d();
        double[] oa = out.d();
        double[] ma = mask == null ? null : mask.d();
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        for (int j = 0; j < u.cols(); j++) {
            int ub = u.off() + j * u.ld();
            int ob = out.off() + j * out.ld();
            int mb = mask == null ? 0 : mask.off() + j * mask.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                DoubleVector x = DoubleVector.fromArray(S, ua, ub + i);
                DoubleVector ax = x.abs();
                VectorMask<Double> keep = ax.compare(VectorOperators.GT, DoubleVector.fromArray(S, cmp, i));
                DoubleVector mag = ax.sub(DoubleVector.fromArray(S, hi, i)).sub(DoubleVector.fromArray(S, lo, i)).max(zero);
                DoubleVector r = mag.blend(mag.neg(), x.compare(VectorOperators.LT, zero))
                        .blend(zero, x.compare(VectorOperators.EQ, zero).or(keep.not()));
                r.intoArray(oa, ob + i);
                if (ma != null) {
                    zero.blend(one, keep).intoArray(ma, mb + i);
                }
            }
            for (; i < m; i++) {
                double x = ua[ub + i];
                double ax = Math.abs(x);
                boolean keep = ax > cmp[i];
                double mag = Math.max(ax - hi[i] - lo[i], 0d);
                oa[ob + i] = !keep || x == 0 ? 0d : (x < 0 ? -mag : mag);
                if (ma != null) {
                    ma[mb + i] = keep ? 1d : 0d;
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
        // |u| > τ decided in double exactly as in double: compare with the largest double not above τ.
        double[] cmp = Scratch.doubles(Scratch.MASK_CMP, m);
        for (int i = 0; i < m; i++) {
            double hi = tau[i];
            cmp[i] = hi > tau[i] ? Math.nextDown(hi) : hi;
        }
        // Row sums run in double lanes for a block of columns, then go into the double sums.
        double[] partial = Scratch.doubles(Scratch.MASK_PARTIAL, m);
        java.util.Arrays.fill(partial, 0, m, 0d);
        double[] ua = u.d();
        double[] ga = g.d();
        double[] oa = ubar.d();
        DoubleVector zero = DoubleVector.zero(S);
        for (int j = j0; j < j1; j++) {
            int ub = u.off() + j * u.ld();
            int gb = g.off() + j * g.ld();
            int ob = ubar.off() + j * ubar.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                DoubleVector x = DoubleVector.fromArray(S, ua, ub + i);
                DoubleVector kept = zero.blend(DoubleVector.fromArray(S, ga, gb + i),
                        x.abs().compare(VectorOperators.GT, DoubleVector.fromArray(S, cmp, i)));
                kept.intoArray(oa, ob + i);
                DoubleVector signed = zero.blend(kept, x.compare(VectorOperators.GT, 0d))
                        .sub(zero.blend(kept, x.compare(VectorOperators.LT, 0d)));
                DoubleVector.fromArray(S, partial, i).add(signed).intoArray(partial, i);
            }
            for (; i < m; i++) {
                double x = ua[ub + i];
                double v = Math.abs(x) > cmp[i] ? ga[gb + i] : 0d;
                oa[ob + i] = v;
                partial[i] += x > 0 ? v : x < 0 ? -v : 0d;
            }
            if ((j - j0 + 1) % SIGN_SUM_BLOCK == 0 || j == j1 - 1) {
                for (int r = 0; r < m; r++) {
                    rowSignSums[r] += partial[r];
                    partial[r] = 0d;
                }
            }
        }
    }

    // ------------------------------------------------------------------ losses

    /** out[from + j] = Σ_i x_ij² (double). */
    static void columnSumSquares(Mat x, double[] out, int from) {
        double[] a = x.d();
        for (int j = 0; j < x.cols(); j++) {
            int base = x.off() + j * x.ld();
            out[from + j] = GemmF64.dot(x.rows(), a, base, a, base);
        }
    }

    /** out[from + j] = Σ_i |x_ij| (double). */
    static void columnL1(Mat x, double[] out, int from) {
        double[] a = x.d();
        int m = x.rows();
        for (int j = 0; j < x.cols(); j++) {
            int base = x.off() + j * x.ld();
            DoubleVector s = DoubleVector.zero(S);
            int i = 0;
            for (; i + V <= m; i += V) {
                s = s.add(DoubleVector.fromArray(S, a, base + i).abs());
            }
            double t = GemmF64.sumLanes(s);
            for (; i < m; i++) {
                t += Math.abs(a[base + i]);
            }
            out[from + j] = t;
        }
    }

    /** out = s·sign(z), sign(0) = 0. */
    static void signScaled(Mat z, double s, Mat out) {
        double[] za = z.d();
        double[] oa = out.d();
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector pos = DoubleVector.broadcast(S, s);
        DoubleVector neg = DoubleVector.broadcast(S, -s);
        int m = z.rows();
        for (int j = 0; j < z.cols(); j++) {
            int zb = z.off() + j * z.ld();
            int ob = out.off() + j * out.ld();
            int i = 0;
            for (; i + V <= m; i += V) {
                DoubleVector x = DoubleVector.fromArray(S, za, zb + i);
                zero.blend(pos, x.compare(VectorOperators.GT, zero)).blend(neg, x.compare(VectorOperators.LT, zero))
                        .intoArray(oa, ob + i);
            }
            for (; i < m; i++) {
                double x = za[zb + i];
                oa[ob + i] = x > 0 ? s : (x < 0 ? -s : 0d);
            }
        }
    }

    // ------------------------------------------------------------------ optimizer

    /** One Adam step, PyTorch's form, in the matrix's precision, over columns [j0, j1). */
    static void adam(Mat p, Mat g, Mat mm, Mat vv, double lr, double beta1, double beta2, double eps, long step,
                     int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            adamRun(p.d(), p.off() + j * p.ld(), g.d(), g.off() + j * g.ld(), mm.d(), mm.off() + j * mm.ld(), vv.d(),
                    vv.off() + j * vv.ld(), p.rows(), lr, beta1, beta2, eps, step);
        }
    }

    /**
     * One Adam step over {@code len} consecutive elements of p, g, m and v from the given offsets. The vector
     * body and the scalar tail round the same operations in the same order (no fused multiply-add), so an
     * element's new value does not depend on where a run starts: a set may be cut anywhere among threads.
     *
     * <p>Moments below the smallest normal double are stored as zero. A parameter whose gradient stays zero
     * (an atom no sample uses) has its first moment shrink by β₁ every step, into subnormal numbers after
     * some 700 steps, and arithmetic on subnormals takes a slow path here: a 20-layer LISTA step at batch 16
     * went from 1.2 to 8.7 ms of Adam once it got there. Flushing changes an update by less than
     * lr·10⁻³⁸/ε (PyTorch's {@code torch.set_flush_denormal(True)} does the same).
     */
    static void adamRun(double[] pa, int pb, double[] ga, int gb, double[] ma, int mb, double[] va, int vb, int len,
                        double lr, double beta1, double beta2, double eps, long step) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double b1 = beta1;
        double c1 = (1 - beta1);
        double b2 = beta2;
        double c2 = (1 - beta2);
        double stepSize = (lr / bias1);
        double invSqrtBias2 = (1 / Math.sqrt(bias2));
        double e = eps;
        int i = 0;
        for (; i + V <= len; i += V) {
            DoubleVector gv = DoubleVector.fromArray(S, ga, gb + i);
            DoubleVector mv = flushSubnormal(DoubleVector.fromArray(S, ma, mb + i).mul(b1).add(gv.mul(c1)));
            DoubleVector v2 = flushSubnormal(DoubleVector.fromArray(S, va, vb + i).mul(b2).add(gv.mul(gv).mul(c2)));
            mv.intoArray(ma, mb + i);
            v2.intoArray(va, vb + i);
            DoubleVector denom = v2.sqrt().mul(invSqrtBias2).add(e);
            DoubleVector.fromArray(S, pa, pb + i).sub(mv.mul(stepSize).div(denom)).intoArray(pa, pb + i);
        }
        for (; i < len; i++) {
            double gv = ga[gb + i];
            double mv = flushSubnormal(ma[mb + i] * b1 + gv * c1);
            double v2 = flushSubnormal(va[vb + i] * b2 + gv * gv * c2);
            ma[mb + i] = mv;
            va[vb + i] = v2;
            pa[pb + i] -= mv * stepSize / (Math.sqrt(v2) * invSqrtBias2 + e);
        }
    }

    /** x with every lane of magnitude below the smallest normal double set to +0 (see {@link #adamRun}). */
    private static DoubleVector flushSubnormal(DoubleVector x) {
        return x.blend(0d, x.abs().compare(VectorOperators.LT, Double.MIN_NORMAL));
    }

    /** x, or +0 where its magnitude is below the smallest normal double. */
    private static double flushSubnormal(double x) {
        return Math.abs(x) < Double.MIN_NORMAL ? 0d : x;
    }
}
