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
 * Scratch matrices come from the executing thread's {@link Workspace}. From two tiles of {@link #TILE}
 * columns, the forward pass runs batch-tiled: each thread takes tiles and runs each through every layer with
 * products of its own, so a tile stays in that core's cache across layers and no product is split and
 * joined. The reverse mode runs whole-batch layer by layer (its weight gradients sum over the batch).
 */
final class UnrolledPasses {
    /** Workspace slot of the transposed dictionary (slots 0–4 hold the passes' batch-sized scratch). */
    private static final int TRANSPOSE_SLOT = 5;

    /** The calling thread's layer handle, loaded layer after layer: a pass allocates none. */
    private static final ThreadLocal<Layer> LAYER = ThreadLocal.withInitial(Layer::new);

    /**
     * Columns per tile of a tiled forward pass: a tile's codes, pre-activations and signals (m = 256, n = 64:
     * some 300 KB in F32) stay in one core's L2 with the layer's weights.
     */
    static final int TILE = 128;
    private static final ThreadLocal<ForwardTiles> FORWARD_TILES = ThreadLocal.withInitial(ForwardTiles::new);
    private static final ThreadLocal<TileViews> TILE_VIEWS = ThreadLocal.withInitial(TileViews::new);

    private final Blas blas;
    /** Products on the calling thread alone, for the tiles of a split pass. */
    private final Blas serial;
    private final Workers workers;
    private final ThreadLocal<Workspace> workspaces;

    UnrolledPasses(Blas blas, Workers workers, ThreadLocal<Workspace> workspaces) {
        this.blas = blas;
        this.serial = new Blas(Workers.SERIAL);
        this.workers = workers;
        this.workspaces = workspaces;
    }

