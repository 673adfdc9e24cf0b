package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Transpose;

/**
 * SLISTA's step layer, one ISTA iteration with a learned step: u = z − α Dᵀ R with R = Dz − X, τ = λα.
 * Reverse, with v = Dū: α̂ = −⟨v, R⟩ − λ Σ sign(u)ū, D̂ += −α (R ūᵀ + v zᵀ), ∂ℓ/∂z = ū − α Dᵀv.
 */
final class StepLayer implements UnrolledLayer {
    static final StepLayer INSTANCE = new StepLayer();

    private StepLayer() {
    }

    @Override
    public boolean usesResidual() {
        return true;
    }

    @Override
    public void preActivation(LayerContext c, Matrix z, Matrix x, Matrix r, Matrix u) {
        c.residual(z, x, r);
        c.stepFrom(z, c.scalar(ParamKind.STEP_SIZE), Transpose.YES, c.dictionary(), r, u);
    }

    @Override
    public Threshold threshold(LayerContext c) {
        return new Threshold(null, c.lambda * c.scalar(ParamKind.STEP_SIZE));
    }

    @Override
    public void reverse(LayerContext c, Matrix ubar, Matrix signSums, Matrix z, Matrix x, Matrix r, Matrix gradIn,
                        Matrix gradD) {
        double alpha = c.scalar(ParamKind.STEP_SIZE);
        Matrix v = c.product(x.rows());
        c.k.gemm(Transpose.NO, Transpose.NO, 1, c.dictionary(), ubar, 0, v);
        c.setScalarGrad(ParamKind.STEP_SIZE, -c.k.dot(v, r) - c.lambda * c.k.sum(signSums));
        if (gradD != null) {
            c.k.gemm(Transpose.NO, Transpose.YES, -alpha, r, ubar, 1, gradD); // through D in αDᵀ
        }
        c.dictionaryThroughResidual(alpha, v, z, gradD);
        c.gradThroughStep(ubar, alpha, v, gradIn);
    }
}
