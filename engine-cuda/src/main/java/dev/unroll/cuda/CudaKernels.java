package dev.unroll.cuda;

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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The cuda backend's kernels: matrices live in device memory ({@link DeviceBuffer}); every operation runs on
 * the backend's one stream inside its execution lock ({@link Exec}), queued without host synchronisation
 * except where a host value is returned (reductions, losses, downloads). Products go to cuBLAS, the rest to
 * Unroll's kernels; the unrolled passes are in {@link UnrolledCuda}.
 *
 * <p>The 1-D prox-TV ({@code proxTv}, {@code proxTvBackward}) is the SPI's inherited host default: download,
 * the engine's taut string in double, upload (its downloads synchronise the stream). Correct and
 * conformance-tested like every primitive, but a round trip per call; the follow-up is a kernel with one thread
 * per signal (the taut string is sequential along a signal, so the batch is the parallelism), which needs new
 * kernel images.
 */
@SuppressWarnings("try") // the Exec.Scope resource only holds the execution lock
final class CudaKernels implements BackendKernels {
    private final Deque<AutoCloseable> resources;
    private final Exec exec;
    private final DeviceMemory memory;
    private final Transfers transfers;
    private final DeviceOps ops;
    private final UnrolledCuda unrolled;
    private final Losses losses;
    private final Map<String, String> details;
    private boolean closed;

    private CudaKernels(Deque<AutoCloseable> resources, Exec exec, DeviceMemory memory, Transfers transfers,
                        DeviceOps ops, UnrolledCuda unrolled, Map<String, String> details) {
        this.resources = resources;
        this.exec = exec;
        this.memory = memory;
        this.transfers = transfers;
        this.ops = ops;
        this.unrolled = unrolled;
        this.losses = new Losses(ops);
        this.details = details;
    }

