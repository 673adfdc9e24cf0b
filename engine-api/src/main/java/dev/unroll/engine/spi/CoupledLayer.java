package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Transpose;

/**
 * LISTA-CP: u = z − W R with R = Dz − X, τ = λθ with θ per atom ({@link #PER_ATOM}) or one scalar
 * ({@link #SCALAR}, FIRST_STEP's first layer). Reverse, with v = Wᵀū: Ŵ = −ū Rᵀ, θ̂ = −λ Σ_b sign(u)ū (summed
 * over atoms too for a scalar θ), D̂ += −v zᵀ, ∂ℓ/∂z = ū − Dᵀv.
 */
final class CoupledLayer implements UnrolledLayer {
    static final CoupledLayer PER_ATOM = new CoupledLayer(true);
    static final CoupledLayer SCALAR = new CoupledLayer(false);

    private final boolean perAtom;

    private CoupledLayer(boolean perAtom) {
        this.perAtom = perAtom;
    }

    @Override
    public boolean usesResidual() {
        return true;
    }

    @Override
    public void preActivation(LayerContext c, Matrix z, Matrix x, Matrix r, Matrix u) {
        c.residual(z, x, r);
        c.stepFrom(z, 1, Transpose.NO, c.param(ParamKind.W_COUPLED), r, u);
    }

    @Override
    public Threshold threshold(LayerContext c) {
        return perAtom ? new Threshold(c.param(ParamKind.THRESHOLDS), c.lambda)
                : new Threshold(null, c.lambda * c.scalar(ParamKind.THRESHOLD));
    }

    @Override
    public void reverse(LayerContext c, Matrix ubar, Matrix signSums, Matrix z, Matrix x, Matrix r, Matrix gradIn,
                        Matrix gradD) {
        Matrix gw = c.grad(ParamKind.W_COUPLED);
        c.k.fill(gw, 0); // −ū Rᵀ added to +0, so that an all-zero row stays +0
        c.k.gemm(Transpose.NO, Transpose.YES, -1, ubar, r, 1, gw);
        if (perAtom) {
            c.perAtomThresholdGrad(ParamKind.THRESHOLDS, signSums);
        } else {
            c.setScalarGrad(ParamKind.THRESHOLD, -c.lambda * c.k.sum(signSums));
        }
        Matrix v = c.product(x.rows());
        c.k.gemm(Transpose.YES, Transpose.NO, 1, c.param(ParamKind.W_COUPLED), ubar, 0, v);
        c.dictionaryThroughResidual(1, v, z, gradD);
        c.gradThroughStep(ubar, 1, v, gradIn);
    }
}
