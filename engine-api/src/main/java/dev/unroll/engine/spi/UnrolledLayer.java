package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization.LayerKind;

/**
 * One kind of unrolled layer, z⁺ = ST(u, τ) with u = preActivation(z, x), written once from the SPI's
 * primitives (GEMM, soft-threshold and its reverse, copy, fill, axpy, dot, sum), forward and reverse. Every
 * backend runs it through {@link BackendKernels#unrolledForward}'s default; fused overrides are checked
 * against it by the TCK.
 *
 * <p>To add a layer kind: add its {@link LayerKind} (and the parameters it learns to
 * {@link dev.unroll.engine.ParamKind} and a {@link dev.unroll.engine.Parametrization}'s layout), implement
 * this interface, and return it from {@link #of}. Every backend then runs networks with it; a backend with
 * fused passes falls back to the composed default for kinds its passes do not know.
 */
interface UnrolledLayer {

    /** Whether the layer acts through the residual R = Dz − X (then the passes give it space for R). */
    boolean usesResidual();

    /**
     * Writes u (m×B) for the input codes {@code z} (m×B) and signals {@code x} (n×B). A residual layer computes
     * R = Dz − X into {@code r} (n×B, else null) and leaves it there: the tape keeps it for {@link #reverse}.
     */
    void preActivation(LayerContext c, Matrix z, Matrix x, Matrix r, Matrix u);

    /** The layer's thresholds τ. */
    Threshold threshold(LayerContext c);

    /**
     * The reverse mode of one layer. From ū = ∂ℓ/∂u = 1{|u| &gt; τ} ⊙ ∂ℓ/∂z⁺ (m×B) and the row sums
     * {@code signSums}_i = Σ_b sign(u_ib)·ū_ib (m×1, so ∂ℓ/∂τ_i = −signSums_i): overwrites the layer's
     * parameter gradients ({@link LayerContext#grad}), adds its share of ∂ℓ/∂D into {@code gradD} (when not
     * null) and writes ∂ℓ/∂z into {@code gradIn} (when not null: the first layer of a truncated window
     * needs none).
     *
     * @param z the layer's input codes (m×B)
     * @param r R = Dz − X as {@link #preActivation} left it, or null for a layer without residual
     */
    void reverse(LayerContext c, Matrix ubar, Matrix signSums, Matrix z, Matrix x, Matrix r, Matrix gradIn,
                 Matrix gradD);

    /**
     * The thresholds of a layer: τ_i = scale·perRow_i, or τ = scale for every row when {@code perRow} is null
     * (the arguments of {@link BackendKernels#softThreshold}).
     */
    record Threshold(Matrix perRow, double scale) {
    }

    /** The definition of {@code kind}. */
    static UnrolledLayer of(LayerKind kind) {
        return switch (kind) {
            case LISTA -> ListaLayer.INSTANCE;
            case COUPLED -> CoupledLayer.PER_ATOM;
            case COUPLED_SCALAR_THRESHOLD -> CoupledLayer.SCALAR;
            case ALISTA -> AlistaLayer.INSTANCE;
            case STEP -> StepLayer.INSTANCE;
        };
    }
}
