package dev.unroll.cuda;

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
 * The unrolled forward pass and its reverse mode, layer by layer over the whole batch: cuBLAS products plus
 * one fused epilogue kernel per layer forward, and per layer backward a mask kernel (Ū = M ⊙ Ḡ with the row
 * sums of sign(u) ⊙ Ū for the thresholds) plus products. Step sizes and thresholds stay on the device (never
 * read back), so a whole pass is queued without a host synchronisation. With R = DZ − X and Rₙ = −R:
 * <pre>
 * lista    U = W_z Z + W_x X          Ŵ_z = Ū Zᵀ, Ŵ_x = Ū Xᵀ, θ̂ = −λ Σ_b S        Z̄ = W_zᵀ Ū
 * coupled  U = Z − W R                Ŵ = Ū Rₙᵀ, θ̂ = −λ Σ_b S                     Z̄ = Ū − Dᵀ(WᵀŪ)     D̂ −= (WᵀŪ) Zᵀ
 * alista   U = Z − α W̃ᵀ R             α̂ = ⟨W̃Ū, Rₙ⟩, θ̂ = −λ Σ S                    Z̄ = Ū − α Dᵀ(W̃Ū)    D̂ −= α (W̃Ū) Zᵀ
 * step     U = Z − α Dᵀ R, τ = λα     α̂ = ⟨DŪ, Rₙ⟩ − λ Σ S                        Z̄ = Ū − α Dᵀ(DŪ)    D̂ += α Rₙ Ūᵀ − α (DŪ) Zᵀ
 * </pre>
 * Products whose result may be exactly zero use α = +1 (with Rₙ) so a zero gradient is +0, as the reference's.
 * The forward pass of the residual-based parametrizations runs in one kernel where it fits ({@link FusedForward}).
 */
final class UnrolledCuda {
    private static final int TAU_PER_ROW = 0;
    private static final int TAU_SCALAR_THETA = 1;
    private static final int TAU_STEP = 2;

    private final DeviceOps ops;
    private final FusedForward fused;

    UnrolledCuda(DeviceOps ops, FusedForward fused) {
        this.ops = ops;
        this.fused = fused;
    }

