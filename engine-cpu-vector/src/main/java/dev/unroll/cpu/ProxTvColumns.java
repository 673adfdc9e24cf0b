package dev.unroll.cpu;

import dev.unroll.engine.DType;
import dev.unroll.engine.spi.TautString;
import dev.unroll.engine.spi.TautStringBackward;

/**
 * cpu-vector's 1-D prox-TV and its reverse: the engine's one taut-string definition ({@link TautString},
 * {@link TautStringBackward}) run per column, the columns split over the backend's {@link Workers}. The
 * algorithm itself is sequential along a signal (each hull merge depends on the ones before it), so there is
 * nothing to vectorise inside a column; the parallelism is the batch. Each column is computed on one thread
 * from its own data only and writes only its own outputs, so the result is the same bits for any thread
 * count. F64 columns are solved in place in the backend's arrays; F32 columns are widened into a per-thread
 * double scratch, solved and rounded once on store, as the reference does.
 */
final class ProxTvColumns {
    /** Per-thread solver and scratch: a {@link TautString} holds its hulls, so one serves one thread. */
    private static final ThreadLocal<Local> LOCAL = ThreadLocal.withInitial(Local::new);

    /** Rough cost of one element in multiply-add units, for the split decision (a few hull operations). */
    private static final int WORK_PER_ELEMENT = 8;

    private final Workers workers;

    ProxTvColumns(Workers workers) {
        this.workers = workers;
    }

    void forward(Mat u, double lambda, Mat out) {
        long work = (long) u.rows() * u.cols() * WORK_PER_ELEMENT;
        workers.forRange(u.cols(), 1, work, (from, to) -> {
            Local local = LOCAL.get();
            for (int j = from; j < to; j++) {
                forwardColumn(local, u, lambda, out, j);
            }
        });
    }

    void backward(Mat out, Mat gradOut, Mat gradIn, Mat lambdaGrads) {
        long work = (long) out.rows() * out.cols() * WORK_PER_ELEMENT;
        workers.forRange(out.cols(), 1, work, (from, to) -> {
            Local local = LOCAL.get();
            for (int j = from; j < to; j++) {
                double gradLambda = backwardColumn(local, out, gradOut, gradIn, j);
                if (lambdaGrads != null) {
                    lambdaGrads.set(0, j, gradLambda);
                }
            }
        });
    }

    private static void forwardColumn(Local local, Mat u, double lambda, Mat out, int j) {
        int k = u.rows();
        if (u.dtype() == DType.F64) {
            local.solver.prox(u.d(), u.off() + j * u.ld(), k, lambda, out.d(), out.off() + j * out.ld());
            return;
        }
        double[] v = local.widen(u, j, 0);
        local.solver.prox(v, 0, k, lambda, v, 0);
        local.store(v, 0, out, j);
    }

    private static double backwardColumn(Local local, Mat out, Mat gradOut, Mat gradIn, int j) {
        int k = out.rows();
        if (out.dtype() == DType.F64) {
            return TautStringBackward.backward(out.d(), out.off() + j * out.ld(), gradOut.d(),
                    gradOut.off() + j * gradOut.ld(), k, gradIn.d(), gradIn.off() + j * gradIn.ld());
        }
        // The pieces are runs of equal F32 values; widening is exact, so the runs are the same in double.
        double[] u = local.widen(out, j, 0);
        double[] g = local.widen(gradOut, j, k);
        double gradLambda = TautStringBackward.backward(u, 0, g, k, k, g, k);
        local.store(g, k, gradIn, j);
        return gradLambda;
    }

    /** One thread's solver and double scratch (two columns' worth: the backward widens two). */
    private static final class Local {
        final TautString solver = new TautString();
        double[] scratch = new double[0];

        /** Column j of the F32 {@code m} widened into scratch[at .. at + rows); returns scratch. */
        double[] widen(Mat m, int j, int at) {
            int k = m.rows();
            if (scratch.length < 2 * k) {
                scratch = new double[2 * k];
            }
            float[] f = m.f();
            int base = m.off() + j * m.ld();
            for (int i = 0; i < k; i++) {
                scratch[at + i] = f[base + i];
            }
            return scratch;
        }

        /** scratch[at .. at + rows) rounded into column j of the F32 {@code m}. */
        void store(double[] v, int at, Mat m, int j) {
            float[] f = m.f();
            int base = m.off() + j * m.ld();
            for (int i = 0; i < m.rows(); i++) {
                f[base + i] = (float) v[at + i];
            }
        }
    }
}
