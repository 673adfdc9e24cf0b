package dev.unroll.cuda;

import dev.unroll.engine.DType;

/**
 * The building blocks every operation is made of, on {@link Dev} operands: GEMM with BLAS's edge cases
 * handled here (k = 0 or α = 0 scale C by β without reading A and B; β = 0 never reads C), the elementwise
 * kernels and the two-stage reductions (into a host double or into device memory).
 */
final class DeviceOps {
    static final int RED_SUM = 0;
    static final int RED_DOT = 1;
    static final int RED_MAXABS = 2;
    static final int RED_SUMSQ_SCALED = 3;
    private static final int MAX_PARTIALS = 1024;

    private final Launcher launcher;
    private final Blas blas;
    private final Workspace workspace;
    private final Transfers transfers;

    DeviceOps(Launcher launcher, Blas blas, Workspace workspace, Transfers transfers) {
        this.launcher = launcher;
        this.blas = blas;
        this.workspace = workspace;
        this.transfers = transfers;
    }

    Launcher launcher() {
        return launcher;
    }

    Workspace workspace() {
        return workspace;
    }

    /** C ← α·op(A)·op(B) + β·C. */
    void gemm(DType dt, boolean ta, boolean tb, double alpha, Dev a, Dev b, double beta, Dev c) {
        int m = c.rows();
        int n = c.cols();
        int k = ta ? a.rows() : a.cols();
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scaleOrZero(dt, c, beta);
            return;
        }
        blas.gemm(dt, ta, tb, m, n, k, alpha, a.ptr(), a.ld(), b.ptr(), b.ld(), beta, c.ptr(), c.ld());
    }

    /** y_k ← α·op(A_k)·x_k + β·y_k for the {@code x.cols()} matrices of {@code each} columns side by side in A. */
    void gemvStridedBatched(DType dt, boolean ta, double alpha, Dev a, Dev x, double beta, Dev y) {
        int count = x.cols();
        if (count == 0) {
            return;
        }
        int each = a.cols() / count;
        int inLen = ta ? a.rows() : each;
        int outLen = ta ? each : a.rows();
        if (outLen == 0) {
            return;
        }
        if (inLen == 0 || alpha == 0) {
            scaleOrZero(dt, y, beta);
            return;
        }
        blas.gemvStridedBatched(dt, ta, a.rows(), each, alpha, a.ptr(), a.ld(), (long) each * a.ld(), x.ptr(), x.ld(),
                beta, y.ptr(), y.ld(), count);
    }

    /** c ← β·c, or zeros when β = 0 (c not read). */
    void scaleOrZero(DType dt, Dev c, double beta) {
        if (beta == 0) {
            fill(dt, c, 0);
        } else if (beta != 1) {
            scale(dt, c, beta);
        }
    }

    void fill(DType dt, Dev x, double value) {
        if (x.size() == 0) {
            return;
        }
        launcher.launch(Kernel.FILL, dt, Launcher.blocksFor(x.size()),
                Launcher.args().p(x.ptr()).i(x.ld()).i(x.rows()).i(x.cols()).d(value));
    }

    void copy(DType dt, Dev src, Dev dst) {
        if (src.size() == 0) {
            return;
        }
        launcher.launch(Kernel.COPY, dt, Launcher.blocksFor(src.size()),
                Launcher.args().p(src.ptr()).i(src.ld()).p(dst.ptr()).i(dst.ld()).i(src.rows()).i(src.cols()));
    }

    void scale(DType dt, Dev x, double a) {
        if (x.size() == 0) {
            return;
        }
        launcher.launch(Kernel.SCALE, dt, Launcher.blocksFor(x.size()),
                Launcher.args().p(x.ptr()).i(x.ld()).i(x.rows()).i(x.cols()).d(a));
    }

    void axpy(DType dt, double a, Dev x, Dev y) {
        if (x.size() == 0) {
            return;
        }
        launcher.launch(Kernel.AXPY, dt, Launcher.blocksFor(x.size()),
                Launcher.args().d(a).p(x.ptr()).i(x.ld()).p(y.ptr()).i(y.ld()).i(x.rows()).i(x.cols()));
    }

    /** x ← sign·s[0]·x with the scalar {@code s} read on the device. */
    void scaleByScalar(DType dt, Dev x, long s, double sign) {
        if (x.size() == 0) {
            return;
        }
        launcher.launch(Kernel.SCALE_BY_SCALAR, dt, Launcher.blocksFor(x.size()),
                Launcher.args().p(x.ptr()).i(x.ld()).i(x.rows()).i(x.cols()).p(s).d(sign));
    }

    void softThreshold(DType dt, Dev u, Dev tau, double scale, Dev out, Dev mask) {
        if (u.size() == 0) {
            return;
        }
        launcher.launch(Kernel.SOFT_THRESHOLD, dt, Launcher.blocksFor(u.size()),
                Launcher.args().p(u.ptr()).i(u.ld()).p(Dev.ptr(tau)).d(scale).p(out.ptr()).i(out.ld())
                        .p(Dev.ptr(mask)).i(Dev.ld(mask)).i(u.rows()).i(u.cols()));
    }

    void signScaled(DType dt, Dev z, double a, Dev out) {
        if (z.size() == 0) {
            return;
        }
        launcher.launch(Kernel.SIGN_SCALED, dt, Launcher.blocksFor(z.size()),
                Launcher.args().p(z.ptr()).i(z.ld()).d(a).p(out.ptr()).i(out.ld()).i(z.rows()).i(z.cols()));
    }

    /** A reduction of x (and y for a dot product) returned to the host; 0 for an empty matrix. */
    double reduce(DType dt, int op, Dev x, Dev y, double s) {
        if (x.size() == 0) {
            return 0;
        }
        long out = workspace.get(Workspace.Slot.REDUCE_RESULT, 4 * Double.BYTES);
        reduceTo(dt, op, x, y, s, out);
        return transfers.readDoubles(out, 1)[0];
    }

    /** A reduction of x (and y) written as a double to device address {@code out}; stays on the stream. */
    void reduceTo(DType dt, int op, Dev x, Dev y, double s, long out) {
        int blocks = Math.min(MAX_PARTIALS, Launcher.blocksFor(x.size()));
        long partials = workspace.get(Workspace.Slot.REDUCE_PARTIALS, (long) MAX_PARTIALS * Double.BYTES);
        if (x.size() == 0) {
            fill(DType.F64, Dev.packed(out, 1, 1), 0);
            return;
        }
        launcher.launch(Kernel.REDUCE_PARTIAL, dt, blocks, Launcher.args().i(op).p(x.ptr()).i(x.ld()).p(Dev.ptr(y))
                .i(Dev.ld(y)).i(x.rows()).i(x.cols()).d(s).p(partials));
        launcher.launch(Kernel.REDUCE_FINISH, dt, 1, Launcher.args().i(op).p(partials).i(blocks).p(out));
    }
}
