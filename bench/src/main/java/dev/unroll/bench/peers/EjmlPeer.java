package dev.unroll.bench.peers;

import dev.unroll.bench.Workload;
import dev.unroll.engine.DType;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The benchmarks' operations as a Java user would write them with EJML's dense row-major API
 * ({@code CommonOps_FDRM}/{@code CommonOps_DDRM}, its default single-threaded operations): the same
 * logical shapes and the same FLOPs as the backends, row-major because that is EJML's storage (which
 * changes the memory order, not the work).
 */
final class EjmlPeer {
    private EjmlPeer() {
    }

    /** {@code C = A·B}, A m×k, B k×batch. */
    static Workload gemm(DType dtype, int m, int k, int batch, double[] a, double[] b) {
        if (dtype == DType.F32) {
            FMatrixRMaj fa = floats(m, k, a);
            FMatrixRMaj fb = floats(k, batch, b);
            FMatrixRMaj fc = new FMatrixRMaj(m, batch);
            return Workload.of(() -> CommonOps_FDRM.mult(fa, fb, fc));
        }
        DMatrixRMaj da = new DMatrixRMaj(m, k, true, a);
        DMatrixRMaj db = new DMatrixRMaj(k, batch, true, b);
        DMatrixRMaj dc = new DMatrixRMaj(m, batch);
        return Workload.of(() -> CommonOps_DDRM.mult(da, db, dc));
    }

    /** One ISTA iteration in place on Z (m×batch, from 0): R = D·Z − X, U = Z − step·DᵀR, Z = ST(U, threshold). */
    static Workload ista(DType dtype, int n, int m, int batch, double[] d, double[] x, double step, double threshold) {
        if (dtype == DType.F32) {
            FMatrixRMaj fd = floats(n, m, d);
            FMatrixRMaj fx = floats(n, batch, x);
            FMatrixRMaj z = new FMatrixRMaj(m, batch);
            FMatrixRMaj r = new FMatrixRMaj(n, batch);
            FMatrixRMaj u = new FMatrixRMaj(m, batch);
            float st = (float) step;
            float th = (float) threshold;
            return Workload.of(() -> {
                CommonOps_FDRM.mult(fd, z, r);
                CommonOps_FDRM.subtractEquals(r, fx);
                CommonOps_FDRM.multTransA(-st, fd, r, u);
                CommonOps_FDRM.addEquals(u, z);
                float[] uv = u.data;
                float[] zv = z.data;
                for (int i = 0; i < zv.length; i++) {
                    zv[i] = Math.signum(uv[i]) * Math.max(Math.abs(uv[i]) - th, 0f);
                }
                return z;
            });
        }
        DMatrixRMaj dd = new DMatrixRMaj(n, m, true, d);
        DMatrixRMaj dx = new DMatrixRMaj(n, batch, true, x);
        DMatrixRMaj z = new DMatrixRMaj(m, batch);
        DMatrixRMaj r = new DMatrixRMaj(n, batch);
        DMatrixRMaj u = new DMatrixRMaj(m, batch);
        return Workload.of(() -> {
            CommonOps_DDRM.mult(dd, z, r);
            CommonOps_DDRM.subtractEquals(r, dx);
            CommonOps_DDRM.multTransA(-step, dd, r, u);
            CommonOps_DDRM.addEquals(u, z);
            double[] uv = u.data;
            double[] zv = z.data;
            for (int i = 0; i < zv.length; i++) {
                zv[i] = Math.signum(uv[i]) * Math.max(Math.abs(uv[i]) - threshold, 0);
            }
            return z;
        });
    }

    /** Row-major float copy of values (the layout differs from the backends', the work does not). */
    private static FMatrixRMaj floats(int rows, int cols, double[] values) {
        FMatrixRMaj out = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < values.length; i++) {
            out.data[i] = (float) values[i];
        }
        return out;
    }
}
