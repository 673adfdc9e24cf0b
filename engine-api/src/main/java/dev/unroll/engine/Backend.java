package dev.unroll.engine;

import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.Storage;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running compute backend and the front door to its kernels. It allocates and owns its matrices,
 * validates every call (shapes, precisions, ownership, finiteness of user data) and then hands the call to
 * the backend's {@link BackendKernels}. Obtain one with {@link Backends#open()} or {@link Backends#open(String)}.
 *
 * <p>Thread-safe: several threads may run operations at once as long as no two of them write the same
 * matrix. Closing the backend frees every matrix, tape and optimizer state it allocated.
 *
 * <p>Conventions: matrices are column-major; D is n×m (n = signal dimension, m = atoms); a batch of B
 * signals is X (n×B), its codes Z (m×B). The objective is the mean over samples,
 * F(Z) = (1/B) Σ_b [½‖x_b − D z_b‖² + λ‖z_b‖₁].
 */
public final class Backend implements AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final String name;
    private final String id;
    private final BackendKernels kernels;
    private final Set<Matrix> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    Backend(String name, BackendKernels kernels) {
        this.name = name;
        this.id = name + "#" + SERIAL.incrementAndGet();
        this.kernels = kernels;
    }

    /** The provider's name, e.g. "reference". */
    public String name() {
        return name;
    }

    /** The name plus a serial number telling instances apart in messages, e.g. "reference#2". */
    public String id() {
        return id;
    }

    /** What this backend offers. */
    public Capabilities capabilities() {
        requireOpen();
        return kernels.capabilities();
    }

    // ---------------------------------------------------------------- memory

    /** A zero-filled rows×cols matrix, packed (ld = rows). */
    public Matrix allocate(DType dtype, int rows, int cols) {
        return allocate(dtype, rows, cols, Math.max(rows, 1));
    }

    /** A zero-filled rows×cols matrix with leading dimension {@code ld} ≥ max(rows, 1). */
    public Matrix allocate(DType dtype, int rows, int cols, int ld) {
        requireOpen();
        Checks.present(dtype, "dtype");
        Checks.dimension(rows, "rows");
        Checks.dimension(cols, "cols");
        if (ld < Math.max(rows, 1)) {
            throw new ShapeMismatchException("leading dimension ld must be ≥ max(rows, 1) = " + Math.max(rows, 1)
                    + " for a " + rows + "×" + cols + " matrix, but is " + ld);
        }
        long elements = cols == 0 ? 0 : (long) ld * (cols - 1) + rows;
        Storage storage = kernels.allocate(dtype, elements);
        Matrix m = new Matrix(this, dtype, rows, cols, ld, 0, storage, null);
        live.add(m);
        if (closed.get()) {
            // Lost a race with close(): do not hand out memory nobody will free.
            release(m);
            requireOpen();
        }
        return m;
    }

    /** A new F32 matrix holding {@code data} (packed column-major, rows×cols). */
    public Matrix fromArray(float[] data, int rows, int cols) {
        Checks.present(data, "data");
        return filled(DType.F32, rows, cols, m -> upload(data, m));
    }

    /** A new F64 matrix holding {@code data} (packed column-major, rows×cols). */
    public Matrix fromArray(double[] data, int rows, int cols) {
        Checks.present(data, "data");
        return filled(DType.F64, rows, cols, m -> upload(data, m));
    }

    /** A new matrix written by {@code fill}; freed again if the fill is rejected, so nothing leaks. */
    private Matrix filled(DType dtype, int rows, int cols, java.util.function.Consumer<Matrix> fill) {
        Matrix m = allocate(dtype, rows, cols);
        try {
            fill.accept(m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Copies packed column-major {@code src} (rows·cols floats, all finite) into the F32 matrix {@code dst}. */
    public void upload(float[] src, Matrix dst) {
        hostArray(dst, DType.F32, Checks.present(src, "source array").length, "upload destination", "source array");
        Checks.finite(src, dst.rows(), "uploaded data");
        kernels.upload(src, dst);
    }

    /** Copies packed column-major {@code src} (rows·cols doubles, all finite) into the F64 matrix {@code dst}. */
    public void upload(double[] src, Matrix dst) {
        hostArray(dst, DType.F64, Checks.present(src, "source array").length, "upload destination", "source array");
        Checks.finite(src, dst.rows(), "uploaded data");
        kernels.upload(src, dst);
    }

    /**
     * Copies a packed column-major segment (rows·cols elements of the matrix's precision, native byte
     * order, all finite) into {@code dst}. Heap and native segments are both accepted.
     */
    public void upload(MemorySegment src, Matrix dst) {
        owned(dst, "upload destination");
        requireSegment(Checks.present(src, "source segment"), dst, "source segment");
        Checks.finite(src, dst.dtype(), dst.rows(), "uploaded data");
        kernels.upload(src, dst);
    }

    /** Copies the F32 matrix {@code src} into {@code dst} (packed column-major, rows·cols floats). */
    public void download(Matrix src, float[] dst) {
        hostArray(src, DType.F32, Checks.present(dst, "destination array").length, "download source", "destination array");
        kernels.download(src, dst);
    }

    /** Copies the F64 matrix {@code src} into {@code dst} (packed column-major, rows·cols doubles). */
    public void download(Matrix src, double[] dst) {
        hostArray(src, DType.F64, Checks.present(dst, "destination array").length, "download source", "destination array");
        kernels.download(src, dst);
    }

    /** Copies {@code src} into a packed column-major segment in native byte order. */
    public void download(Matrix src, MemorySegment dst) {
        owned(src, "download source");
        requireSegment(Checks.present(dst, "destination segment"), src, "destination segment");
        if (dst.isReadOnly()) {
            throw new InvalidArgumentException("destination segment is read-only; pass a writable segment");
        }
        kernels.download(src, dst);
    }

    /** The contents of an F32 matrix as a new packed column-major array. */
    public float[] toFloatArray(Matrix src) {
        owned(src, "download source");
        requireHostType(src, DType.F32, "float[]");
        float[] out = new float[Math.toIntExact(src.size())];
        kernels.download(src, out);
        return out;
    }

    /** The contents of a matrix of either precision as a new packed column-major double array (exact). */
    public double[] toDoubleArray(Matrix src) {
        owned(src, "download source");
        double[] out = new double[Math.toIntExact(src.size())];
        if (src.dtype() == DType.F64) {
            kernels.download(src, out);
        } else {
            float[] tmp = new float[out.length];
            kernels.download(src, tmp);
            for (int i = 0; i < tmp.length; i++) {
                out[i] = tmp[i];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- dense products

    /**
     * {@code C ← α·op(A)·op(B) + β·C}, BLAS GEMM. With a batch of signals as the columns of B this is the
     * batched GEMV of the SPI. With β = 0, C is not read.
     *
     * @throws ShapeMismatchException when op(A) is not p×k, op(B) k×q and C p×q
     */
    public void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        Checks.present(transA, "transA");
        Checks.present(transB, "transB");
        owned(a, "A");
        owned(b, "B");
        owned(c, "C");
        Checks.finite(alpha, "α");
        Checks.finite(beta, "β");
        DType t = a.dtype();
        Checks.dtype(b, t, "B");
        Checks.dtype(c, t, "C");
        int p = transA.rowsOf(a.rows(), a.cols());
        int k = transA.colsOf(a.rows(), a.cols());
        int kb = transB.rowsOf(b.rows(), b.cols());
        int q = transB.colsOf(b.rows(), b.cols());
        if (k != kb) {
            throw new ShapeMismatchException("GEMM inner dimensions differ: op(A) is " + p + "×" + k + " (A " + a.shape()
                    + ", transA=" + transA + ") but op(B) is " + kb + "×" + q + " (B " + b.shape() + ", transB="
                    + transB + "); op(A)'s columns must equal op(B)'s rows");
        }
        Checks.shape(c, p, q, "C", "rows of op(A) × columns of op(B)");
        Checks.disjoint(c, "C", a, "A");
        Checks.disjoint(c, "C", b, "B");
        kernels.gemm(transA, transB, alpha, a, b, beta, c);
    }

    /** {@code C ← α·A·B + β·C} without transposes. */
    public void gemm(double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        gemm(Transpose.NO, Transpose.NO, alpha, a, b, beta, c);
    }

    /**
     * A strided batch of distinct matrix–vector products. {@code a} holds {@code x.cols()} matrices side by
     * side, each of {@code a.cols() / x.cols()} columns; product k uses the k-th of them with column k of
     * {@code x} and writes column k of {@code y}: {@code y_k ← α·op(A_k)·x_k + β·y_k}.
     */
    public void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y) {
        Checks.present(transA, "transA");
        owned(a, "A");
        owned(x, "x");
        owned(y, "y");
        Checks.finite(alpha, "α");
        Checks.finite(beta, "β");
        Checks.dtype(x, a.dtype(), "x");
        Checks.dtype(y, a.dtype(), "y");
        int count = x.cols();
        if (count == 0 ? a.cols() != 0 : a.cols() % count != 0) {
            throw new ShapeMismatchException("A must hold x.cols() = " + count + " matrices side by side, so its "
                    + a.cols() + " columns must be a multiple of " + count);
        }
        int each = count == 0 ? 0 : a.cols() / count;
        int inLen = transA.colsOf(a.rows(), each);
        int outLen = transA.rowsOf(a.rows(), each);
        if (x.rows() != inLen || x.cols() != count) { // the message is built only when needed: no allocation per call
            Checks.shape(x, inLen, count, "x", "one input vector per matrix, of length " + inLen + " for op(A_k) "
                    + outLen + "×" + inLen);
        }
        Checks.shape(y, outLen, count, "y", "one output vector per matrix");
        Checks.disjoint(y, "y", a, "A");
        Checks.disjoint(y, "y", x, "x");
        kernels.gemvStridedBatched(transA, alpha, a, x, beta, y);
    }

    // ---------------------------------------------------------------- soft-thresholding

    /**
     * {@code out = ST(u, τ) = sign(u)·max(|u| − τ, 0)} with a scalar τ. When {@code mask} is not null it
     * receives 1 where |u| &gt; τ and 0 elsewhere (what the reverse mode needs). {@code out} may be {@code u}.
     */
    public void softThreshold(Matrix u, double tau, Matrix out, Matrix mask) {
        Checks.finite(tau, "threshold τ");
        thresholdChecks(u, out, mask);
        kernels.softThreshold(u, null, tau, out, mask);
    }

    /**
     * {@code out = ST(u, scale·τ_i)} with one threshold per row (τ is rows×1), e.g. λθ for per-atom θ.
     * {@code mask} as in {@link #softThreshold(Matrix, double, Matrix, Matrix)}.
     */
    public void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask) {
        Checks.finite(scale, "threshold scale");
        thresholdChecks(u, out, mask);
        owned(tauPerRow, "per-row thresholds");
        Checks.dtype(tauPerRow, u.dtype(), "per-row thresholds");
        Checks.shape(tauPerRow, u.rows(), 1, "per-row thresholds", "one threshold per row of u");
        Checks.disjoint(out, "output", tauPerRow, "per-row thresholds");
        kernels.softThreshold(u, tauPerRow, scale, out, mask);
    }

    /**
     * The reverse of {@link #softThreshold(Matrix, double, Matrix, Matrix)}: {@code gradU = 1{|u| > τ} ⊙ gradOut}
     * (the strict mask: a tie |u| = τ gets 0) and, when {@code signSums} (rows×1) is not null, the row sums
     * Σ_j sign(u_ij)·gradU_ij, of which ∂ℓ/∂τ_i is the negative. {@code gradU} may be {@code gradOut}.
     * With τ = 0 the mask is 1{u ≠ 0}: the reverse mode of any step whose output is zero off a support.
     */
    public void softThresholdBackward(Matrix u, double tau, Matrix gradOut, Matrix gradU, Matrix signSums) {
        Checks.finite(tau, "threshold τ");
        thresholdBackwardChecks(u, gradOut, gradU, signSums);
        kernels.softThresholdBackward(u, null, tau, gradOut, gradU, signSums);
    }

    /**
     * {@link #softThresholdBackward(Matrix, double, Matrix, Matrix, Matrix)} with one threshold per row,
     * τ_i = scale·tauPerRow_i.
     */
    public void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                                      Matrix signSums) {
        Checks.finite(scale, "threshold scale");
        thresholdBackwardChecks(u, gradOut, gradU, signSums);
        owned(tauPerRow, "per-row thresholds");
        Checks.dtype(tauPerRow, u.dtype(), "per-row thresholds");
        Checks.shape(tauPerRow, u.rows(), 1, "per-row thresholds", "one threshold per row of u");
        Checks.disjoint(gradU, "gradU", tauPerRow, "per-row thresholds");
        Checks.disjoint(signSums, "signSums", tauPerRow, "per-row thresholds");
        kernels.softThresholdBackward(u, tauPerRow, scale, gradOut, gradU, signSums);
    }

    // ---------------------------------------------------------------- 1-D total-variation prox

    /**
     * The exact prox of 1-D total variation on every column, {@code out_j = argmin_v ½‖v − u_j‖² + λ‖Δv‖₁}
     * (each column a signal of length {@code u.rows()}), by the taut string in O(rows) per column
     * (docs/science.md §9). λ = 0 is the identity; a λ beyond the string's reach gives each column's mean.
     * {@code out} may be {@code u} itself.
     *
     * @throws InvalidArgumentException when λ &lt; 0
     */
    public void proxTv(Matrix u, double lambda, Matrix out) {
        Checks.finite(lambda, "TV weight λ");
        if (lambda < 0) {
            throw new InvalidArgumentException("TV weight λ must be ≥ 0, but is " + lambda);
        }
        thresholdChecks(u, out, null);
        kernels.proxTv(u, lambda, out);
    }

    /**
     * The reverse of {@link #proxTv}, from its output {@code out}: {@code gradIn} = ∂ℓ/∂u, which is
     * {@code gradOut} averaged over each constant piece of {@code out}, and, when {@code lambdaGrads} (1×cols)
     * is not null, each column's ∂ℓ/∂λ (sum them for a λ shared by the batch). {@code gradIn} may be
     * {@code gradOut} itself (docs/science.md §5).
     */
    public void proxTvBackward(Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        owned(out, "prox output");
        owned(gradOut, "gradOut");
        owned(gradIn, "gradIn");
        Checks.dtype(gradOut, out.dtype(), "gradOut");
        Checks.dtype(gradIn, out.dtype(), "gradIn");
        Checks.shape(gradOut, out.rows(), out.cols(), "gradOut", "same shape as the prox output");
        Checks.shape(gradIn, out.rows(), out.cols(), "gradIn", "same shape as the prox output");
        Checks.disjoint(gradIn, "gradIn", out, "prox output");
        if (!(gradIn.sameRoot(gradOut) && gradIn.offset() == gradOut.offset() && gradIn.ld() == gradOut.ld())) {
            Checks.disjoint(gradIn, "gradIn", gradOut, "gradOut");
        }
        if (lambdaGrads != null) {
            owned(lambdaGrads, "lambdaGrads");
            Checks.dtype(lambdaGrads, out.dtype(), "lambdaGrads");
            Checks.shape(lambdaGrads, 1, out.cols(), "lambdaGrads", "one ∂ℓ/∂λ per column");
            Checks.disjoint(lambdaGrads, "lambdaGrads", out, "prox output");
            Checks.disjoint(lambdaGrads, "lambdaGrads", gradOut, "gradOut");
            Checks.disjoint(lambdaGrads, "lambdaGrads", gradIn, "gradIn");
        }
        kernels.proxTvBackward(out, gradOut, gradIn, lambdaGrads);
    }

    private void thresholdBackwardChecks(Matrix u, Matrix gradOut, Matrix gradU, Matrix signSums) {
        owned(u, "u");
        owned(gradOut, "gradOut");
        owned(gradU, "gradU");
        Checks.dtype(gradOut, u.dtype(), "gradOut");
        Checks.dtype(gradU, u.dtype(), "gradU");
        Checks.shape(gradOut, u.rows(), u.cols(), "gradOut", "same shape as u");
        Checks.shape(gradU, u.rows(), u.cols(), "gradU", "same shape as u");
        Checks.disjoint(gradU, "gradU", u, "u");
        if (!(gradU.sameRoot(gradOut) && gradU.offset() == gradOut.offset() && gradU.ld() == gradOut.ld())) {
            Checks.disjoint(gradU, "gradU", gradOut, "gradOut");
        }
        if (signSums != null) {
            owned(signSums, "signSums");
            Checks.dtype(signSums, u.dtype(), "signSums");
            Checks.shape(signSums, u.rows(), 1, "signSums", "one sum per row of u");
            Checks.disjoint(signSums, "signSums", u, "u");
            Checks.disjoint(signSums, "signSums", gradOut, "gradOut");
            Checks.disjoint(signSums, "signSums", gradU, "gradU");
        }
    }

    private void thresholdChecks(Matrix u, Matrix out, Matrix mask) {
        owned(u, "u");
        owned(out, "output");
        Checks.dtype(out, u.dtype(), "output");
        Checks.shape(out, u.rows(), u.cols(), "output", "same shape as u");
        if (!(out.sameRoot(u) && out.offset() == u.offset() && out.ld() == u.ld())) {
            Checks.disjoint(out, "output", u, "u");
        }
        if (mask != null) {
            owned(mask, "mask");
            Checks.dtype(mask, u.dtype(), "mask");
            Checks.shape(mask, u.rows(), u.cols(), "mask", "same shape as u");
            Checks.disjoint(mask, "mask", u, "u");
            Checks.disjoint(mask, "mask", out, "output");
        }
    }

    // ---------------------------------------------------------------- unrolled networks

    /** Zero-filled parameters for {@code spec} (initialisation is the caller's: e.g. the ISTA-equivalent one). */
    public ParameterSet newParameters(NetworkSpec spec) {
        Checks.present(spec, "network spec");
        List<List<Matrix>> layers = new ArrayList<>();
        try {
            for (int t = 0; t < spec.layers(); t++) {
                List<Matrix> layer = new ArrayList<>();
                layers.add(layer);
                for (ParamKind kind : spec.parametrization().layout(t)) {
                    layer.add(allocate(spec.dtype(), kind.rows(spec.signalDim(), spec.atoms()),
                            kind.cols(spec.signalDim(), spec.atoms())));
                }
            }
        } catch (RuntimeException e) {
            layers.forEach(l -> l.forEach(Matrix::close));
            throw e;
        }
        return new ParameterSet(spec, layers);
    }

    /** A tape recording every layer of passes of {@code spec} on batches of up to {@code capacity} samples. */
    public Tape newTape(NetworkSpec spec, int capacity) {
        return newTape(spec, capacity, Checks.present(spec, "network spec").layers());
    }

    /**
     * A tape for passes of {@code spec} on batches of up to {@code capacity} samples that records only the last
     * {@code window} layers of each pass: enough for back-propagation truncated to {@code window} layers, at
     * window/T of a full tape's memory (and of its writes).
     */
    public Tape newTape(NetworkSpec spec, int capacity, int window) {
        Checks.present(spec, "network spec");
        if (capacity < 1) {
            throw new InvalidArgumentException("tape capacity must be ≥ 1 sample, but is " + capacity);
        }
        if (window < 1 || window > spec.layers()) {
            throw new InvalidArgumentException("tape window must be in 1.." + spec.layers() + " (the layers it records "
                    + "for the reverse mode), but is " + window);
        }
        Matrix[] z = new Matrix[window + 1];
        Matrix[] u = new Matrix[window + 1];
        Matrix[] r = spec.parametrization() == Parametrization.LISTA ? null : new Matrix[window + 1];
        try {
            for (int t = 0; t <= window; t++) {
                z[t] = allocate(spec.dtype(), spec.atoms(), capacity);
                if (t > 0) {
                    u[t] = allocate(spec.dtype(), spec.atoms(), capacity);
                    if (r != null) {
                        r[t] = allocate(spec.dtype(), spec.signalDim(), capacity);
                    }
                }
            }
        } catch (RuntimeException e) {
            Tape.closeAll(z);
            Tape.closeAll(u);
            Tape.closeAll(r);
            throw e;
        }
        return new Tape(this, spec, capacity, z, u, r);
    }

    /** All T layers from z₀ = 0, recording on {@code tape} (may be null for inference), output into {@code zOut}. */
    public void unrolledForward(UnrolledModel model, Matrix x, Tape tape, Matrix zOut) {
        unrolledForward(model, x, null, model.spec().layers(), tape, zOut);
    }

    /**
     * Runs the first {@code layers} layers of the network on the batch {@code x} (n×B) from {@code z0}
     * (m×B, or null for zeros). Writes z_layers into {@code zOut} (m×B) unless it is null. When {@code tape}
     * is not null the pass is recorded on it for {@link #unrolledBackward}; at least one of {@code tape} and
     * {@code zOut} must be given.
     */
    public void unrolledForward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        DType t = checkModel(model);
        NetworkSpec spec = model.spec();
        owned(x, "input batch X");
        Checks.dtype(x, t, "input batch X");
        if (x.rows() != spec.signalDim()) {
            throw new ShapeMismatchException("input batch X must have n = " + spec.signalDim()
                    + " rows (one signal per column), but is " + x.shape());
        }
        int batch = x.cols();
        if (layers < 1 || layers > spec.layers()) {
            throw new InvalidArgumentException("layers must be in 1.." + spec.layers() + " for this " + spec.layers()
                    + "-layer network, but is " + layers);
        }
        if (z0 != null) {
            owned(z0, "starting codes z0");
            Checks.dtype(z0, t, "starting codes z0");
            Checks.shape(z0, spec.atoms(), batch, "starting codes z0", "m atoms × batch");
        }
        if (tape == null && zOut == null) {
            throw new InvalidArgumentException("unrolledForward needs somewhere to write: pass a tape, an output "
                    + "matrix zOut, or both");
        }
        if (zOut != null) {
            owned(zOut, "output codes zOut");
            Checks.dtype(zOut, t, "output codes zOut");
            Checks.shape(zOut, spec.atoms(), batch, "output codes zOut", "m atoms × batch");
            Checks.disjoint(zOut, "output codes zOut", x, "input batch X");
            Checks.disjoint(zOut, "output codes zOut", z0, "starting codes z0");
        }
        if (tape != null) {
            ownedTape(tape);
            if (!tape.spec().equals(spec)) {
                throw new ShapeMismatchException("the tape was made for " + tape.spec() + " but the model is " + spec
                        + "; allocate a tape with newTape(model.spec(), batch)");
            }
            if (batch > tape.capacity()) {
                throw new ShapeMismatchException("the batch has " + batch + " samples but the tape holds at most "
                        + tape.capacity() + "; allocate a larger tape or split the batch");
            }
            tape.bind(model, x, z0, layers);
        }
        kernels.unrolledForward(model, x, z0, layers, tape, zOut);
    }

    /** Reverse mode through every layer the tape recorded; see {@link #unrolledBackward(UnrolledModel, Tape, Matrix, ParameterSet, Matrix, int)}. */
    public void unrolledBackward(UnrolledModel model, Tape tape, Matrix gradZ, ParameterSet grads, Matrix gradD) {
        unrolledBackward(model, tape, gradZ, grads, gradD, tape == null ? 0 : tape.layersRun() - tape.recordedFrom());
    }

    /**
     * Reverse mode through the forward pass recorded on {@code tape}: from {@code gradZ} = ∂ℓ/∂z_k (m×B,
     * k the layers run) it writes ∂ℓ/∂p for every parameter into {@code grads} (overwritten; layers that
     * were not run or not differentiated get 0) and, when {@code gradD} (n×m) is not null, the part of ∂ℓ/∂D
     * that flows through the layers (add the loss's own ∂ℓ/∂D, from {@link #lassoObjective}, for the total).
     * Only the last {@code lastLayers} layers are differentiated (truncated back-propagation: z at layer
     * k − lastLayers counts as a constant); {@code lastLayers} = k is full back-propagation and 0 gives only
     * zeros. {@code lastLayers} cannot exceed the layers the tape recorded (its {@link Tape#window()}).
     */
    public void unrolledBackward(UnrolledModel model, Tape tape, Matrix gradZ, ParameterSet grads, Matrix gradD,
                                 int lastLayers) {
        DType t = checkModel(model);
        NetworkSpec spec = model.spec();
        ownedTape(Checks.present(tape, "tape"));
        if (!tape.isRecorded()) {
            throw new InvalidArgumentException("the tape holds no forward pass: run unrolledForward with this tape "
                    + "before unrolledBackward");
        }
        if (!tape.spec().equals(spec)) {
            throw new ShapeMismatchException("the tape recorded a " + tape.spec() + " but the model is " + spec);
        }
        if (!sameModel(tape.model(), model)) {
            throw new InvalidArgumentException("the tape was recorded with another model (other parameters, D, W̃ or λ); "
                    + "run the backward pass with the model of the forward pass");
        }
        owned(tape.input(), "the tape's input batch X");
        owned(gradZ, "gradZ");
        Checks.dtype(gradZ, t, "gradZ");
        Checks.shape(gradZ, spec.atoms(), tape.batch(), "gradZ", "∂ℓ/∂z of the recorded batch, m atoms × batch");
        ownedParams(Checks.present(grads, "grads"), "grads", spec);
        if (grads == model.params()) {
            throw new InvalidArgumentException("grads must be a separate ParameterSet from the model's parameters; "
                    + "allocate one with newParameters(spec)");
        }
        if (gradD != null) {
            owned(gradD, "gradD");
            Checks.dtype(gradD, t, "gradD");
            Checks.shape(gradD, spec.signalDim(), spec.atoms(), "gradD", "same shape as D, n×m");
            Checks.disjoint(gradD, "gradD", model.dictionary(), "D");
        }
        int recorded = tape.layersRun() - tape.recordedFrom();
        if (lastLayers < 0 || lastLayers > recorded) {
            throw new InvalidArgumentException("lastLayers (truncation depth) must be in 0.." + recorded
                    + " (the layers recorded on the tape" + (recorded < tape.layersRun() ? ": its window is "
                    + tape.window() + " of the " + tape.layersRun() + " layers run" : "") + "), but is " + lastLayers);
        }
        kernels.unrolledBackward(model, tape, gradZ, lastLayers, grads, gradD);
    }

    private static boolean sameModel(UnrolledModel a, UnrolledModel b) {
        return a.params() == b.params() && a.dictionary() == b.dictionary()
                && a.analyticWeights() == b.analyticWeights() && Double.compare(a.lambda(), b.lambda()) == 0;
    }

    private DType checkModel(UnrolledModel model) {
        Checks.present(model, "model");
        NetworkSpec spec = model.spec();
        DType t = spec.dtype();
        ownedParams(model.params(), "model parameters", spec);
        Matrix d = model.dictionary();
        owned(d, "dictionary D");
        Checks.dtype(d, t, "dictionary D");
        Checks.shape(d, spec.signalDim(), spec.atoms(), "dictionary D", "n signal dimensions × m atoms");
        Matrix w = model.analyticWeights();
        if (spec.parametrization() == Parametrization.ALISTA) {
            if (w == null) {
                throw new InvalidArgumentException("an alista model needs its analytic weights W̃ (n×m, same shape as D); "
                        + "compute them from D and pass them as analyticWeights");
            }
            owned(w, "analytic weights W̃");
            Checks.dtype(w, t, "analytic weights W̃");
            Checks.shape(w, spec.signalDim(), spec.atoms(), "analytic weights W̃", "same shape as D");
        } else if (w != null) {
            throw new InvalidArgumentException("analytic weights W̃ are used by alista only, but the model is "
                    + spec.parametrization().id() + "; pass null");
        }
        Checks.positive(model.lambda(), "λ");
        return t;
    }

    // ---------------------------------------------------------------- losses

    /** The Lasso objective F(Z) (mean over the B columns). */
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda) {
        return lassoObjective(d, x, z, lambda, null, null, null);
    }

    /**
     * The Lasso objective F(Z) = (1/B) Σ_b [½‖x_b − D z_b‖² + λ‖z_b‖₁], with optional outputs: each sample's
     * term ({@code perSample}, 1×B), ∂F/∂Z = (1/B)[Dᵀ(DZ − X) + λ sign(Z)] ({@code gradZ}, m×B) and
     * ∂F/∂D = (1/B)(DZ − X)Zᵀ ({@code gradD}, n×m).
     */
    public double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ,
                                 Matrix gradD) {
        owned(d, "dictionary D");
        owned(x, "signals X");
        owned(z, "codes Z");
        DType t = d.dtype();
        Checks.dtype(x, t, "signals X");
        Checks.dtype(z, t, "codes Z");
        Checks.positive(lambda, "λ");
        int n = d.rows();
        int m = d.cols();
        if (x.rows() != n) {
            throw new ShapeMismatchException("signals X must have n = " + n + " rows (D is " + d.shape()
                    + "), but is " + x.shape());
        }
        int batch = x.cols();
        Checks.shape(z, m, batch, "codes Z", "m atoms × the batch of X");
        optionalOutput(perSample, t, 1, batch, "perSample", "one value per sample");
        optionalOutput(gradZ, t, m, batch, "gradZ", "same shape as Z");
        optionalOutput(gradD, t, n, m, "gradD", "same shape as D");
        // Spelled out rather than looped over two arrays: the arrays were the call's only allocation.
        disjointFromInputs(perSample, d, x, z);
        disjointFromInputs(gradZ, d, x, z);
        disjointFromInputs(gradD, d, x, z);
        return kernels.lassoObjective(d, x, z, lambda, perSample, gradZ, gradD);
    }

    /**
     * The supervised loss (1/B) Σ_b ½‖z_b − z*_b‖², with optional per-sample terms and ∂/∂Z = (Z − Z*)/B.
     */
    public double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ) {
        owned(z, "codes Z");
        owned(target, "target codes Z*");
        Checks.dtype(target, z.dtype(), "target codes Z*");
        Checks.shape(target, z.rows(), z.cols(), "target codes Z*", "same shape as Z");
        optionalOutput(perSample, z.dtype(), 1, z.cols(), "perSample", "one value per sample");
        optionalOutput(gradZ, z.dtype(), z.rows(), z.cols(), "gradZ", "same shape as Z");
        Checks.disjoint(perSample, "output", z, "Z");
        Checks.disjoint(perSample, "output", target, "Z*");
        Checks.disjoint(gradZ, "output", z, "Z");
        Checks.disjoint(gradZ, "output", target, "Z*");
        return kernels.supervisedLoss(z, target, perSample, gradZ);
    }

    private void optionalOutput(Matrix m, DType t, int rows, int cols, String role, String why) {
        if (m != null) {
            owned(m, role);
            Checks.dtype(m, t, role);
            Checks.shape(m, rows, cols, role, why);
        }
    }

    // ---------------------------------------------------------------- optimizers

    /** A fresh optimizer state (zero moments, step 0) for parameters of {@code spec}. */
    public OptimizerState newOptimizerState(Optimizer optimizer, NetworkSpec spec) {
        Checks.present(optimizer, "optimizer");
        Checks.present(spec, "network spec");
        Checks.positive(optimizer.learningRate(), "learning rate");
        if (optimizer instanceof Optimizer.Adam adam) {
            Checks.unitInterval(adam.beta1(), "Adam β₁");
            Checks.unitInterval(adam.beta2(), "Adam β₂");
            Checks.positive(adam.epsilon(), "Adam ε");
            ParameterSet m = newParameters(spec);
            try {
                return new OptimizerState(this, optimizer, spec, m, newParameters(spec));
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return new OptimizerState(this, optimizer, spec, null, null);
    }

    /** One optimizer step: every parameter moves along its gradient by the state's rule and learning rate. */
    public void optimizerStep(OptimizerState state, ParameterSet params, ParameterSet grads) {
        requireOpen();
        Checks.present(state, "optimizer state");
        if (state.owner() != this) {
            throw foreign("optimizer state", state.owner());
        }
        ownedParams(params, "params", state.spec());
        ownedParams(grads, "grads", state.spec());
        if (params == grads) {
            throw new InvalidArgumentException("params and grads must be two different ParameterSets");
        }
        long step = state.nextStep();
        List<Matrix> p = params.all();
        List<Matrix> g = grads.all();
        if (state.optimizer() instanceof Optimizer.Adam adam) {
            kernels.adamStepAll(p, g, state.firstMoment().all(), state.secondMoment().all(), state.learningRate(),
                    adam.beta1(), adam.beta2(), adam.epsilon(), step);
        } else {
            for (int i = 0; i < p.size(); i++) {
                kernels.axpy(-state.learningRate(), g.get(i), p.get(i));
            }
        }
    }

    /** {@code y ← a·x + y} for every matrix of two parameter sets of one spec (e.g. a backtracking move). */
    public void axpy(double a, ParameterSet x, ParameterSet y) {
        Checks.finite(a, "a");
        ownedParams(x, "x", Checks.present(y, "y").spec());
        ownedParams(y, "y", y.spec());
        for (int i = 0; i < x.all().size(); i++) {
            kernels.axpy(a, x.all().get(i), y.all().get(i));
        }
    }

    /** {@code dst ← src} for every matrix of two parameter sets of one spec. */
    public void copy(ParameterSet src, ParameterSet dst) {
        ownedParams(src, "source parameters", Checks.present(dst, "destination parameters").spec());
        ownedParams(dst, "destination parameters", dst.spec());
        for (int i = 0; i < src.all().size(); i++) {
            kernels.copy(src.all().get(i), dst.all().get(i));
        }
    }

    // ---------------------------------------------------------------- elementwise and reductions

    /** {@code y ← a·x + y}. */
    public void axpy(double a, Matrix x, Matrix y) {
        Checks.finite(a, "a");
        sameShape(x, "x", y, "y");
        Checks.disjoint(y, "y", x, "x");
        kernels.axpy(a, x, y);
    }

    /** {@code x ← a·x}. */
    public void scale(double a, Matrix x) {
        Checks.finite(a, "a");
        owned(x, "x");
        kernels.scale(a, x);
    }

    /** {@code dst ← src} (same shape and precision). */
    public void copy(Matrix src, Matrix dst) {
        sameShape(src, "source", dst, "destination");
        Checks.disjoint(dst, "destination", src, "source");
        kernels.copy(src, dst);
    }

    /** Sets every element to {@code value}. */
    public void fill(Matrix x, double value) {
        Checks.finite(value, "fill value");
        owned(x, "x");
        kernels.fill(x, value);
    }

    /** Σ x_ij. */
    public double sum(Matrix x) {
        owned(x, "x");
        return kernels.sum(x);
    }

    /** Σ x_ij·y_ij (the Frobenius inner product). */
    public double dot(Matrix x, Matrix y) {
        sameShape(x, "x", y, "y");
        return kernels.dot(x, y);
    }

    /** max |x_ij|. */
    public double maxAbs(Matrix x) {
        owned(x, "x");
        return kernels.maxAbs(x);
    }

    /** The Frobenius norm √(Σ x_ij²). */
    public double norm(Matrix x) {
        owned(x, "x");
        return kernels.norm(x);
    }

    // ---------------------------------------------------------------- life cycle

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Frees every matrix, tape and state this backend allocated, then the backend itself (idempotent). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Matrix m : List.copyOf(live)) {
                m.close();
            }
            kernels.close();
        }
    }

    void release(Matrix m) {
        if (live.remove(m)) {
            m.storage().release();
        }
    }

    @Override
    public String toString() {
        return "Backend[" + id + (closed.get() ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- checks needing the owner

    private void requireOpen() {
        if (closed.get()) {
            throw new OwnershipException("backend " + id + " has been closed; open a new one with Backends.open(\""
                    + name + "\")");
        }
    }

    private void owned(Matrix m, String role) {
        requireOpen();
        Checks.present(m, role);
        if (m.backend() != this) {
            throw foreign(role + " " + m, m.backend());
        }
        Checks.open(m, role);
    }

    private OwnershipException foreign(String what, Backend other) {
        return new OwnershipException(what + " belongs to backend " + other.id() + ", not to " + id
                + "; matrices cannot be mixed across backends: download it from " + other.id()
                + " and upload it here");
    }

    private void ownedTape(Tape tape) {
        requireOpen();
        if (tape.owner() != this) {
            throw foreign("tape", tape.owner());
        }
        if (tape.isClosed()) {
            throw new OwnershipException("the tape has been closed; allocate a new one with newTape(spec, batch)");
        }
    }

    private void ownedParams(ParameterSet set, String role, NetworkSpec spec) {
        requireOpen();
        Checks.present(set, role);
        if (!set.spec().equals(spec)) {
            throw new ShapeMismatchException(role + " were made for " + set.spec() + " but " + spec
                    + " is expected; allocate them with newParameters(spec)");
        }
        for (Matrix m : set.all()) {
            owned(m, role);
        }
    }

    private static void disjointFromInputs(Matrix out, Matrix a, Matrix b, Matrix c) {
        Checks.disjoint(out, "output", a, "input");
        Checks.disjoint(out, "output", b, "input");
        Checks.disjoint(out, "output", c, "input");
    }

    private void sameShape(Matrix x, String xRole, Matrix y, String yRole) {
        owned(x, xRole);
        owned(y, yRole);
        Checks.dtype(y, x.dtype(), yRole);
        if (y.rows() != x.rows() || y.cols() != x.cols()) { // the message is built only when needed
            Checks.shape(y, x.rows(), x.cols(), yRole, "same shape as " + xRole);
        }
    }

    /** A matrix of this backend exchanged with a packed host array of {@code length} elements of {@code expected}. */
    private void hostArray(Matrix m, DType expected, int length, String matrixRole, String arrayRole) {
        owned(m, matrixRole);
        requireHostType(m, expected, expected.javaType() + "[]");
        requireLength(length, m, arrayRole);
    }

    private static void requireHostType(Matrix m, DType expected, String javaType) {
        if (m.dtype() != expected) {
            throw new ShapeMismatchException("the matrix is " + m.dtype() + " but a " + javaType + " was given; use a "
                    + m.dtype().javaType() + "[] for a " + m.dtype() + " matrix (or allocate the matrix as " + expected
                    + ")");
        }
    }

    private static void requireLength(int length, Matrix m, String role) {
        if (length != m.size()) {
            throw new ShapeMismatchException(role + " has " + length + " elements but the " + m.shape()
                    + " matrix needs rows·cols = " + m.size() + " (packed column-major)");
        }
    }

    private static void requireSegment(MemorySegment seg, Matrix m, String role) {
        long need = m.size() * m.dtype().byteSize();
        if (seg.byteSize() != need) {
            throw new ShapeMismatchException(role + " has " + seg.byteSize() + " bytes but the " + m.dtype() + " "
                    + m.shape() + " matrix needs " + need + " (rows·cols·" + m.dtype().byteSize()
                    + ", packed column-major, native byte order)");
        }
    }
}
