package dev.unroll.cpu;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Parametrization.LayerKind;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;

/**
 * The unrolled ISTA forward pass and its reverse mode as whole-batch passes: every layer is a few GEMMs over
 * the full batch plus vectorized elementwise loops (the formulas of {@code ReferenceUnrolled}, with the
 * per-sample outer-product sums of the backward written as GEMMs, e.g. Ŵ_x = Ū Xᵀ). With R = DZ − X:
 * <pre>
 * lista    U = W_z Z + W_x X          Ŵ_z = Ū Zᵀ, Ŵ_x = Ū Xᵀ, θ̂ = −λ Σ_b S      Z̄ = W_zᵀ Ū
 * coupled  U = Z − W R                Ŵ = −Ū Rᵀ, θ̂ = −λ Σ_b S                   Z̄ = Ū − Dᵀ(WᵀŪ)     D̂ −= (WᵀŪ) Zᵀ
 * alista   U = Z − α W̃ᵀ R             α̂ = −⟨W̃Ū, R⟩, θ̂ = −λ Σ S                   Z̄ = Ū − α Dᵀ(W̃Ū)    D̂ −= α (W̃Ū) Zᵀ
 * step     U = Z − α Dᵀ R, τ = λα     α̂ = −⟨DŪ, R⟩ − λ Σ S                       Z̄ = Ū − α Dᵀ(DŪ)    D̂ −= α (R Ūᵀ + (DŪ) Zᵀ)
 * </pre>
 * Scratch matrices come from the calling thread's {@link Workspace}. Future work: fused, batch-tiled layers
 * that keep a tile of Z in cache across layers instead of streaming whole matrices once per layer.
 */
final class UnrolledPasses {
    /** Workspace slot of the transposed dictionary (slots 0–4 hold the passes' batch-sized scratch). */
    private static final int TRANSPOSE_SLOT = 5;

    /** The calling thread's layer handle, loaded layer after layer: a pass allocates none. */
    private static final ThreadLocal<Layer> LAYER = ThreadLocal.withInitial(Layer::new);

    private final Blas blas;
    private final ThreadLocal<Workspace> workspaces;

    UnrolledPasses(Blas blas, ThreadLocal<Workspace> workspaces) {
        this.blas = blas;
        this.workspaces = workspaces;
    }

