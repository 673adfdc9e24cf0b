package dev.unroll.cpu;

import dev.unroll.engine.Capabilities;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.Storage;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cpu-vector} kernels: heap arrays ({@link VecBuffer}) computed on with {@code jdk.incubator.vector}
 * at the species of {@link Species}, in the matrix's own precision with fused multiply-adds. Products are
 * register-blocked ({@link GemmF32}) and split over columns on the backend's pool ({@link Workers}); the
 * unrolled passes are batch-tiled sequences of those products and elementwise loops ({@link UnrolledPasses}),
 * overriding the SPI's composed passes for the layer kinds they know.
 */
final class VectorKernels implements BackendKernels {
    private final Workers workers;
    private final Blas blas;
    private final UnrolledPasses unrolled;
    private final ProxTvColumns proxTv;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    /** Columns of a split {@link #lassoObjective}: a multiple of the products' 6-column micro-kernel. */
    private static final int LOSS_GRAIN = 6;
    private static final ThreadLocal<LossColumns> LOSS_COLUMNS = ThreadLocal.withInitial(LossColumns::new);

    VectorKernels(int threads) {
        this.workers = new Workers(threads);
        this.blas = new Blas(workers);
        this.unrolled = new UnrolledPasses(blas, workers, workspaces);
        this.proxTv = new ProxTvColumns(workers);
    }

