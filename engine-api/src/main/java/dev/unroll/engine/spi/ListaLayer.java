package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Transpose;

/**
 * LISTA (Gregor &amp; LeCun): u = W_z z + W_x x, τ = λθ per atom. Reverse: Ŵ_z = ū zᵀ, Ŵ_x = ū xᵀ, θ̂ = −λ Σ_b
 * sign(u)ū, ∂ℓ/∂z = W_zᵀ ū. It has no residual and does not touch D.
 */
final class ListaLayer implements UnrolledLayer {
    static final ListaLayer INSTANCE = new ListaLayer();

    private ListaLayer() {
    }

    @Override
    public boolean usesResidual() {
        return false;
    }

    @Override
    public void preActivation(LayerContext c, Matrix z, Matrix x, Matrix r, Matrix u) {
        c.k.gemm(Transpose.NO, Transpose.NO, 1, c.param(ParamKind.W_Z), z, 0, u);
        c.k.gemm(Transpose.NO, Transpose.NO, 1, c.param(ParamKind.W_X), x, 1, u);
    }

    @Override
    public Threshold threshold(LayerContext c) {
        return new Threshold(c.param(ParamKind.THRESHOLDS), c.lambda);
    }

    @Override
    public void reverse(LayerContext c, Matrix ubar, Matrix signSums, Matrix z, Matrix x, Matrix r, Matrix gradIn,
                        Matrix gradD) {
        c.k.gemm(Transpose.NO, Transpose.YES, 1, ubar, z, 0, c.grad(ParamKind.W_Z));
        c.k.gemm(Transpose.NO, Transpose.YES, 1, ubar, x, 0, c.grad(ParamKind.W_X));
        c.perAtomThresholdGrad(ParamKind.THRESHOLDS, signSums);
        if (gradIn != null) {
            c.k.gemm(Transpose.YES, Transpose.NO, 1, c.param(ParamKind.W_Z), ubar, 0, gradIn);
        }
    }
}
