package dev.unroll.tck.providers;

import dev.unroll.engine.Capabilities;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.Storage;

import java.lang.foreign.MemorySegment;

/**
 * A backend that implements only the SPI's primitives, each handed to the reference backend's kernels, and
 * inherits everything else: the unrolled forward and reverse passes (composed from the primitives) and the
 * optimizer's whole-set step. The TCK runs its whole suite against it ({@value PrimitivesOnlyTestProvider#NAME}),
 * which shows that a new backend runs every network once it has the primitives, and keeps the reference from
 * growing an unrolled pass of its own unnoticed: it must give the same bits as this one.
 */
final class PrimitivesOnlyBackend implements BackendKernels {
    private final BackendKernels primitives;

    PrimitivesOnlyBackend(BackendKernels primitives) {
        this.primitives = primitives;
    }

    @Override
    public Capabilities capabilities() {
        return primitives.capabilities();
    }

    @Override
    public Storage allocate(DType dtype, long elements) {
        return primitives.allocate(dtype, elements);
    }

    @Override
    public void upload(float[] src, Matrix dst) {
        primitives.upload(src, dst);
    }

    @Override
    public void upload(double[] src, Matrix dst) {
        primitives.upload(src, dst);
    }

    @Override
    public void upload(MemorySegment src, Matrix dst) {
        primitives.upload(src, dst);
    }

    @Override
    public void download(Matrix src, float[] dst) {
        primitives.download(src, dst);
    }

    @Override
    public void download(Matrix src, double[] dst) {
        primitives.download(src, dst);
    }

    @Override
    public void download(Matrix src, MemorySegment dst) {
        primitives.download(src, dst);
    }

    @Override
    public void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        primitives.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        primitives.gemvStridedBatched(transA, alpha, a, x, beta, y);
    }

    @Override
    public void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask) {
        primitives.softThreshold(u, tauPerRow, scale, out, mask);
    }

    @Override
    public void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                                      Matrix signSums) {
        primitives.softThresholdBackward(u, tauPerRow, scale, gradOut, gradU, signSums);
    }

    @Override
    public void proxTv(Matrix u, double lambda, Matrix out) {
        primitives.proxTv(u, lambda, out);
    }

    @Override
    public void proxTvBackward(Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        primitives.proxTvBackward(out, gradOut, gradIn, lambdaGrads);
    }

    @Override
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ,
                                 Matrix gradD) {
        return primitives.lassoObjective(d, x, z, lambda, perSample, gradZ, gradD);
    }

    @Override
    public double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        return primitives.supervisedLoss(z, target, perSample, gradZ);
    }

    @Override
    public void adamStep(Matrix param, Matrix grad, Matrix m, Matrix v, double lr, double beta1, double beta2,
                         double epsilon, long step) {
        primitives.adamStep(param, grad, m, v, lr, beta1, beta2, epsilon, step);
    }

    @Override
    public void axpy(double a, Matrix x, Matrix y) {
        primitives.axpy(a, x, y);
    }

    @Override
    public void scale(double a, Matrix x) {
        primitives.scale(a, x);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        primitives.copy(src, dst);
    }

    @Override
    public void fill(Matrix x, double value) {
        primitives.fill(x, value);
    }

    @Override
    public double sum(Matrix x) {
        return primitives.sum(x);
    }

    @Override
    public double dot(Matrix x, Matrix y) {
        return primitives.dot(x, y);
    }

    @Override
    public double maxAbs(Matrix x) {
        return primitives.maxAbs(x);
    }

    @Override
    public double norm(Matrix x) {
        return primitives.norm(x);
    }

    @Override
    public void close() {
        primitives.close();
    }
}
