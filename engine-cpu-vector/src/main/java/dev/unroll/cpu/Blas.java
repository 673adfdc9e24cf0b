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

    /** y_k ← α·op(A_k)·x_k + β·y_k for every column k of x, A_k the k-th block of columns of A. */
    void gemvStridedBatched(boolean ta, double alpha, Mat a, Mat x, double beta, Mat y) {
        int batch = x.cols();
        if (batch == 0) {
            return;
        }
        int each = a.cols() / batch;
        int outLen = y.rows();
        int inLen = x.rows();
        boolean f32 = y.dtype() == DType.F32;
        workers.forRange(batch, 1, (long) outLen * inLen * batch, (from, to) -> {
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
        });
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
            maskedColumns(u, tau, g, ubar, rowSignSums);
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
        workers.forRange(u.cols(), 1, work, (j0, j1) ->
                maskedColumns(u.columns(j0, j1), tau, g.columns(j0, j1), ubar.columns(j0, j1), parts[j0 / chunk]));
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

    private static void maskedColumns(Mat u, double[] tau, Mat g, Mat ubar, double[] rowSignSums) {
        if (u.dtype() == DType.F32) {
            ElementwiseF32.maskedGradient(u, tau, g, ubar, rowSignSums);
        } else {
            ElementwiseF64.maskedGradient(u, tau, g, ubar, rowSignSums);
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

    void columnSumSquares(Mat x, double[] out) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.columnSumSquares(x, out);
        } else {
            ElementwiseF64.columnSumSquares(x, out);
        }
    }

    void columnL1(Mat x, double[] out) {
        if (x.dtype() == DType.F32) {
            ElementwiseF32.columnL1(x, out);
        } else {
            ElementwiseF64.columnL1(x, out);
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
            adamColumns(p, g, m, v, lr, beta1, beta2, eps, step);
            return;
        }
        workers.forRange(p.cols(), 1, work, (j0, j1) ->
                adamColumns(p.columns(j0, j1), g.columns(j0, j1), m.columns(j0, j1), v.columns(j0, j1), lr, beta1,
                        beta2, eps, step));
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
        workers.forRange(n, ADAM_GRAIN, work, (from, to) -> adamElements(p, g, m, v, from, to, lr, beta1, beta2, eps, step));
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
                                    long step) {
        if (p.dtype() == DType.F32) {
            ElementwiseF32.adam(p, g, m, v, lr, beta1, beta2, eps, step);
        } else {
            ElementwiseF64.adam(p, g, m, v, lr, beta1, beta2, eps, step);
        }
    }

}
