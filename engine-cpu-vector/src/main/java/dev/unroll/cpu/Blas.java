package dev.unroll.cpu;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

import java.util.List;

/**
 * The vectorized kernels over {@link Mat}s, dispatched on the precision: {@link GemmF32}/{@link GemmF64} for
 * products and {@link ElementwiseF32}/{@link ElementwiseF64} for the rest. The unrolled passes and the
 * losses are written against this class only, once for both precisions.
 */
final class Blas {
    /** Work of one Adam element in multiply-add equivalents (a square root and a division), for the split. */
    private static final int ADAM_COST = 8;
    /** Elements per part of a parameter set's Adam step: a whole number of vectors at every width. */
    private static final int ADAM_GRAIN = 64;

    /** Per-thread partial row sums of a split {@link #maskedGradient}, reused from call to call. */
    private static final ThreadLocal<double[][]> PARTIAL_SUMS = ThreadLocal.withInitial(() -> new double[0][0]);

    /** The calling thread's reusable split arguments. */
    private static final ThreadLocal<Splits> SPLITS = ThreadLocal.withInitial(Splits::new);

    private final Workers workers;

    Blas(Workers workers) {
        this.workers = workers;
    }

    /** C ← α·op(A)·op(B) + β·C (β = 0: C is not read). */
    void gemm(boolean ta, boolean tb, double alpha, Mat a, Mat b, double beta, Mat c) {
        int k = ta ? a.rows() : a.cols();
        if (c.dtype() == DType.F32) {
            GemmF32.gemm(workers, ta, tb, c.rows(), c.cols(), k, (float) alpha, a.f(), a.off(), a.ld(), b.f(), b.off(),
                    b.ld(), (float) beta, c.f(), c.off(), c.ld());
        } else {
            GemmF64.gemm(workers, ta, tb, c.rows(), c.cols(), k, alpha, a.d(), a.off(), a.ld(), b.d(), b.off(), b.ld(),
                    beta, c.d(), c.off(), c.ld());
        }
    }

    /**
     * As {@link #gemm} on the calling thread alone, for an A that stays the same over many calls of one pass
     * ({@code pass}, a number no other pass uses): op(A) is laid out once per thread and pass and reused from
     * {@link PackCache}. A must not change during the pass.
     */
    void gemmReusingA(long pass, boolean ta, boolean tb, double alpha, Mat a, Mat b, double beta, Mat c) {
        if (c.dtype() == DType.F32) {
            GemmF32.PackedOperand op = PackCache.local().f32(pass, ta, a);
            GemmF32.gemmPacked(op, tb, c.cols(), (float) alpha, b.f(), b.off(), b.ld(), (float) beta, c.f(), c.off(),
                    c.ld());
        } else {
            GemmF64.PackedOperand op = PackCache.local().f64(pass, ta, a);
            GemmF64.gemmPacked(op, tb, c.cols(), alpha, b.d(), b.off(), b.ld(), beta, c.d(), c.off(), c.ld());
        }
    }

    /** y_k ← α·op(A_k)·x_k + β·y_k for every column k of x, A_k the k-th block of columns of A. */
    void gemvStridedBatched(boolean ta, double alpha, Mat a, Mat x, double beta, Mat y) {
        int batch = x.cols();
        if (batch == 0) {
            return;
        }
        long work = (long) y.rows() * x.rows() * batch;
        if (!workers.splits(batch, 1, work)) {
            gemvColumns(ta, alpha, a, x, beta, y, 0, batch);
            return;
        }
        Splits.GemvRange split = SPLITS.get().gemv.set(ta, alpha, a, x, beta, y);
        workers.forRangeAndClear(batch, 1, work, split);
    }

    /** Products [from, to) of {@link #gemvStridedBatched}. */
    private static void gemvColumns(boolean ta, double alpha, Mat a, Mat x, double beta, Mat y, int from, int to) {
        int each = a.cols() / x.cols();
        int outLen = y.rows();
        int inLen = x.rows();
        boolean f32 = y.dtype() == DType.F32;
        for (int kk = from; kk < to; kk++) {
            int aOff = a.off() + kk * each * a.ld();
            int xOff = x.off() + kk * x.ld();
            int yOff = y.off() + kk * y.ld();
            if (f32) {
                GemmF32.range(ta, false, outLen, inLen, (float) alpha, a.f(), aOff, a.ld(), null, x.f(), xOff, x.ld(),
                        (float) beta, y.f(), yOff, y.ld(), 0, 1);
            } else {
                GemmF64.range(ta, false, outLen, inLen, alpha, a.d(), aOff, a.ld(), null, x.d(), xOff, x.ld(), beta,
                        y.d(), yOff, y.ld(), 0, 1);
            }
        }
    }