    void forward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int batch = x.cols();
        Mat xm = Mat.of(x);
        Workspace ws = workspaces.get();
        Mat[] ping = tape == null ? new Mat[] {ws.get(0, dt, m, batch), ws.get(1, dt, m, batch)} : null;
        Mat uScratch = tape == null ? ws.get(2, dt, m, batch) : null;
        Mat r = ws.get(3, dt, n, batch);
        Mat stepT = transposedStepMatrix(model, ws);
        Mat z = tape != null ? Mat.of(tape.z(0)) : ping[0];
        if (z0 != null) {
            blas.copy(Mat.of(z0), z);
        } else {
            blas.fill(z, 0);
        }
        Layer layer = LAYER.get();
        for (int t = 1; t <= layers; t++) {
            layer.load(model, t - 1);
            Mat u = tape != null ? Mat.of(tape.u(t)) : uScratch;
            preActivation(layer, model, stepT, z, xm, u, r);
            Mat next = tape != null ? Mat.of(tape.z(t)) : ping[t % 2];
            blas.softThreshold(u, layer.tau, next, null);
            z = next;
        }
        if (zOut != null) {
            blas.copy(z, Mat.of(zOut));
        }
    }

    /**
     * Dᵀ (W̃ᵀ for ALISTA), transposed once per pass into a workspace: every step layer multiplies by it, and
     * as a packed m×n matrix it runs the register-blocked product at any batch size instead of one dot
     * product per element of the output. Null for networks without step layers.
     */
    private Mat transposedStepMatrix(UnrolledModel model, Workspace ws) {
        Matrix source = switch (model.spec().parametrization()) {
            case ALISTA -> model.analyticWeights();
            case STEP, FIRST_STEP -> model.dictionary();
            default -> null;
        };
        if (source == null) {
            return null;
        }
        Mat t = ws.get(TRANSPOSE_SLOT, model.spec().dtype(), source.cols(), source.rows());
        blas.transpose(Mat.of(source), t);
        return t;
    }

    private void preActivation(Layer layer, UnrolledModel model, Mat stepT, Mat z, Mat x, Mat u, Mat r) {
        if (layer.kind == LayerKind.LISTA) {
            blas.gemm(false, false, 1, layer.w, z, 0, u);
            blas.gemm(false, false, 1, layer.wx, x, 1, u);
            return;
        }
        Mat d = Mat.of(model.dictionary());
        residual(d, z, x, r);
        blas.copy(z, u);
        switch (layer.kind) {
            case COUPLED, COUPLED_SCALAR_THRESHOLD -> blas.gemm(false, false, -1, layer.w, r, 1, u);
            case ALISTA, STEP -> blas.gemm(false, false, -layer.alpha, stepT, r, 1, u);
            default -> throw new AssertionError(layer.kind);
        }
    }

    /** r = D z − x. */
    private void residual(Mat d, Mat z, Mat x, Mat r) {
        blas.copy(x, r);
        blas.gemm(false, false, 1, d, z, -1, r);
    }

    void backward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads, Matrix gradD) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int k = tape.layersRun();
        int batch = tape.batch();
        double lambda = model.lambda();
        // Layers inside the window overwrite every gradient they own (products with β = 0, scalars set);
        // only the others need zeros. Filling all of them first cost a pass over 1.6 M LISTA parameters.
        for (int l = 0; l < spec.layers(); l++) {
            if (l >= k || l < k - lastLayers) {
                java.util.List<Matrix> layerGrads = grads.layer(l);
                for (int i = 0; i < layerGrads.size(); i++) { // indexed: no iterator per layer
                    blas.fill(Mat.of(layerGrads.get(i)), 0);
                }
            }
        }
        Mat gd = Mat.of(gradD);
        if (gd != null) {
            blas.fill(gd, 0);
        }
        Mat d = Mat.of(model.dictionary());
        Mat x = Mat.of(tape.input());
        Workspace ws = workspaces.get();
        Mat g = ws.get(0, dt, m, batch);
        Mat gPrev = ws.get(1, dt, m, batch);
        Mat ubar = ws.get(2, dt, m, batch);
        Mat r = ws.get(3, dt, n, batch);
        Mat wu = ws.get(4, dt, n, batch);
        Mat dT = null;
        if (spec.parametrization() != Parametrization.LISTA && lastLayers > 0) {
            dT = ws.get(TRANSPOSE_SLOT, dt, m, n);
            blas.transpose(d, dT);
        }
        blas.copy(Mat.of(gradZ), g);
        Layer layer = LAYER.get();
        for (int t = k; t > k - lastLayers; t--) {
            int l = t - 1;
            layer.load(model, l);
            Mat zp = Mat.of(tape.z(t - 1));
            double[] rowS = Scratch.doubles(Scratch.ROW_SIGN_SUMS, m);
            java.util.Arrays.fill(rowS, 0, m, 0);
            blas.maskedGradient(Mat.of(tape.u(t)), layer.tau, g, ubar, rowS);
            double sumS = 0;
            for (int i = 0; i < m; i++) {
                sumS += rowS[i];
            }
            ParameterSet p = grads;
            switch (layer.kind) {
                case LISTA -> {
                    blas.gemm(false, true, 1, ubar, zp, 0, Mat.of(p.get(l, ParamKind.W_Z)));
                    blas.gemm(false, true, 1, ubar, x, 0, Mat.of(p.get(l, ParamKind.W_X)));
                    perAtom(Mat.of(p.get(l, ParamKind.THRESHOLDS)), lambda, rowS);
                    blas.gemm(true, false, 1, layer.w, ubar, 0, gPrev);
                }
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                    residual(d, zp, x, r);
                    blas.gemm(false, true, -1, ubar, r, 0, Mat.of(p.get(l, ParamKind.W_COUPLED)));
                    if (layer.kind == LayerKind.COUPLED) {
                        perAtom(Mat.of(p.get(l, ParamKind.THRESHOLDS)), lambda, rowS);
                    } else {
                        Mat.of(p.get(l, ParamKind.THRESHOLD)).set(0, 0, 0.0 + -lambda * sumS);
                    }
                    blas.gemm(true, false, 1, layer.w, ubar, 0, wu);
                    if (gd != null) {
                        blas.gemm(false, true, -1, wu, zp, 1, gd);
                    }
                    blas.copy(ubar, gPrev);
                    blas.gemm(false, false, -1, dT, wu, 1, gPrev);
                }
                case ALISTA -> {
                    residual(d, zp, x, r);
                    blas.gemm(false, false, 1, Mat.of(model.analyticWeights()), ubar, 0, wu);
                    Mat.of(p.get(l, ParamKind.STEP_SIZE)).set(0, 0, 0.0 + -blas.dot(wu, r));
                    Mat.of(p.get(l, ParamKind.THRESHOLD)).set(0, 0, 0.0 + -lambda * sumS);
                    if (gd != null) {
                        blas.gemm(false, true, -layer.alpha, wu, zp, 1, gd);
                    }
                    blas.copy(ubar, gPrev);
                    blas.gemm(false, false, -layer.alpha, dT, wu, 1, gPrev);
                }
                case STEP -> {
                    residual(d, zp, x, r);
                    blas.gemm(false, false, 1, d, ubar, 0, wu);
                    Mat.of(p.get(l, ParamKind.STEP_SIZE)).set(0, 0, 0.0 + (-blas.dot(wu, r) - lambda * sumS));
                    if (gd != null) {
                        blas.gemm(false, true, -layer.alpha, r, ubar, 1, gd);
                        blas.gemm(false, true, -layer.alpha, wu, zp, 1, gd);
                    }
                    blas.copy(ubar, gPrev);
                    blas.gemm(false, false, -layer.alpha, dT, wu, 1, gPrev);
                }
                default -> throw new AssertionError(layer.kind);
            }
            Mat swap = g;
            g = gPrev;
            gPrev = swap;
        }
    }

    private static void perAtom(Mat theta, double lambda, double[] rowS) {
        for (int i = 0; i < theta.rows(); i++) {
            theta.set(i, 0, 0.0 + -lambda * rowS[i]); // 0.0 + turns −0 into +0, as an accumulator
        }
    }

    /**
     * One layer's parameters: its matrices as views and its thresholds τ (per atom, in double). One per
     * thread, loaded with each layer in turn.
     */
    private static final class Layer {
        LayerKind kind;
        Mat w;
        Mat wx;
        double alpha;
        double[] tau;

        Layer load(UnrolledModel model, int t) {
            ParameterSet p = model.params();
            double lambda = model.lambda();
            int m = model.spec().atoms();
            kind = model.spec().parametrization().layerKind(t);
            tau = Scratch.doubles(Scratch.LAYER_THRESHOLDS, m);
            w = null;
            wx = null;
            alpha = 0;
            switch (kind) {
                case LISTA -> {
                    w = Mat.of(p.get(t, ParamKind.W_Z));
                    wx = Mat.of(p.get(t, ParamKind.W_X));
                    perAtomTau(Mat.of(p.get(t, ParamKind.THRESHOLDS)), lambda);
                }
                case COUPLED -> {
                    w = Mat.of(p.get(t, ParamKind.W_COUPLED));
                    perAtomTau(Mat.of(p.get(t, ParamKind.THRESHOLDS)), lambda);
                }
                case COUPLED_SCALAR_THRESHOLD -> {
                    w = Mat.of(p.get(t, ParamKind.W_COUPLED));
                    java.util.Arrays.fill(tau, lambda * Mat.of(p.get(t, ParamKind.THRESHOLD)).get(0, 0));
                }
                case ALISTA -> {
                    alpha = Mat.of(p.get(t, ParamKind.STEP_SIZE)).get(0, 0);
                    java.util.Arrays.fill(tau, lambda * Mat.of(p.get(t, ParamKind.THRESHOLD)).get(0, 0));
                }
                case STEP -> {
                    alpha = Mat.of(p.get(t, ParamKind.STEP_SIZE)).get(0, 0);
                    java.util.Arrays.fill(tau, lambda * alpha);
                }
                default -> throw new AssertionError(kind);
            }
            return this;
        }

        private void perAtomTau(Mat theta, double lambda) {
            for (int i = 0; i < theta.rows(); i++) {
                tau[i] = lambda * theta.get(i, 0);
            }
        }
    }
}
