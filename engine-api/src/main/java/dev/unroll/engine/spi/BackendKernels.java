package dev.unroll.engine.spi;

import dev.unroll.engine.Capabilities;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The kernels a backend implements. The front door ({@link dev.unroll.engine.Backend}) has already checked
 * every argument: shapes fit, all matrices belong to this backend, are open and share one precision,
 * outputs do not overlap inputs except where an operation says so, scalars are finite. Kernels therefore do
 * no validation of their own and may cast {@link Matrix#storage()} to their own storage type.
 *
 * <p>Matrices are column-major: element (i, j) of {@code a} is element {@code a.offset() + i + j * a.ld()} of
 * its storage. Implementations must be safe to call from several threads at once on distinct outputs.
 *
 * <p>Every method that writes an output overwrites it (nothing accumulates into an output unless its
 * documentation says so with a β).
 */
public interface BackendKernels extends AutoCloseable {

    /** What this backend offers. */
    Capabilities capabilities();

    /** New zero-filled storage for {@code elements} elements of {@code dtype}. */
    Storage allocate(DType dtype, long elements);

    /** Copies a packed column-major host array (ld = rows) into {@code dst} (F32). */
    void upload(float[] src, Matrix dst);

    /** Copies a packed column-major host array (ld = rows) into {@code dst} (F64). */
    void upload(double[] src, Matrix dst);

    /** Copies a packed column-major segment (native byte order, ld = rows) into {@code dst}. */
    void upload(MemorySegment src, Matrix dst);

    /** Copies {@code src} into a packed column-major host array (F32). */
    void download(Matrix src, float[] dst);

    /** Copies {@code src} into a packed column-major host array (F64). */
    void download(Matrix src, double[] dst);

    /** Copies {@code src} into a packed column-major segment in native byte order. */
    void download(Matrix src, MemorySegment dst);

    /**
     * {@code C ← α·op(A)·op(B) + β·C}. With β = 0, C is not read (BLAS semantics: NaN in C does not
     * propagate). One matrix applied to a batch of column vectors is the batched GEMV of the SPI.
     */
    void gemm(Transpose transA, Transpose transB, double alpha, Matrix a, Matrix b, double beta, Matrix c);

    /**
     * Strided batch of distinct matrix–vector products: for k in [0, x.cols()), with A_k the k-th block of
     * {@code a.cols() / x.cols()} columns of {@code a}, {@code y_k ← α·op(A_k)·x_k + β·y_k} where x_k, y_k are
     * column k of {@code x} and {@code y}.
     */
    void gemvStridedBatched(Transpose transA, double alpha, Matrix a, Matrix x, double beta, Matrix y);

    /**
     * {@code out = sign(u)·max(|u| − τ, 0)} elementwise, where τ = {@code scale} when {@code tauPerRow} is
     * null, else {@code scale·tauPerRow[i]} for row i. When {@code mask} is not null it receives 1 where
     * |u| > τ (strictly) and 0 elsewhere. {@code out} may be {@code u} itself.
     */
    void softThreshold(Matrix u, Matrix tauPerRow, double scale, Matrix out, Matrix mask);

    /**
     * The reverse of {@link #softThreshold}: {@code gradU = 1{|u| > τ} ⊙ gradOut} with τ as there (strict
     * mask), and when {@code signSums} (rows×1) is not null, {@code signSums_i = Σ_j sign(u_ij)·gradU_ij},
     * accumulated in at least the matrix's precision (∂ℓ/∂τ_i is its negative). {@code gradU} may be
     * {@code gradOut} itself.
     */
    void softThresholdBackward(Matrix u, Matrix tauPerRow, double scale, Matrix gradOut, Matrix gradU,
                               Matrix signSums);

    /**
     * The exact 1-D total-variation prox of every column: {@code out_j = argmin_v ½‖v − u_j‖² + λ Σ_i |v_{i+1} − v_i|}
     * for each column u_j (a signal of length {@code u.rows()}), λ ≥ 0, by the taut string ({@link TautString},
     * docs/science.md §9) in O(rows) per column. Computed in double whatever the precision and rounded once on
     * store. {@code out} may be {@code u} itself.
     *
     * <p>The default runs {@link TautString} on host copies (download, solve, upload): every backend has the
     * primitive, and one whose memory is not the host's pays a round trip per call until it overrides this with
     * a kernel (for cuda: one thread per signal).
     */
    default void proxTv(Matrix u, double lambda, Matrix out) {
        ProxTvHost.forward(this, u, lambda, out);
    }

    /**
     * The reverse of {@link #proxTv} (docs/science.md §5, "Prox-TV backward"), from its output {@code out}
     * (λ is not needed: the pieces carry it): {@code gradIn} = ∂ℓ/∂u is {@code gradOut} averaged over each
     * piece of {@code out} (a maximal run of exactly equal values of a column), and when {@code lambdaGrads}
     * (1×cols) is not null its entry j receives column j's ∂ℓ/∂λ = −Σ_P mean_P(gradOut)·(s_left − s_right),
     * s the signs of the jumps into and out of piece P (the caller sums them for a shared λ). {@code gradIn}
     * may be {@code gradOut} itself. The default runs {@link TautStringBackward} on host copies.
     */
    default void proxTvBackward(Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        ProxTvHost.backward(this, out, gradOut, gradIn, lambdaGrads);
    }

    /**
     * Runs the first {@code layers} layers of the unrolled network on the batch {@code x} (n×B), starting from
     * {@code z0} (m×B, or zeros when null). Writes z_layers into {@code zOut} when it is not null. When
     * {@code tape} is not null, records into it the layers of its window ({@link Tape#z}, {@link Tape#u} are
     * null outside it); the front door has already bound the tape to this call.
     *
     * <p>The default composes each layer from this interface's primitives ({@code UnrolledLayer}: one
     * definition per layer kind that every backend inherits). A backend may override it with fused passes;
     * {@link #unrolledForward} and {@link #unrolledBackward} share the tape's backend-private contents (the
     * residual record), so a backend overrides both or neither.
     */
    default void unrolledForward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        ComposedUnrolled.forward(this, model, x, z0, layers, tape, zOut);
    }

    /**
     * Reverse mode through the layers recorded on {@code tape}, from {@code gradZ} = ∂ℓ/∂z_k. Only the last
     * {@code lastLayers} layers are differentiated (z at layer k − lastLayers is a constant; the front door
     * has checked that the tape recorded them); the other layers' gradients are zero. Overwrites every matrix
     * of {@code grads} and, when not null, {@code gradD} with the part of ∂ℓ/∂D that flows through the layers
     * (the loss's own ∂/∂D comes from {@link #lassoObjective}). The default is composed from the primitives,
     * as {@link #unrolledForward}'s.
     */
    default void unrolledBackward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers,
                                  dev.unroll.engine.ParameterSet grads, Matrix gradD) {
        ComposedUnrolled.backward(this, model, tape, gradZ, lastLayers, grads, gradD);
    }

    /**
     * The Lasso objective F(Z) = (1/B) Σ_b [½‖x_b − D z_b‖² + λ‖z_b‖₁]. Writes each sample's term into
     * {@code perSample} (1×B), ∂F/∂Z = (1/B)[Dᵀ(DZ − X) + λ·sign(Z)] (sign(0) = 0) into {@code gradZ}
     * (m×B) and ∂F/∂D = (1/B)(DZ − X)Zᵀ into {@code gradD} (n×m), each when not null.
     *
     * @return F(Z), accumulated in double
     */
    double lassoObjective(Matrix d, Matrix x, Matrix z, double lambda, Matrix perSample, Matrix gradZ, Matrix gradD);

    /**
     * The supervised loss (1/B) Σ_b ½‖z_b − z*_b‖². Writes each sample's term into {@code perSample} and
     * ∂/∂Z = (Z − Z*)/B into {@code gradZ}, each when not null.
     */
    double supervisedLoss(Matrix z, Matrix target, Matrix perSample, Matrix gradZ);

    /**
     * One Adam step on one parameter, PyTorch's form: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
     * p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
     */
    void adamStep(Matrix param, Matrix grad, Matrix m, Matrix v, double lr, double beta1, double beta2,
                  double epsilon, long step);

    /**
     * One Adam step on every parameter of a set: {@link #adamStep} on {@code params[i]}, {@code grads[i]},
     * {@code m[i]}, {@code v[i]} for each i (four lists of equal length, matching shapes). The default does
     * exactly that; a backend may instead run the whole set as one operation, e.g. one split across its
     * threads instead of one per matrix (a 20-layer LISTA has 60 parameter matrices, most too small to split).
     */
    default void adamStepAll(List<Matrix> params, List<Matrix> grads, List<Matrix> m, List<Matrix> v, double lr,
                             double beta1, double beta2, double epsilon, long step) {
        for (int i = 0; i < params.size(); i++) {
            adamStep(params.get(i), grads.get(i), m.get(i), v.get(i), lr, beta1, beta2, epsilon, step);
        }
    }

    /** {@code y ← a·x + y}. */
    void axpy(double a, Matrix x, Matrix y);

    /** {@code x ← a·x}. */
    void scale(double a, Matrix x);

    /** {@code dst ← src}. */
    void copy(Matrix src, Matrix dst);

    /** Every element of {@code x} set to {@code value}. */
    void fill(Matrix x, double value);

    /** Σ x_ij, accumulated in at least the matrix's precision. */
    double sum(Matrix x);

    /** Σ x_ij·y_ij. */
    double dot(Matrix x, Matrix y);

    /** max |x_ij| (0 for an empty matrix). */
    double maxAbs(Matrix x);

    /** Frobenius norm √(Σ x_ij²), computed without overflow for finite data. */
    double norm(Matrix x);

    /** Releases the backend's own resources (pools, handles). Matrices are released by the front door first. */
    @Override
    void close();
}