    void softThreshold(Mat u, double[] tau, Mat out, Mat mask) {
        if (u.dtype() == DType.F32) {
            ElementwiseF32.softThreshold(u, tau, out, mask);
        } else {
            ElementwiseF64.softThreshold(u, tau, out, mask);
        }
    }

    /**
     * ubar = 1{|u| > τ}·g and the row sums of sign(u)·ubar, columns split over the workers. Each part's sums
     * are added in column order afterwards, so the result does not depend on which thread finished first
     * (a seeded training run repeats exactly).
     */
    void maskedGradient(Mat u, double[] tau, Mat g, Mat ubar, double[] rowSignSums) {
        long work = (long) u.rows() * u.cols() * 4;
        if (!workers.splits(u.cols(), 1, work)) {
            maskedColumns(u, tau, g, ubar, rowSignSums, 0, u.cols());
            return;
        }
        // One partial sum per chunk, added in chunk order afterwards; the chunks are
        // fixed by the column count, so the sum never depends on which thread ran which chunk.
        int chunk = workers.chunkSize(u.cols(), 1);
        int chunks = (u.cols() + chunk - 1) / chunk;
        double[][] parts = partialSums(chunks, rowSignSums.length);
        for (int c = 0; c < chunks; c++) {
            // All zeroed first: a split that runs on the caller alone (pool busy) fills only the first.
            java.util.Arrays.fill(parts[c], 0, rowSignSums.length, 0);
        }
        Splits.MaskedRange split = SPLITS.get().masked.set(u, tau, g, ubar, parts, chunk);
        workers.forRangeAndClear(u.cols(), 1, work, split);
        for (int c = 0; c < chunks; c++) {
            double[] part = parts[c];
            for (int i = 0; i < rowSignSums.length; i++) {
                rowSignSums[i] += part[i];
            }
        }
    }

    /** The calling thread's per-chunk partial sums, at least {@code chunks} arrays of {@code length}. */
    private static double[][] partialSums(int chunks, int length) {
        double[][] parts = PARTIAL_SUMS.get();
        if (parts.length < chunks || parts[0].length < length) {
            parts = new double[Math.max(chunks, parts.length)][Math.max(length, parts.length == 0 ? 0 : parts[0].length)];
            PARTIAL_SUMS.set(parts);
        }
        return parts;
    }

    private static void maskedColumns(Mat u, double[] tau, Mat g, Mat ubar, double[] rowSignSums, int j0, int j1) {
        if (u.dtype() == DType.F32) {
            ElementwiseF32.maskedGradient(u, tau, g, ubar, rowSignSums, j0, j1);
        } else {
            ElementwiseF64.maskedGradient(u, tau, g, ubar, rowSignSums, j0, j1);
        }
    }

