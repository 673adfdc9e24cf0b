package dev.unroll.engine.reference;

import dev.unroll.engine.Capabilities;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.Storage;
import dev.unroll.engine.spi.TautString;
import dev.unroll.engine.spi.TautStringBackward;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * The oracle: every kernel as a plain loop, accumulating in double and rounding once when it stores. Written
 * to be obviously right, not fast; one code path serves F32 and F64 through {@link Dense}. The unrolled passes
 * are the SPI's composed defaults on these primitives, so the oracle of the unrolled layers is their one
 * definition ({@code UnrolledLayer}) run on plain loops.
 */
final class ReferenceKernels implements BackendKernels {

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, 0, false, 1, Map.of("accumulation", "double"));
    }

    @Override
    public Storage allocate(DType dtype, long elements) {
        return HostBuffer.allocate(dtype, elements);
    }

    @Override
    public void upload(float[] src, Matrix dst) {
        Dense d = Dense.of(dst);
        forEach(d, (i, j) -> d.set(i, j, src[i + j * d.rows]));
    }

    @Override
    public void upload(double[] src, Matrix dst) {
        Dense d = Dense.of(dst);
        forEach(d, (i, j) -> d.set(i, j, src[i + j * d.rows]));
    }

    @Override
    public void upload(MemorySegment src, Matrix dst) {
        Dense d = Dense.of(dst);
        boolean f32 = dst.dtype() == DType.F32;
        forEach(d, (i, j) -> {
            long k = i + (long) j * d.rows;
            d.set(i, j, f32 ? src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, k)
                    : src.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, k));
        });
    }

    @Override
    public void download(Matrix src, float[] dst) {
        Dense s = Dense.of(src);
        forEach(s, (i, j) -> dst[i + j * s.rows] = (float) s.get(i, j));
    }

    @Override
    public void download(Matrix src, double[] dst) {
        Dense s = Dense.of(src);
        forEach(s, (i, j) -> dst[i + j * s.rows] = s.get(i, j));
    }

    @Override
    public void download(Matrix src, MemorySegment dst) {
        Dense s = Dense.of(src);
        boolean f32 = src.dtype() == DType.F32;
        forEach(s, (i, j) -> {
            long k = i + (long) j * s.rows;
            if (f32) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, k, (float) s.get(i, j));
            } else {
                dst.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, k, s.get(i, j));
            }
        });
    }

    @Override
    public void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        Dense ad = Dense.of(a);
        Dense bd = Dense.of(b);
        Dense cd = Dense.of(c);
        int k = transA.colsOf(a.rows(), a.cols());
        forEach(cd, (i, j) -> {
            double s = 0;
            if (alpha != 0) {
                for (int l = 0; l < k; l++) {
                    double av = transA == Transpose.NO ? ad.get(i, l) : ad.get(l, i);
                    double bv = transB == Transpose.NO ? bd.get(l, j) : bd.get(j, l);
                    s += av * bv;
                }
            }
            cd.set(i, j, combine(alpha * s, beta, cd, i, j));
        });
    }

    @Override
    public void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        Dense ad = Dense.of(a);
        Dense xd = Dense.of(x);
        Dense yd = Dense.of(y);
        int each = x.cols() == 0 ? 0 : a.cols() / x.cols();
        int inLen = x.rows();
        forEach(yd, (i, k) -> {
            double s = 0;
            if (alpha != 0) {
                for (int l = 0; l < inLen; l++) {
                    double av = transA == Transpose.NO ? ad.get(i, k * each + l) : ad.get(l, k * each + i);
                    s += av * xd.get(l, k);
                }
            }
            yd.set(i, k, combine(alpha * s, beta, yd, i, k));
        });
    }

    /** α·s + β·c with BLAS's rule that β = 0 means "do not read c". */
    private static double combine(double product, double beta, Dense c, int i, int j) {
        return beta == 0 ? product : product + beta * c.get(i, j);
    }

    @Override
    public void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask) {
        Dense ud = Dense.of(u);
        Dense td = Dense.orNull(tauPerRow);
        Dense od = Dense.of(out);
        Dense md = Dense.orNull(mask);
        forEach(ud, (i, j) -> {
            double tau = td == null ? scale : scale * td.get(i, 0);
            double v = ud.get(i, j);
            if (md != null) {
                md.set(i, j, Math.abs(v) > tau ? 1 : 0);
            }
            od.set(i, j, softThreshold(v, tau));
        });
    }

    /** ST(u, τ) = sign(u)·max(|u| − τ, 0); a negative τ widens instead of shrinking, as in ADOPTY. */
    static double softThreshold(double u, double tau) {
        return Math.signum(u) * Math.max(Math.abs(u) - tau, 0);
    }

    @Override
    public void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                                      Matrix signSums) {
        Dense ud = Dense.of(u);
        Dense td = Dense.orNull(tauPerRow);
        Dense gd = Dense.of(gradOut);
        Dense od = Dense.of(gradU);
        double[] sums = new double[u.rows()];
        forEach(ud, (i, j) -> {
            double tau = td == null ? scale : scale * td.get(i, 0);
            double v = ud.get(i, j);
            double g = Math.abs(v) > tau ? gd.get(i, j) : 0;
            od.set(i, j, g);
            sums[i] += Math.signum(v) * od.get(i, j);
        });
        if (signSums != null) {
            Dense sd = Dense.of(signSums);
            for (int i = 0; i < sums.length; i++) {
                sd.set(i, 0, sums[i]);
            }
        }
    }

    @Override
    public void proxTv(Matrix u, double lambda, Matrix out) {
        Dense ud = Dense.of(u);
        Dense od = Dense.of(out);
        TautString solver = new TautString();
        for (int j = 0; j < ud.cols; j++) {
            double[] v = ud.column(j);
            solver.prox(v, 0, v.length, lambda, v, 0);
            for (int i = 0; i < v.length; i++) {
                od.set(i, j, v[i]);
            }
        }
    }

    @Override
    public void proxTvBackward(Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        Dense od = Dense.of(out);
        Dense gd = Dense.of(gradOut);
        Dense id = Dense.of(gradIn);
        Dense ld = Dense.orNull(lambdaGrads);
        for (int j = 0; j < od.cols; j++) {
            double[] g = gd.column(j);
            double gradLambda = TautStringBackward.backward(od.column(j), 0, g, 0, g.length, g, 0);
            for (int i = 0; i < g.length; i++) {
                id.set(i, j, g[i]);
            }
            if (ld != null) {
                ld.set(0, j, gradLambda);
            }
        }
    }

    // unrolledForward and unrolledBackward: the SPI's composed defaults, on the primitives above.

    @Override
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ,
                                 Matrix gradD) {
        Dense dd = Dense.of(d);
        Dense xd = Dense.of(x);
        Dense zd = Dense.of(z);
        Dense ps = Dense.orNull(perSample);
        Dense gz = Dense.orNull(gradZ);
        int batch = x.cols();
        double[][] gd = gradD == null ? null : new double[d.rows()][d.cols()];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double[] zb = zd.column(b);
            double[] r = residual(dd, zb, xd, b);
            double f = 0.5 * sumSquares(r) + lambda * l1(zb);
            total += f;
            if (ps != null) {
                ps.set(0, b, f);
            }
            if (gz != null) {
                double[] g = dd.transposeTimes(r);
                for (int i = 0; i < g.length; i++) {
                    gz.set(i, b, (g[i] + lambda * Math.signum(zb[i])) / batch);
                }
            }
            if (gd != null) {
                addOuter(gd, 1.0 / batch, r, zb);
            }
        }
        if (gd != null) {
            store(gd, Dense.of(gradD));
        }
        return batch == 0 ? 0 : total / batch;
    }

    @Override
    public double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        Dense zd = Dense.of(z);
        Dense td = Dense.of(target);
        Dense ps = Dense.orNull(perSample);
        Dense gz = Dense.orNull(gradZ);
        int batch = z.cols();
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double f = 0;
            for (int i = 0; i < z.rows(); i++) {
                double e = zd.get(i, b) - td.get(i, b);
                f += 0.5 * e * e;
                if (gz != null) {
                    gz.set(i, b, e / batch);
                }
            }
            total += f;
            if (ps != null) {
                ps.set(0, b, f);
            }
        }
        return batch == 0 ? 0 : total / batch;
    }

    @Override
    public void adamStep(Matrix param, Matrix grad, Matrix m, Matrix v, double lr, double beta1, double beta2,
                         double epsilon, long step) {
        Dense p = Dense.of(param);
        Dense g = Dense.of(grad);
        Dense md = Dense.of(m);
        Dense vd = Dense.of(v);
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        forEach(p, (i, j) -> {
            double gv = g.get(i, j);
            double mv = beta1 * md.get(i, j) + (1 - beta1) * gv;
            double vv = beta2 * vd.get(i, j) + (1 - beta2) * gv * gv;
            md.set(i, j, mv);
            vd.set(i, j, vv);
            p.set(i, j, p.get(i, j) - (lr / bias1) * mv / (Math.sqrt(vv) / Math.sqrt(bias2) + epsilon));
        });
    }

    @Override
    public void axpy(double a, Matrix x, Matrix y) {
        Dense xd = Dense.of(x);
        Dense yd = Dense.of(y);
        forEach(yd, (i, j) -> yd.set(i, j, a * xd.get(i, j) + yd.get(i, j)));
    }

    @Override
    public void scale(double a, Matrix x) {
        Dense xd = Dense.of(x);
        forEach(xd, (i, j) -> xd.set(i, j, a * xd.get(i, j)));
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        Dense s = Dense.of(src);
        Dense d = Dense.of(dst);
        forEach(d, (i, j) -> d.set(i, j, s.get(i, j)));
    }

    @Override
    public void fill(Matrix x, double value) {
        Dense xd = Dense.of(x);
        forEach(xd, (i, j) -> xd.set(i, j, value));
    }

    @Override
    public double sum(Matrix x) {
        Dense xd = Dense.of(x);
        double[] s = {0};
        forEach(xd, (i, j) -> s[0] += xd.get(i, j));
        return s[0];
    }

    @Override
    public double dot(Matrix x, Matrix y) {
        Dense xd = Dense.of(x);
        Dense yd = Dense.of(y);
        double[] s = {0};
        forEach(xd, (i, j) -> s[0] += xd.get(i, j) * yd.get(i, j));
        return s[0];
    }

    @Override
    public double maxAbs(Matrix x) {
        Dense xd = Dense.of(x);
        double[] s = {0};
        forEach(xd, (i, j) -> s[0] = Math.max(s[0], Math.abs(xd.get(i, j))));
        return s[0];
    }

    @Override
    public double norm(Matrix x) {
        // Scaled by the largest magnitude so squares of large (finite) values cannot overflow.
        double big = maxAbs(x);
        if (big == 0) {
            return 0;
        }
        Dense xd = Dense.of(x);
        double[] s = {0};
        forEach(xd, (i, j) -> {
            double v = xd.get(i, j) / big;
            s[0] += v * v;
        });
        return big * Math.sqrt(s[0]);
    }

    @Override
    public void close() {
        // Nothing native to release.
    }

    // ---------------------------------------------------------------- helpers of the losses

    /** r = D z − x_b. */
    static double[] residual(Dense d, double[] z, Dense x, int b) {
        double[] r = d.times(z);
        for (int i = 0; i < r.length; i++) {
            r[i] -= x.get(i, b);
        }
        return r;
    }

    /** acc += s·u vᵀ. */
    static void addOuter(double[][] acc, double s, double[] u, double[] v) {
        for (int i = 0; i < u.length; i++) {
            if (u[i] == 0) {
                continue;
            }
            for (int j = 0; j < v.length; j++) {
                acc[i][j] += s * u[i] * v[j];
            }
        }
    }

    /** Writes a double accumulator into a matrix of the same shape. */
    static void store(double[][] acc, Dense out) {
        for (int i = 0; i < out.rows; i++) {
            for (int j = 0; j < out.cols; j++) {
                out.set(i, j, acc[i][j]);
            }
        }
    }

    static double sumSquares(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    static double l1(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.abs(x);
        }
        return s;
    }

    private interface Cell {
        void at(int i, int j);
    }

    private static void forEach(Dense m, Cell cell) {
        for (int j = 0; j < m.cols; j++) {
            for (int i = 0; i < m.rows; i++) {
                cell.at(i, j);
            }
        }
    }
}