    void forward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        int batch = x.cols();
        Mat stepT = transposedStepMatrix(model, workspaces.get());
        NetworkSpec spec = model.spec();
        long work = (long) batch * layers * spec.atoms() * (spec.atoms() + spec.signalDim());
        if (batch >= 2 * TILE && workers.splits(batch, TILE, work)) {
            // Batch tiles, each through every layer on one thread: no split and join per product, and a tile's
            // codes stay in that core's L2 from one layer to the next instead of streaming through memory.
            ForwardTiles tiles = FORWARD_TILES.get().set(this, model, x, z0, layers, tape, zOut, stepT);
            try {
                workers.forRange(batch, TILE, work, tiles);
            } finally {
                tiles.clear();
            }
            return;
        }
        forwardColumns(blas, model, stepT, x, z0, layers, tape, zOut, 0, batch, false);
    }

    /**
     * The forward pass over columns [j0, j1) of the batch, with {@code b}'s products. {@code tiled}: a tile of
     * a split pass, which reads and writes column views of the caller's matrices (kept per thread, so a pass
     * allocates none) and the executing thread's own scratch.
     */
    private void forwardColumns(Blas b, UnrolledModel model, Mat stepT, Matrix x, Matrix z0, int layers, Tape tape,
                                Matrix zOut, int j0, int j1, boolean tiled) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int width = j1 - j0;
        TileViews views = tiled ? TILE_VIEWS.get() : null;
        int tile = j0 / TILE;
        Mat xm = columns(views, TileViews.X, tile, x, j0, j1);
        Workspace ws = workspaces.get();
        Mat ping0 = tape == null ? ws.get(0, dt, m, width) : null;
        Mat ping1 = tape == null ? ws.get(1, dt, m, width) : null;
        Mat uScratch = tape == null ? ws.get(2, dt, m, width) : null;
        Mat r = ws.get(3, dt, n, width);
        Mat z = tape != null ? columns(views, TileViews.tapeZ(0), tile, tape.z(0), j0, j1) : ping0;
        if (z0 != null) {
            b.copy(columns(views, TileViews.Z0, tile, z0, j0, j1), z);
        } else {
            b.fill(z, 0);
        }
        Layer layer = LAYER.get();
        for (int t = 1; t <= layers; t++) {
            layer.load(model, t - 1);
            Mat u = tape != null ? columns(views, TileViews.tapeU(t), tile, tape.u(t), j0, j1) : uScratch;
            preActivation(b, layer, model, stepT, z, xm, u, r);
            Mat next = tape != null ? columns(views, TileViews.tapeZ(t), tile, tape.z(t), j0, j1)
                    : t % 2 == 0 ? ping0 : ping1;
            b.softThreshold(u, layer.tau, next, null);
            z = next;
        }
        if (zOut != null) {
            b.copy(z, columns(views, TileViews.Z_OUT, tile, zOut, j0, j1));
        }
    }

    /** Columns [j0, j1) of {@code m}: the whole matrix untiled, else this thread's kept view for the tile. */
    private static Mat columns(TileViews views, int slot, int tile, Matrix m, int j0, int j1) {
        Mat whole = Mat.of(m);
        return views == null ? whole : views.columns(slot, tile, whole, j0, j1);
    }

    /** The arguments of a tiled forward pass, in a per-thread object reused from pass to pass. */
    private static final class ForwardTiles implements Workers.Range {
        private UnrolledPasses passes;
        private UnrolledModel model;
        private Matrix x;
        private Matrix z0;
        private int layers;
        private Tape tape;
        private Matrix zOut;
        private Mat stepT;

        ForwardTiles set(UnrolledPasses passes, UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape,
                         Matrix zOut, Mat stepT) {
            this.passes = passes;
            this.model = model;
            this.x = x;
            this.z0 = z0;
            this.layers = layers;
            this.tape = tape;
            this.zOut = zOut;
            this.stepT = stepT;
            return this;
        }

        void clear() {
            passes = null;
            model = null;
            x = null;
            z0 = null;
            tape = null;
            zOut = null;
            stepT = null;
        }

        @Override
        public void run(int from, int to) {
            for (int j = from; j < to; j += TILE) {
                passes.forwardColumns(passes.serial, model, stepT, x, z0, layers, tape, zOut, j, Math.min(to, j + TILE),
                        true);
            }
        }
    }

    /**
     * One thread's column views of a tiled pass's matrices, by role and tile, reused while the matrix and
     * tile stay the same (the tiles a thread claims change from pass to pass, so every tile has its own).
     */
    private static final class TileViews {
        static final int X = 0;
        static final int Z0 = 1;
        static final int Z_OUT = 2;
        private static final int TAPE = 3;
        private Mat[][] views = new Mat[0][0];

        static int tapeZ(int t) {
            return TAPE + 2 * t;
        }

        static int tapeU(int t) {
            return TAPE + 2 * t + 1;
        }

        Mat columns(int slot, int tile, Mat whole, int j0, int j1) {
            if (slot >= views.length || tile >= views[slot].length) {
                grow(slot, tile);
            }
            Mat v = views[slot][tile];
            int off = whole.off() + j0 * whole.ld();
            if (v == null || v.buf() != whole.buf() || v.off() != off || v.ld() != whole.ld() || v.rows() != whole.rows()
                    || v.cols() != j1 - j0) {
                v = new Mat(whole.buf(), off, whole.ld(), whole.rows(), j1 - j0);
                views[slot][tile] = v;
            }
            return v;
        }

        private void grow(int slot, int tile) {
            int slots = Math.max(views.length, slot + 1);
            int tiles = Math.max(views.length == 0 ? 0 : views[0].length, tile + 1);
            Mat[][] grown = new Mat[slots][tiles];
            for (int s = 0; s < views.length; s++) {
                System.arraycopy(views[s], 0, grown[s], 0, views[s].length);
            }
            views = grown;
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

    private static void preActivation(Blas b, Layer layer, UnrolledModel model, Mat stepT, Mat z, Mat x, Mat u,
                                      Mat r) {
        if (layer.kind == LayerKind.LISTA) {
            b.gemm(false, false, 1, layer.w, z, 0, u);
            b.gemm(false, false, 1, layer.wx, x, 1, u);
            return;
        }
        Mat d = Mat.of(model.dictionary());
        residual(b, d, z, x, r);
        b.copy(z, u);
        switch (layer.kind) {
            case COUPLED, COUPLED_SCALAR_THRESHOLD -> b.gemm(false, false, -1, layer.w, r, 1, u);
            case ALISTA, STEP -> b.gemm(false, false, -layer.alpha, stepT, r, 1, u);
            default -> throw new AssertionError(layer.kind);
        }
    }

    /** r = D z − x. */
    private static void residual(Blas b, Mat d, Mat z, Mat x, Mat r) {
        b.copy(x, r);
        b.gemm(false, false, 1, d, z, -1, r);
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
                    residual(blas, d, zp, x, r);
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
                    residual(blas, d, zp, x, r);
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
                    residual(blas, d, zp, x, r);
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