    void forward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int batch = x.cols();
        if (batch == 0) {
            return;
        }
        if (fused.tryRun(model, x, z0, layers, tape, zOut)) {
            return;
        }
        Workspace ws = ops.workspace();
        Dev xd = Dev.of(x);
        // Layers before the tape's window (all of them without a tape) run through the workspace.
        Dev zPrev = recorded(tape, 0) ? Dev.of(tape.z(0)) : ws.matrix(Workspace.Slot.PING, dt, m, batch);
        if (z0 != null) {
            ops.copy(dt, Dev.of(z0), zPrev);
        } else {
            ops.fill(dt, zPrev, 0);
        }
        for (int t = 1; t <= layers; t++) {
            Layer layer = new Layer(model, t - 1);
            Dev zNext = recorded(tape, t) ? Dev.of(tape.z(t))
                    : ws.matrix(t % 2 == 0 ? Workspace.Slot.PING : Workspace.Slot.PONG, dt, m, batch);
            // The first layer of a window records its output z but not its u (the reverse mode stops there).
            Dev uTape = recorded(tape, t - 1) ? Dev.of(tape.u(t)) : null;
            int mode;
            Dev p;
            if (layer.kind == LayerKind.LISTA) {
                p = uTape != null ? uTape : ws.matrix(Workspace.Slot.PRODUCT, dt, m, batch);
                ops.gemm(dt, false, false, 1, layer.w, zPrev, 0, p);
                ops.gemm(dt, false, false, 1, layer.wx, xd, 1, p);
                uTape = null;
                mode = 0;
            } else {
                Dev r = ws.matrix(Workspace.Slot.RESIDUAL, dt, n, batch);
                ops.copy(dt, xd, r);
                ops.gemm(dt, false, false, 1, Dev.of(model.dictionary()), zPrev, -1, r);
                p = ws.matrix(Workspace.Slot.PRODUCT, dt, m, batch);
                switch (layer.kind) {
                    case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                        ops.gemm(dt, false, false, 1, layer.w, r, 0, p);
                        mode = 1;
                    }
                    case ALISTA -> {
                        ops.gemm(dt, true, false, 1, Dev.of(model.analyticWeights()), r, 0, p);
                        mode = 2;
                    }
                    case STEP -> {
                        ops.gemm(dt, true, false, 1, Dev.of(model.dictionary()), r, 0, p);
                        mode = 2;
                    }
                    default -> throw new AssertionError(layer.kind);
                }
            }
            ops.launcher().launch(Kernel.LAYER_EPILOGUE, dt, Launcher.blocksFor((long) m * batch), Launcher.args()
                    .i(mode).p(zPrev.ptr()).i(zPrev.ld()).p(p.ptr()).i(p.ld()).p(layer.alpha).i(layer.tauMode)
                    .p(layer.theta).d(model.lambda()).p(Dev.ptr(uTape)).i(Dev.ld(uTape)).p(zNext.ptr()).i(zNext.ld())
                    .i(m).i(batch));
            zPrev = zNext;
        }
        if (zOut != null) {
            ops.copy(dt, zPrev, Dev.of(zOut));
        }
    }

    void backward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads, Matrix gradD) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int k = tape.layersRun();
        int batch = tape.batch();
        double lambda = model.lambda();
        for (int l = 0; l < spec.layers(); l++) {
            if (l >= k || l < k - lastLayers || batch == 0) {
                for (Matrix g : grads.layer(l)) {
                    ops.fill(dt, Dev.of(g), 0);
                }
            }
        }
        Dev gd = Dev.orNull(gradD);
        if (gd != null) {
            ops.fill(dt, gd, 0);
        }
        if (batch == 0 || lastLayers == 0) {
            return;
        }
        Workspace ws = ops.workspace();
        Dev d = Dev.of(model.dictionary());
        Dev x = Dev.of(tape.input());
        Dev g = ws.matrix(Workspace.Slot.GRADIENT, dt, m, batch);
        Dev ubar = ws.matrix(Workspace.Slot.MASKED, dt, m, batch);
        Dev rn = ws.matrix(Workspace.Slot.RESIDUAL, dt, n, batch);
        Dev wu = ws.matrix(Workspace.Slot.PRODUCT, dt, n, batch);
        int colsPerChunk = Math.max(8, (batch + 511) / 512);
        int chunks = (batch + colsPerChunk - 1) / colsPerChunk;
        long rowPartials = ws.get(Workspace.Slot.ROW_PARTIALS, (long) chunks * m * Double.BYTES);
        long results = ws.get(Workspace.Slot.REDUCE_RESULT, 4 * Double.BYTES);
        long dotOut = results;
        long signTotal = results + Double.BYTES;
        ops.copy(dt, Dev.of(gradZ), g);
        for (int t = k; t > k - lastLayers; t--) {
            int l = t - 1;
            Layer layer = new Layer(model, l);
            Dev zp = Dev.of(tape.z(t - 1));
            Dev u = Dev.of(tape.u(t));
            ops.launcher().launch(Kernel.MASKED_GRAD, dt, (m + 31) / 32, chunks, 32, 8, 0, Launcher.args()
                    .p(u.ptr()).i(u.ld()).i(layer.tauMode).p(layer.theta).p(layer.alpha).d(lambda).p(g.ptr()).i(g.ld())
                    .p(ubar.ptr()).i(ubar.ld()).i(m).i(batch).i(colsPerChunk).p(rowPartials));
            switch (layer.kind) {
                case LISTA -> {
                    ops.gemm(dt, false, true, 1, ubar, zp, 0, Dev.of(grads.get(l, ParamKind.W_Z)));
                    ops.gemm(dt, false, true, 1, ubar, x, 0, Dev.of(grads.get(l, ParamKind.W_X)));
                    rowFinish(dt, rowPartials, chunks, m, -lambda, Dev.of(grads.get(l, ParamKind.THRESHOLDS)).ptr(), 0);
                    ops.gemm(dt, true, false, 1, layer.w, ubar, 0, g);
                }
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                    negResidual(dt, d, zp, x, rn);
                    ops.gemm(dt, false, true, 1, ubar, rn, 0, Dev.of(grads.get(l, ParamKind.W_COUPLED)));
                    if (layer.kind == LayerKind.COUPLED) {
                        rowFinish(dt, rowPartials, chunks, m, -lambda, Dev.of(grads.get(l, ParamKind.THRESHOLDS)).ptr(), 0);
                    } else {
                        rowFinish(dt, rowPartials, chunks, m, 0, 0, signTotal);
                        combine(dt, Dev.of(grads.get(l, ParamKind.THRESHOLD)).ptr(), signTotal, -lambda, 0, 0);
                    }
                    ops.gemm(dt, true, false, 1, layer.w, ubar, 0, wu);
                    if (gd != null) {
                        ops.gemm(dt, false, true, -1, wu, zp, 1, gd);
                    }
                    ops.gemm(dt, true, false, -1, d, wu, 1, ubar);
                    Dev swap = g;
                    g = ubar;
                    ubar = swap;
                }
                case ALISTA -> {
                    negResidual(dt, d, zp, x, rn);
                    ops.gemm(dt, false, false, 1, Dev.of(model.analyticWeights()), ubar, 0, wu);
                    ops.reduceTo(dt, DeviceOps.RED_DOT, wu, rn, 1, dotOut);
                    combine(dt, Dev.of(grads.get(l, ParamKind.STEP_SIZE)).ptr(), dotOut, 1, 0, 0);
                    rowFinish(dt, rowPartials, chunks, m, 0, 0, signTotal);
                    combine(dt, Dev.of(grads.get(l, ParamKind.THRESHOLD)).ptr(), signTotal, -lambda, 0, 0);
                    ops.scaleByScalar(dt, wu, layer.alpha, -1);
                    if (gd != null) {
                        ops.gemm(dt, false, true, 1, wu, zp, 1, gd);
                    }
                    ops.gemm(dt, true, false, 1, d, wu, 1, ubar);
                    Dev swap = g;
                    g = ubar;
                    ubar = swap;
                }
                case STEP -> {
                    negResidual(dt, d, zp, x, rn);
                    ops.gemm(dt, false, false, 1, d, ubar, 0, wu);
                    ops.reduceTo(dt, DeviceOps.RED_DOT, wu, rn, 1, dotOut);
                    rowFinish(dt, rowPartials, chunks, m, 0, 0, signTotal);
                    combine(dt, Dev.of(grads.get(l, ParamKind.STEP_SIZE)).ptr(), dotOut, 1, signTotal, -lambda);
                    if (gd != null) {
                        ops.scaleByScalar(dt, rn, layer.alpha, 1);
                        ops.gemm(dt, false, true, 1, rn, ubar, 1, gd);
                    }
                    ops.scaleByScalar(dt, wu, layer.alpha, -1);
                    if (gd != null) {
                        ops.gemm(dt, false, true, 1, wu, zp, 1, gd);
                    }
                    ops.gemm(dt, true, false, 1, d, wu, 1, ubar);
                    Dev swap = g;
                    g = ubar;
                    ubar = swap;
                }
                default -> throw new AssertionError(layer.kind);
            }
        }
    }

    /** Whether the pass records layer t's output on {@code tape} (it records the tape's window only). */
    private static boolean recorded(Tape tape, int t) {
        return tape != null && tape.z(t) != null;
    }

    /**
     * Whether these passes know every layer kind of {@code p}'s networks; the others run the SPI's composed
     * passes. Exhaustive on purpose: a new parametrization does not compile here until someone decides.
     */
    static boolean covers(Parametrization p) {
        return switch (p) {
            case LISTA, COUPLED, ALISTA, STEP, FIRST_STEP -> true;
        };
    }

    /**
     * The SPI's soft-threshold reverse on the reverse pass's mask kernel: ū = 1{|u| &gt; τ} ⊙ g and, when
     * {@code signSums} is not null, Σ_j sign(u)·ū per row. A scalar τ is the kernel's per-row form with a
     * device 1 scaled by τ.
     */
    void softThresholdBackward(DType dt, Dev u, Dev tau, double scale, Dev g, Dev ubar, Dev signSums) {
        int m = u.rows();
        int batch = u.cols();
        if (m == 0) {
            return;
        }
        if (batch == 0) {
            if (signSums != null) {
                ops.fill(dt, signSums, 0);
            }
            return;
        }
        Workspace ws = ops.workspace();
        int colsPerChunk = Math.max(8, (batch + 511) / 512);
        int chunks = (batch + colsPerChunk - 1) / colsPerChunk;
        long rowPartials = ws.get(Workspace.Slot.ROW_PARTIALS, (long) chunks * m * Double.BYTES);
        long theta;
        int mode;
        if (tau != null) {
            theta = tau.ptr();
            mode = TAU_PER_ROW;
        } else {
            Dev one = ws.matrix(Workspace.Slot.UNIT, dt, 1, 1);
            ops.fill(dt, one, 1);
            theta = one.ptr();
            mode = TAU_SCALAR_THETA;
        }
        ops.launcher().launch(Kernel.MASKED_GRAD, dt, (m + 31) / 32, chunks, 32, 8, 0, Launcher.args()
                .p(u.ptr()).i(u.ld()).i(mode).p(theta).p(0L).d(scale).p(g.ptr()).i(g.ld())
                .p(ubar.ptr()).i(ubar.ld()).i(m).i(batch).i(colsPerChunk).p(rowPartials));
        if (signSums != null) {
            rowFinish(dt, rowPartials, chunks, m, 1, signSums.ptr(), 0);
        }
    }

    /** Rₙ = X − D Z. */
    private void negResidual(DType dt, Dev d, Dev z, Dev x, Dev rn) {
        ops.copy(dt, x, rn);
        ops.gemm(dt, false, false, -1, d, z, 1, rn);
    }

    /** Row sums of the mask kernel's partials: out[i] = 0 + coef·S_i (when out ≠ 0), total = Σ_i S_i (when ≠ 0). */
    private void rowFinish(DType dt, long partials, int chunks, int m, double coef, long out, long total) {
        ops.launcher().launch(Kernel.ROW_FINISH, dt, 1,
                Launcher.args().p(partials).i(chunks).i(m).d(coef).p(out).p(total));
    }

    /** out[0] = 0 + ca·a[0] + cb·b[0] on the device. */
    private void combine(DType dt, long out, long a, double ca, long b, double cb) {
        ops.launcher().launch(Kernel.SCALAR_COMBINE, dt, 1, Launcher.args().p(out).p(a).d(ca).p(b).d(cb));
    }

    /** One layer's parameters as device operands: matrices, and the device addresses of θ and α. */
    private static final class Layer {
        final LayerKind kind;
        final Dev w;
        final Dev wx;
        final long theta;
        final long alpha;
        final int tauMode;

        Layer(UnrolledModel model, int t) {
            ParameterSet p = model.params();
            kind = model.spec().parametrization().layerKind(t);
            switch (kind) {
                case LISTA -> {
                    w = Dev.of(p.get(t, ParamKind.W_Z));
                    wx = Dev.of(p.get(t, ParamKind.W_X));
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLDS));
                    alpha = 0;
                    tauMode = TAU_PER_ROW;
                }
                case COUPLED -> {
                    w = Dev.of(p.get(t, ParamKind.W_COUPLED));
                    wx = null;
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLDS));
                    alpha = 0;
                    tauMode = TAU_PER_ROW;
                }
                case COUPLED_SCALAR_THRESHOLD -> {
                    w = Dev.of(p.get(t, ParamKind.W_COUPLED));
                    wx = null;
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLD));
                    alpha = 0;
                    tauMode = TAU_SCALAR_THETA;
                }
                case ALISTA -> {
                    w = null;
                    wx = null;
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLD));
                    alpha = DeviceBuffer.address(p.get(t, ParamKind.STEP_SIZE));
                    tauMode = TAU_SCALAR_THETA;
                }
                case STEP -> {
                    w = null;
                    wx = null;
                    theta = 0;
                    alpha = DeviceBuffer.address(p.get(t, ParamKind.STEP_SIZE));
                    tauMode = TAU_STEP;
                }
                default -> throw new AssertionError(kind);
            }
        }
    }
}
