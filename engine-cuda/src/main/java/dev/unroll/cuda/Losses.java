package dev.unroll.cuda;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

/**
 * The Lasso objective and the supervised loss with their gradients: the residual by cuBLAS, one block per
 * sample for the per-sample terms (kept in double on the device and summed there), the gradients by GEMMs.
 */
final class Losses {
    private final DeviceOps ops;
    Losses(DeviceOps ops) {
        this.ops = ops;
    }

    /** F(Z) = (1/B) Σ_b [½‖x_b − D z_b‖² + λ‖z_b‖₁] with optional per-sample terms and gradients. */
    double lasso(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ, Matrix gradD) {
        DType dt = x.dtype();
        int batch = x.cols();
        int n = x.rows();
        int m = z.rows();
        if (batch == 0) {
            if (gradD != null) {
                ops.fill(dt, Dev.of(gradD), 0);
            }
            return 0;
        }
        Dev dd = Dev.of(d);
        Dev zd = Dev.of(z);
        Dev r = ops.workspace().matrix(Workspace.Slot.RESIDUAL, dt, n, batch);
        ops.copy(dt, Dev.of(x), r);
        ops.gemm(dt, false, false, 1, dd, zd, -1, r);
        long terms = ops.workspace().get(Workspace.Slot.COLUMN_TERMS, (long) batch * Double.BYTES);
        Dev ps = Dev.orNull(perSample);
        ops.launcher().launch(Kernel.LASSO_COLUMNS, dt, Math.min(batch, Launcher.MAX_BLOCKS), Launcher.args()
                .p(r.ptr()).i(r.ld()).i(n).p(zd.ptr()).i(zd.ld()).i(m).i(batch).d(lambda).p(Dev.ptr(ps)).i(Dev.ld(ps))
                .p(terms));
        if (gradZ != null) {
            Dev gz = Dev.of(gradZ);
            ops.signScaled(dt, zd, lambda / batch, gz);
            ops.gemm(dt, true, false, 1.0 / batch, dd, r, 1, gz);
        }
        if (gradD != null) {
            ops.gemm(dt, false, true, 1.0 / batch, r, zd, 0, Dev.of(gradD));
        }
        return ops.reduce(DType.F64, DeviceOps.RED_SUM, new Dev(terms, 1, batch, 1), null, 1) / batch;
    }

    /** (1/B) Σ_b ½‖z_b − z*_b‖² with optional per-sample terms and gradient (Z − Z*)/B. */
    double supervised(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        DType dt = z.dtype();
        int batch = z.cols();
        if (batch == 0) {
            return 0;
        }
        Dev zd = Dev.of(z);
        Dev td = Dev.of(target);
        Dev ps = Dev.orNull(perSample);
        Dev gz = Dev.orNull(gradZ);
        long terms = ops.workspace().get(Workspace.Slot.COLUMN_TERMS, (long) batch * Double.BYTES);
        ops.launcher().launch(Kernel.SUPERVISED_COLUMNS, dt, Math.min(batch, Launcher.MAX_BLOCKS), Launcher.args()
                .p(zd.ptr()).i(zd.ld()).p(td.ptr()).i(td.ld()).i(zd.rows()).i(batch).p(Dev.ptr(ps)).i(Dev.ld(ps))
                .p(terms).p(Dev.ptr(gz)).i(Dev.ld(gz)).d(batch));
        return ops.reduce(DType.F64, DeviceOps.RED_SUM, new Dev(terms, 1, batch, 1), null, 1) / batch;
    }
}