    void fill(Mat x, double v) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.fill(x, (float) v);
        } else {
            ElementwiseF64.fill(x, v);
        }
    }

    void scale(double s, Mat x) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.scale((float) s, x);
        } else {
            ElementwiseF64.scale(s, x);
        }
    }

    void axpy(double s, Mat x, Mat y) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.axpy((float) s, x, y);
        } else {
            ElementwiseF64.axpy(s, x, y);
        }
    }

    void copy(Mat src, Mat dst) {
        if (src.dtype() == DType.F32) {
            ElementwiseF32.copy(src, dst);
        } else {
            ElementwiseF64.copy(src, dst);
        }
    }

    /** dst ← srcᵀ. */
    void transpose(Mat src, Mat dst) {
        if (src.dtype() == DType.F32) {
            ElementwiseF32.transpose(src, dst);
        } else {
            ElementwiseF64.transpose(src, dst);
        }
    }

    double sum(Mat x) {
        return x.dtype() == DType.F32 ? ElementwiseF32.sum(x) : ElementwiseF64.sum(x);
    }

    double dot(Mat x, Mat y) {
        return x.dtype() == DType.F32 ? ElementwiseF32.dot(x, y) : ElementwiseF64.dot(x, y);
    }

    double maxAbs(Mat x) {
        return x.dtype() == DType.F32 ? ElementwiseF32.maxAbs(x) : ElementwiseF64.maxAbs(x);
    }

    double norm(Mat x) {
        return x.dtype() == DType.F32 ? ElementwiseF32.norm(x) : ElementwiseF64.norm(x);
    }

    /** Per-column sums of {@code x} into out[from..from + x.cols()). */
    void columnSumSquares(Mat x, double[] out, int from) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.columnSumSquares(x, out, from);
        } else {
            ElementwiseF64.columnSumSquares(x, out, from);
        }
    }

    /** Per-column sums of {@code x} into out[from..from + x.cols()). */
    void columnL1(Mat x, double[] out, int from) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.columnL1(x, out, from);
        } else {
            ElementwiseF64.columnL1(x, out, from);
        }
    }

    void signScaled(Mat z, double s, Mat out) {
        if (z.dtype() == DType.F32) {
            ElementwiseF32.signScaled(z, (float) s, out);
        } else {
            ElementwiseF64.signScaled(z, s, out);
        }
    }

    /**
     * One Adam step, columns split over the workers: it streams four arrays through memory (a 20-layer LISTA
     * has 1.6 M parameters), which one core alone cannot do at the machine's bandwidth.
     */
    void adam(Mat p, Mat g, Mat m, Mat v, double lr, double beta1, double beta2, double eps, long step) {
        long work = (long) p.rows() * p.cols() * ADAM_COST;
        if (!workers.splits(p.cols(), 1, work)) {
            adamColumns(p, g, m, v, lr, beta1, beta2, eps, step, 0, p.cols());
            return;
        }
        Splits.AdamColumns split = SPLITS.get().adamColumns.set(p, g, m, v, lr, beta1, beta2, eps, step);
        workers.forRangeAndClear(p.cols(), 1, work, split);
    }

    /**
     * One Adam step over a whole parameter set, its matrices taken as one run of elements cut into one
     * contiguous part per worker. A 20-layer LISTA has 60 parameter matrices: one split per matrix paid a
     * fork and a join each and left the smaller ones (W_x, θ: a fifth of the elements) to one core. Matrices
     * that are not packed (views with a gap between columns) go one by one through {@link #adam}.
     */
    void adamAll(List<Matrix> p, List<Matrix> g, List<Matrix> m, List<Matrix> v, double lr, double beta1, double beta2,
                 double eps, long step) {
        long total = 0;
        boolean packed = true;
        for (int i = 0; i < p.size(); i++) {
            total += p.get(i).size();
            packed &= packed(p.get(i)) && packed(g.get(i)) && packed(m.get(i)) && packed(v.get(i));
        }
        if (!packed || total > Integer.MAX_VALUE - ADAM_GRAIN) {
            for (int i = 0; i < p.size(); i++) {
                adam(Mat.of(p.get(i)), Mat.of(g.get(i)), Mat.of(m.get(i)), Mat.of(v.get(i)), lr, beta1, beta2, eps, step);
            }
            return;
        }
        int n = (int) total;
        long work = total * ADAM_COST;
        if (!workers.splits(n, ADAM_GRAIN, work)) {
            adamElements(p, g, m, v, 0, n, lr, beta1, beta2, eps, step);
            return;
        }
        Splits.AdamElements split = SPLITS.get().adamElements.set(p, g, m, v, lr, beta1, beta2, eps, step);
        workers.forRangeAndClear(n, ADAM_GRAIN, work, split);
    }

    private static boolean packed(Matrix x) {
        return x.ld() == x.rows() || x.cols() <= 1;
    }

    /** Elements [from, to) of the set, counted through its matrices in order. */
    private static void adamElements(List<Matrix> p, List<Matrix> g, List<Matrix> m, List<Matrix> v, int from, int to,
                                     double lr, double beta1, double beta2, double eps, long step) {
        int start = 0;
        for (int i = 0; i < p.size() && start < to; i++) {
            Matrix pi = p.get(i);
            int len = (int) pi.size();
            int s = Math.max(from, start);
            int e = Math.min(to, start + len);
            if (s < e) {
                adamRun(pi, g.get(i), m.get(i), v.get(i), s - start, e - s, lr, beta1, beta2, eps, step);
            }
            start += len;
        }
    }

    private static void adamRun(Matrix p, Matrix g, Matrix m, Matrix v, int first, int len, double lr, double beta1,
                                double beta2, double eps, long step) {
        if (p.dtype() == DType.F32) {
            ElementwiseF32.adamRun(f32(p), offset(p) + first, f32(g), offset(g) + first, f32(m), offset(m) + first,
                    f32(v), offset(v) + first, len, lr, beta1, beta2, eps, step);
        } else {
            ElementwiseF64.adamRun(f64(p), offset(p) + first, f64(g), offset(g) + first, f64(m), offset(m) + first,
                    f64(v), offset(v) + first, len, lr, beta1, beta2, eps, step);
        }
    }

    private static int offset(Matrix x) {
        return (int) x.offset();
    }

    private static float[] f32(Matrix x) {
        return ((VecBuffer.F32) x.storage()).data;
    }

    private static double[] f64(Matrix x) {
        return ((VecBuffer.F64) x.storage()).data;
    }

    private static void adamColumns(Mat p, Mat g, Mat m, Mat v, double lr, double beta1, double beta2, double eps,
                                    long step, int j0, int j1) {
        if (p.dtype() == DType.F32) {
            ElementwiseF32.adam(p, g, m, v, lr, beta1, beta2, eps, step, j0, j1);
        } else {
            ElementwiseF64.adam(p, g, m, v, lr, beta1, beta2, eps, step, j0, j1);
        }
    }

    /**
     * The arguments of the split operations, one reusable object per operation and calling thread: a
     * capturing lambda per split cost an allocation per call (and a column view per chunk). Each is cleared
     * after its split, so a finished call keeps no caller's matrix reachable.
     */
    private static final class Splits {
        final GemvRange gemv = new GemvRange();
        final MaskedRange masked = new MaskedRange();
        final AdamColumns adamColumns = new AdamColumns();
        final AdamElements adamElements = new AdamElements();

        /** {@link #gemvStridedBatched}'s products. */
        static final class GemvRange implements Workers.ReusedRange {
            private boolean ta;
            private double alpha;
            private double beta;
            private Mat a;
            private Mat x;
            private Mat y;

            GemvRange set(boolean ta, double alpha, Mat a, Mat x, double beta, Mat y) {
                this.ta = ta;
                this.alpha = alpha;
                this.a = a;
                this.x = x;
                this.beta = beta;
                this.y = y;
                return this;
            }

            @Override
            public void clear() {
                a = null;
                x = null;
                y = null;
            }

            @Override
            public void run(int from, int to) {
                gemvColumns(ta, alpha, a, x, beta, y, from, to);
            }
        }

        /** {@link #maskedGradient}'s columns, each chunk summing into its own partial row sums. */
        static final class MaskedRange implements Workers.ReusedRange {
            private Mat u;
            private double[] tau;
            private Mat g;
            private Mat ubar;
            private double[][] parts;
            private int chunk;

            MaskedRange set(Mat u, double[] tau, Mat g, Mat ubar, double[][] parts, int chunk) {
                this.u = u;
                this.tau = tau;
                this.g = g;
                this.ubar = ubar;
                this.parts = parts;
                this.chunk = chunk;
                return this;
            }

            @Override
            public void clear() {
                u = null;
                tau = null;
                g = null;
                ubar = null;
                parts = null;
            }

            @Override
            public void run(int from, int to) {
                maskedColumns(u, tau, g, ubar, parts[from / chunk], from, to);
            }
        }

        /** Shared fields of the two Adam splits. */
        abstract static class AdamArgs<P> implements Workers.ReusedRange {
            P p;
            P g;
            P m;
            P v;
            double lr;
            double beta1;
            double beta2;
            double eps;
            long step;

            void setArgs(P p, P g, P m, P v, double lr, double beta1, double beta2, double eps, long step) {
                this.p = p;
                this.g = g;
                this.m = m;
                this.v = v;
                this.lr = lr;
                this.beta1 = beta1;
                this.beta2 = beta2;
                this.eps = eps;
                this.step = step;
            }

            @Override
            public void clear() {
                p = null;
                g = null;
                m = null;
                v = null;
            }
        }

        /** {@link #adam}'s columns. */
        static final class AdamColumns extends AdamArgs<Mat> {
            AdamColumns set(Mat p, Mat g, Mat m, Mat v, double lr, double beta1, double beta2, double eps, long step) {
                setArgs(p, g, m, v, lr, beta1, beta2, eps, step);
                return this;
            }

            @Override
            public void run(int from, int to) {
                adamColumns(p, g, m, v, lr, beta1, beta2, eps, step, from, to);
            }
        }

        /** {@link #adamAll}'s elements. */
        static final class AdamElements extends AdamArgs<List<Matrix>> {
            AdamElements set(List<Matrix> p, List<Matrix> g, List<Matrix> m, List<Matrix> v, double lr, double beta1,
                             double beta2, double eps, long step) {
                setArgs(p, g, m, v, lr, beta1, beta2, eps, step);
                return this;
            }

            @Override
            public void run(int from, int to) {
                adamElements(p, g, m, v, from, to, lr, beta1, beta2, eps, step);
            }
        }
    }

}
