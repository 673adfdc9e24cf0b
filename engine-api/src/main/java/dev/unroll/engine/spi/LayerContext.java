package dev.unroll.engine.spi;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;

/**
 * What a composed layer works with: the backend's primitives, the model, the index of the layer being run,
 * its gradients (reverse mode) and the pass's scratch memory, plus the few steps several layer kinds share.
 */
final class LayerContext {
    /** The backend's primitives. */
    final BackendKernels k;
    final UnrolledModel model;
    final double lambda;
    private final ParameterSet grads;
    private final PassScratch scratch;
    private int layer;

    LayerContext(BackendKernels k, UnrolledModel model, ParameterSet grads, PassScratch scratch) {
        this.k = k;
        this.model = model;
        this.lambda = model.lambda();
        this.grads = grads;
        this.scratch = scratch;
    }

    /** Moves to layer {@code l} (0-based) and returns its definition. */
    UnrolledLayer at(int l) {
        layer = l;
        return UnrolledLayer.of(model.spec().parametrization().layerKind(l));
    }

    /** Parameter {@code kind} of the current layer. */
    Matrix param(ParamKind kind) {
        return model.params().get(layer, kind);
    }

    /** The gradient of parameter {@code kind} of the current layer. */
    Matrix grad(ParamKind kind) {
        return grads.get(layer, kind);
    }

    /** D (n×m). */
    Matrix dictionary() {
        return model.dictionary();
    }

    /** The value of a 1×1 parameter of the current layer (read back from the backend). */
    double scalar(ParamKind kind) {
        Matrix p = param(kind);
        if (p.dtype() == DType.F32) {
            float[] v = new float[1];
            k.download(p, v);
            return v[0];
        }
        double[] v = new double[1];
        k.download(p, v);
        return v[0];
    }

    /** Sets the gradient of a 1×1 parameter; 0.0 + turns a −0 into +0, as a sum from zero gives. */
    void setScalarGrad(ParamKind kind, double value) {
        k.fill(grad(kind), 0.0 + value);
    }

    /** Scratch of {@code rows} × the batch for products inside one layer's step (contents undefined). */
    Matrix product(int rows) {
        return scratch.get(PassScratch.Slot.PRODUCT, rows);
    }

    /** r ← D z − x. */
    void residual(Matrix z, Matrix x, Matrix r) {
        k.copy(x, r);
        k.gemm(Transpose.NO, Transpose.NO, 1, dictionary(), z, -1, r);
    }

    /** u ← z − α·op(a)·r: the gradient-like step of the residual layers. */
    void stepFrom(Matrix z, double alpha, Transpose transA, Matrix a, Matrix r, Matrix u) {
        k.copy(z, u);
        k.gemm(transA, Transpose.NO, -alpha, a, r, 1, u);
    }

    /** gradIn ← ū − α·Dᵀv (when gradIn is not null): ∂ℓ/∂z through z − α·(…)(Dz − x), with v = (…)ᵀū. */
    void gradThroughStep(Matrix ubar, double alpha, Matrix v, Matrix gradIn) {
        if (gradIn != null) {
            k.copy(ubar, gradIn);
            k.gemm(Transpose.YES, Transpose.NO, -alpha, dictionary(), v, 1, gradIn);
        }
    }

    /** gradD += −α·v zᵀ (when gradD is not null): ∂ℓ/∂D through the residual Dz − x. */
    void dictionaryThroughResidual(double alpha, Matrix v, Matrix z, Matrix gradD) {
        if (gradD != null) {
            k.gemm(Transpose.NO, Transpose.YES, -alpha, v, z, 1, gradD);
        }
    }

    /** ∂ℓ/∂θ_i = −λ·signSums_i for per-atom thresholds τ_i = λθ_i (written from +0, so a zero stays +0). */
    void perAtomThresholdGrad(ParamKind kind, Matrix signSums) {
        Matrix g = grad(kind);
        k.fill(g, 0);
        k.axpy(-lambda, signSums, g);
    }
}