    @Override
    public Capabilities capabilities() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vectorBits", String.valueOf(Species.BITS));
        details.put("floatLanes", String.valueOf(Species.F32.length()));
        details.put("accumulation", "the matrix's precision, fused multiply-add");
        return new Capabilities(false, Species.BITS, true, workers.threads(), details);
    }

    @Override
    public Storage allocate(DType dtype, long elements) {
        return VecBuffer.allocate(dtype, elements);
    }

    @Override
    public void upload(float[] src, Matrix dst) {
        ElementwiseF32.upload(src, Mat.of(dst));
    }

    @Override
    public void upload(double[] src, Matrix dst) {
        ElementwiseF64.upload(src, Mat.of(dst));
    }

    @Override
    public void upload(MemorySegment src, Matrix dst) {
        if (dst.dtype() == DType.F32) {
            ElementwiseF32.upload(src, Mat.of(dst));
        } else {
            ElementwiseF64.upload(src, Mat.of(dst));
        }
    }

    @Override
    public void download(Matrix src, float[] dst) {
        ElementwiseF32.download(Mat.of(src), dst);
    }

    @Override
    public void download(Matrix src, double[] dst) {
        ElementwiseF64.download(Mat.of(src), dst);
    }

    @Override
    public void download(Matrix src, MemorySegment dst) {
        if (src.dtype() == DType.F32) {
            ElementwiseF32.download(Mat.of(src), dst);
        } else {
            ElementwiseF64.download(Mat.of(src), dst);
        }
    }

    @Override
    public void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        blas.gemm(transA == Transpose.YES, transB == Transpose.YES, alpha, Mat.of(a), Mat.of(b), beta, Mat.of(c));
    }

    @Override
    public void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        blas.gemvStridedBatched(transA == Transpose.YES, alpha, Mat.of(a), Mat.of(x), beta, Mat.of(y));
    }

    @Override
    public void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask) {
        double[] tau = Scratch.doubles(Scratch.THRESHOLDS, u.rows());
        Mat t = Mat.of(tauPerRow);
        for (int i = 0; i < u.rows(); i++) {
            tau[i] = t == null ? scale : scale * t.get(i, 0);
        }
        blas.softThreshold(Mat.of(u), tau, Mat.of(out), Mat.of(mask));
    }

    @Override
    public void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                                      Matrix signSums) {
        int rows = u.rows();
        double[] tau = Scratch.doubles(Scratch.THRESHOLDS, rows);
        Mat t = Mat.of(tauPerRow);
        for (int i = 0; i < rows; i++) {
            tau[i] = t == null ? scale : scale * t.get(i, 0);
        }
        double[] sums = Scratch.doubles(Scratch.SIGN_SUMS, rows);
        java.util.Arrays.fill(sums, 0, rows, 0);
        blas.maskedGradient(Mat.of(u), tau, Mat.of(gradOut), Mat.of(gradU), sums);
        if (signSums != null) {
            Mat s = Mat.of(signSums);
            for (int i = 0; i < rows; i++) {
                s.set(i, 0, sums[i]);
            }
        }
    }

    @Override
    public void proxTv(Matrix u, double lambda, Matrix out) {
        proxTv.forward(Mat.of(u), lambda, Mat.of(out));
    }

    @Override
    public void proxTvBackward(Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        proxTv.backward(Mat.of(out), Mat.of(gradOut), Mat.of(gradIn), Mat.of(lambdaGrads));
    }

    @Override
    public void unrolledForward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        if (UnrolledPasses.covers(model.spec().parametrization())) {
            unrolled.forward(model, x, z0, layers, tape, zOut);
        } else {
            BackendKernels.super.unrolledForward(model, x, z0, layers, tape, zOut);
        }
    }

    @Override
    public void unrolledBackward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads,
                                 Matrix gradD) {
        if (UnrolledPasses.covers(model.spec().parametrization())) {
            unrolled.backward(model, tape, gradZ, lastLayers, grads, gradD);
        } else {
            BackendKernels.super.unrolledBackward(model, tape, gradZ, lastLayers, grads, gradD);
        }
    }

    @Override
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ,
                                 Matrix gradD) {
        int batch = x.cols();
        Mat dm = Mat.of(d);
        Mat zm = Mat.of(z);
        Mat r = workspaces.get().get(0, x.dtype(), x.rows(), batch);
        double[] squares = Scratch.doubles(Scratch.SAMPLE_SQUARES, batch);
        double[] l1 = Scratch.doubles(Scratch.SAMPLE_L1, batch);
        Mat gz = Mat.of(gradZ);
        double gradScale = batch == 0 ? 0 : 1.0 / batch;
        long work = (long) batch * d.rows() * d.cols() * (gz == null ? 1 : 2);
        if (gradD == null && workers.splits(batch, LOSS_GRAIN, work)) {
            // Every per-sample step at once on each thread's columns (residual, its norm, ‖z‖₁, the gradient):
            // one split instead of two split products and four passes over the batch on the caller alone.
            LossColumns body = LOSS_COLUMNS.get().set(dm, Mat.of(x), zm, r, squares, l1, gz, lambda * gradScale,
                    gradScale);
            workers.forRangeAndClear(batch, LOSS_GRAIN, work, body);
        } else {
            lossColumns(blas, dm, Mat.of(x), zm, r, squares, l1, gz, lambda * gradScale, gradScale, 0);
        }
        Mat ps = Mat.of(perSample);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double f = 0.5 * squares[b] + lambda * l1[b];
            total += f;
            if (ps != null) {
                ps.set(0, b, f);
            }
        }
        if (gradD != null) {
            blas.gemm(false, true, gradScale, r, zm, 0, Mat.of(gradD));
        }
        return batch == 0 ? 0 : total / batch;
    }

    /**
     * The per-sample part of the Lasso objective on columns [from, from + x.cols()) of the batch, with
     * {@code b}'s products: r = Dz − x, its squared norms and ‖z‖₁ into {@code squares} and {@code l1}, and,
     * with {@code gz}, gz = signScale·sign(z) + gradScale·Dᵀr.
     */
    private static void lossColumns(Blas b, Mat d, Mat x, Mat z, Mat r, double[] squares, double[] l1, Mat gz,
                                    double signScale, double gradScale, int from) {
        b.copy(x, r);
        b.gemm(false, false, 1, d, z, -1, r);
        b.columnSumSquares(r, squares, from);
        b.columnL1(z, l1, from);
        if (gz != null) {
            b.signScaled(z, signScale, gz);
            b.gemm(true, false, gradScale, d, r, 1, gz);
        }
    }

    /** The arguments of a split {@link #lassoObjective}, in a per-thread object reused from call to call. */
    private static final class LossColumns implements Workers.ReusedRange {
        private final Blas serial = new Blas(Workers.SERIAL);
        private Mat d;
        private Mat x;
        private Mat z;
        private Mat r;
        private double[] squares;
        private double[] l1;
        private Mat gz;
        private double signScale;
        private double gradScale;

        LossColumns set(Mat d, Mat x, Mat z, Mat r, double[] squares, double[] l1, Mat gz, double signScale,
                        double gradScale) {
            this.d = d;
            this.x = x;
            this.z = z;
            this.r = r;
            this.squares = squares;
            this.l1 = l1;
            this.gz = gz;
            this.signScale = signScale;
            this.gradScale = gradScale;
            return this;
        }

        @Override
        public void clear() {
            d = null;
            x = null;
            z = null;
            r = null;
            squares = null;
            l1 = null;
            gz = null;
        }

        @Override
        public void run(int from, int to) {
            lossColumns(serial, d, x.columns(from, to), z.columns(from, to), r.columns(from, to), squares, l1,
                    gz == null ? null : gz.columns(from, to), signScale, gradScale, from);
        }
    }

    @Override
    public double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        int batch = z.cols();
        Mat e = workspaces.get().get(0, z.dtype(), z.rows(), batch);
        blas.copy(Mat.of(z), e);
        blas.axpy(-1, Mat.of(target), e);
        double[] squares = Scratch.doubles(Scratch.SAMPLE_SQUARES, batch);
        blas.columnSumSquares(e, squares, 0);
        Mat ps = Mat.of(perSample);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double f = 0.5 * squares[b];
            total += f;
            if (ps != null) {
                ps.set(0, b, f);
            }
        }
        if (gradZ != null) {
            Mat gz = Mat.of(gradZ);
            blas.copy(e, gz);
            if (batch > 0) {
                blas.scale(1.0 / batch, gz);
            }
        }
        return batch == 0 ? 0 : total / batch;
    }

    @Override
    public void adamStep(Matrix param, Matrix grad, Matrix m, Matrix v, double lr, double beta1, double beta2,
                         double epsilon, long step) {
        blas.adam(Mat.of(param), Mat.of(grad), Mat.of(m), Mat.of(v), lr, beta1, beta2, epsilon, step);
    }

    @Override
    public void adamStepAll(List<Matrix> params, List<Matrix> grads, List<Matrix> m, List<Matrix> v, double lr,
                            double beta1, double beta2, double epsilon, long step) {
        blas.adamAll(params, grads, m, v, lr, beta1, beta2, epsilon, step);
    }

    @Override
    public void axpy(double a, Matrix x, Matrix y) {
        blas.axpy(a, Mat.of(x), Mat.of(y));
    }

    @Override
    public void scale(double a, Matrix x) {
        blas.scale(a, Mat.of(x));
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        blas.copy(Mat.of(src), Mat.of(dst));
    }

    @Override
    public void fill(Matrix x, double value) {
        blas.fill(Mat.of(x), value);
    }

    @Override
    public double sum(Matrix x) {
        return blas.sum(Mat.of(x));
    }

    @Override
    public double dot(Matrix x, Matrix y) {
        return blas.dot(Mat.of(x), Mat.of(y));
    }

    @Override
    public double maxAbs(Matrix x) {
        return blas.maxAbs(Mat.of(x));
    }

    @Override
    public double norm(Matrix x) {
        return blas.norm(Mat.of(x));
    }

    @Override
    public void close() {
        workers.close();
    }
}
