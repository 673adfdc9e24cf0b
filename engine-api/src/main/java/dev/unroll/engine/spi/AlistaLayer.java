package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Transpose;

/**
 * ALISTA: u = z − α W̃ᵀ R with R = Dz − X and the fixed analytic W̃, τ = λθ, scalars α and θ. Reverse, with
 * v = W̃ū: α̂ = −⟨v, R⟩, θ̂ = −λ Σ sign(u)ū, D̂ += −α v zᵀ, ∂ℓ/∂z = ū − α Dᵀv.
 */
final class AlistaLayer implements UnrolledLayer {
    static final AlistaLayer INSTANCE = new AlistaLayer();

    private AlistaLayer() {
    }

    @Override
    public boolean usesResidual() {
        return true;
    }

    @Override
    public void preActivation(LayerContext c, Matrix z, Matrix x, Matrix r, Matrix u) {
        c.residual(z, x, r);
        c.stepFrom(z, c.scalar(ParamKind.STEP_SIZE), Transpose.YES, c.model.analyticWeights(), r, u);
    }

    @Override
    public Threshold threshold(LayerContext c) {
        return new Threshold(null, c.lambda * c.scalar(ParamKind.THRESHOLD));
    }

    @Override
    public void reverse(LayerContext c, Matrix ubar, Matrix signSums, Matrix z, Matrix x, Matrix r, Matrix gradIn,
                        Matrix gradD) {
        double alpha = c.scalar(ParamKind.STEP_SIZE);
        Matrix v = c.product(x.rows());
        c.k.gemm(Transpose.NO, Transpose.NO, 1, c.model.analyticWeights(), ubar, 0, v);
        c.setScalarGrad(ParamKind.STEP_SIZE, -c.k.dot(v, r));
        c.setScalarGrad(ParamKind.THRESHOLD, -c.lambda * c.k.sum(signSums));
        c.dictionaryThroughResidual(alpha, v, z, gradD);
        c.gradThroughStep(ubar, alpha, v, gradIn);
    }
}