    /** Starts on the configured device; everything opened is closed again if a later step fails. */
    static CudaKernels start(CudaSettings settings) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            DeviceContext context = push(opened, () -> DeviceContext.open(settings.device()));
            Exec exec = push(opened, () -> new Exec(context));
            try (Exec.Scope s = exec.enter()) {
                DeviceMemory memory = push(opened, () -> new DeviceMemory(exec));
                PinnedStaging staging = push(opened, () -> new PinnedStaging(exec));
                Blas blas = push(opened, () -> BlasChoice.open(settings, exec.stream()));
                KernelImages images = new KernelImages(settings.kernelsDir());
                KernelModule module = push(opened, () -> KernelModule.load(images, context.driverVersion()));
                Workspace workspace = push(opened, () -> new Workspace(memory));
                Transfers transfers = new Transfers(exec, staging);
                DeviceOps ops = new DeviceOps(new Launcher(exec, module), blas, workspace, transfers);
                UnrolledCuda unrolled = new UnrolledCuda(ops, new FusedForward(ops, context, settings.fused()));
                Map<String, String> details = new LinkedHashMap<>();
                details.put("device", context.ordinal() + ": " + context.name());
                details.put("computeCapability", context.computeCapability());
                details.put("driver", "CUDA " + DeviceContext.version(context.driverVersion()));
                details.put("cublas", blas.describe());
                details.put("kernels", module.imageName());
                details.put("fusedForward", String.valueOf(settings.fused()));
                return new CudaKernels(opened, exec, memory, transfers, ops, unrolled, details);
            }
        } catch (RuntimeException | LinkageError e) {
            closeAll(opened);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> opened, Supplier<T> make) {
        T t = make.get();
        opened.push(t);
        return t;
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception | LinkageError ignored) {
                // Best effort while unwinding a failed start or closing; the first error is what matters.
            }
        }
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, 0, true, 1, details);
    }

    @Override
    public Storage allocate(DType dtype, long elements) {
        return memory.allocate(dtype, elements);
    }

    @Override
    public void upload(float[] src, Matrix dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.upload(src, dst);
        }
    }

    @Override
    public void upload(double[] src, Matrix dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.upload(src, dst);
        }
    }

    @Override
    public void upload(MemorySegment src, Matrix dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.upload(src, dst);
        }
    }

    @Override
    public void download(Matrix src, float[] dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.download(src, dst);
        }
    }

    @Override
    public void download(Matrix src, double[] dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.download(src, dst);
        }
    }

    @Override
    public void download(Matrix src, MemorySegment dst) {
        try (Exec.Scope s = exec.enter()) {
            transfers.download(src, dst);
        }
    }

    @Override
    public void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        try (Exec.Scope s = exec.enter()) {
            ops.gemm(c.dtype(), transA == Transpose.YES, transB == Transpose.YES, alpha, Dev.of(a), Dev.of(b), beta,
                    Dev.of(c));
        }
    }

    @Override
    public void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        try (Exec.Scope s = exec.enter()) {
            ops.gemvStridedBatched(y.dtype(), transA == Transpose.YES, alpha, Dev.of(a), Dev.of(x), beta, Dev.of(y));
        }
    }

    @Override
    public void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask) {
        try (Exec.Scope s = exec.enter()) {
            ops.softThreshold(u.dtype(), Dev.of(u), Dev.orNull(tauPerRow), scale, Dev.of(out), Dev.orNull(mask));
        }
    }

    @Override
    public void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                                      Matrix signSums) {
        try (Exec.Scope s = exec.enter()) {
            unrolled.softThresholdBackward(u.dtype(), Dev.of(u), Dev.orNull(tauPerRow), scale, Dev.of(gradOut),
                    Dev.of(gradU), Dev.orNull(signSums));
        }
    }

    @Override
    public void unrolledForward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        if (!UnrolledCuda.covers(model.spec().parametrization())) {
            BackendKernels.super.unrolledForward(model, x, z0, layers, tape, zOut);
            return;
        }
        try (Exec.Scope s = exec.enter()) {
            unrolled.forward(model, x, z0, layers, tape, zOut);
        }
    }

    @Override
    public void unrolledBackward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads,
                                 Matrix gradD) {
        if (!UnrolledCuda.covers(model.spec().parametrization())) {
            BackendKernels.super.unrolledBackward(model, tape, gradZ, lastLayers, grads, gradD);
            return;
        }
        try (Exec.Scope s = exec.enter()) {
            unrolled.backward(model, tape, gradZ, lastLayers, grads, gradD);
        }
    }

    @Override
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ,
                                 Matrix gradD) {
        try (Exec.Scope s = exec.enter()) {
            return losses.lasso(d, x, z, lambda, perSample, gradZ, gradD);
        }
    }

    @Override
    public double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        try (Exec.Scope s = exec.enter()) {
            return losses.supervised(z, target, perSample, gradZ);
        }
    }

    @Override
    public void adamStep(Matrix param, Matrix grad, Matrix m, Matrix v, double lr, double beta1, double beta2,
                         double epsilon, long step) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        Dev p = Dev.of(param);
        if (p.size() == 0) {
            return;
        }
        Dev g = Dev.of(grad);
        Dev md = Dev.of(m);
        Dev vd = Dev.of(v);
        try (Exec.Scope s = exec.enter()) {
            ops.launcher().launch(Kernel.ADAM, param.dtype(), Launcher.blocksFor(p.size()), Launcher.args()
                    .p(p.ptr()).i(p.ld()).p(g.ptr()).i(g.ld()).p(md.ptr()).i(md.ld()).p(vd.ptr()).i(vd.ld())
                    .i(p.rows()).i(p.cols()).d(lr / bias1).d(Math.sqrt(bias2)).d(beta1).d(beta2).d(epsilon));
        }
    }

    @Override
    public void axpy(double a, Matrix x, Matrix y) {
        try (Exec.Scope s = exec.enter()) {
            ops.axpy(y.dtype(), a, Dev.of(x), Dev.of(y));
        }
    }

    @Override
    public void scale(double a, Matrix x) {
        try (Exec.Scope s = exec.enter()) {
            ops.scale(x.dtype(), Dev.of(x), a);
        }
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        try (Exec.Scope s = exec.enter()) {
            ops.copy(dst.dtype(), Dev.of(src), Dev.of(dst));
        }
    }

    @Override
    public void fill(Matrix x, double value) {
        try (Exec.Scope s = exec.enter()) {
            ops.fill(x.dtype(), Dev.of(x), value);
        }
    }

    @Override
    public double sum(Matrix x) {
        try (Exec.Scope s = exec.enter()) {
            return ops.reduce(x.dtype(), DeviceOps.RED_SUM, Dev.of(x), null, 1);
        }
    }

    @Override
    public double dot(Matrix x, Matrix y) {
        try (Exec.Scope s = exec.enter()) {
            return ops.reduce(x.dtype(), DeviceOps.RED_DOT, Dev.of(x), Dev.of(y), 1);
        }
    }

    @Override
    public double maxAbs(Matrix x) {
        try (Exec.Scope s = exec.enter()) {
            return ops.reduce(x.dtype(), DeviceOps.RED_MAXABS, Dev.of(x), null, 1);
        }
    }

    @Override
    public double norm(Matrix x) {
        try (Exec.Scope s = exec.enter()) {
            double big = ops.reduce(x.dtype(), DeviceOps.RED_MAXABS, Dev.of(x), null, 1);
            if (big == 0 || Double.isNaN(big) || Double.isInfinite(big)) {
                return big;
            }
            return big * Math.sqrt(ops.reduce(x.dtype(), DeviceOps.RED_SUMSQ_SCALED, Dev.of(x), null, big));
        }
    }

    /** Waits for all queued work (benchmarks and the smoke test time with it). */
    void synchronize() {
        try (Exec.Scope s = exec.enter()) {
            exec.synchronize();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try (Exec.Scope s = exec.enter()) {
            exec.synchronize();
        } catch (RuntimeException ignored) {
            // Closing anyway: a sticky error must not keep the memory allocated.
        }
        // Reverse order of start: workspace, module, cuBLAS, staging, memory (each needs the context current), stream, context.
        Deque<AutoCloseable> inScope = new ArrayDeque<>();
        while (resources.size() > 2) {
            inScope.addLast(resources.pop());
        }
        try (Exec.Scope s = exec.enter()) {
            closeAll(inScope);
        } catch (RuntimeException ignored) {
            closeAll(inScope);
        }
        closeAll(resources);
    }
}
