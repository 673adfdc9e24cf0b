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
 * With a tape, the forward pass records each layer's R in it ({@link Tape#residual}) and the reverse pass reads
 * it back instead of recomputing D·Z (one product of the four per layer of the reverse mode).
 * Scratch matrices come from the executing thread's {@link Workspace}. From a batch of {@link #TILED_FROM},
 * the forward pass runs batch-tiled, at most {@link #TILE} columns a tile and as many columns per thread
 * ({@link Workers#tileWidth}): each thread takes tiles and runs each
 * through every layer with products of its own, so a tile stays in that core's cache across layers and no product is split and
 * joined. The reverse mode runs the same way in parts of the batch, one per thread, each summing its own
 * weight gradients; the parts are added in a fixed order afterwards.
 */
final class UnrolledPasses {
    /** Workspace slot of the transposed dictionary (slots 0–4 hold the passes' batch-sized scratch). */
    private static final int TRANSPOSE_SLOT = 5;

    /** The calling thread's layer handle, loaded layer after layer: a pass allocates none. */
    private static final ThreadLocal<Layer> LAYER = ThreadLocal.withInitial(Layer::new);

    /**
     * Columns per tile of a tiled pass: a tile's codes, pre-activations and signals (m = 256, n = 64: some
     * 300 KB in F32) stay in one core's L2 with the layer's weights. A multiple of the micro-kernel's 6
     * columns: at 128 the last 2 columns of every product ran on the single-column edge kernel (5 % of a
     * tiled forward pass's samples).
     */
    static final int TILE = 132;
    /** Columns of the products' micro-kernel: tile widths are multiples of it ({@link Workers#tileWidth}). */
    private static final int KERNEL_COLUMNS = 6;
    /** The batch from which passes run tiled (two tiles, the second a little short at 256). */
    static final int TILED_FROM = 256;
    /**
     * On one thread (no split), tiles pay only when the batch's codes, pre-activations, signals and residuals
     * outgrow a core's L2 (1 MiB on Zen 5, 2 MiB on recent Xeons): a 20-layer LISTA-CP in F64 at batch 1 000
     * ran 1.3× faster tiled, a LISTA in F32 at batch 256 (0.6 MB) 4 % slower. {@code -Dunroll.cpu.serialTilingBytes}
     * changes it (the one-thread TCK run sets 0, so that its small batches take the tiled path too).
     */
    static final long SERIAL_TILING_BYTES = Long.getLong("unroll.cpu.serialTilingBytes", 1L << 20);
    private static final ThreadLocal<ForwardTiles> FORWARD_TILES = ThreadLocal.withInitial(ForwardTiles::new);
    private static final ThreadLocal<TileViews> TILE_VIEWS = ThreadLocal.withInitial(TileViews::new);
    private static final ThreadLocal<BackwardTiles> BACKWARD_TILES = ThreadLocal.withInitial(BackwardTiles::new);
    private static final ThreadLocal<GradientParts> GRADIENT_PARTS = ThreadLocal.withInitial(GradientParts::new);
    /** Numbers the split passes, so that a thread's laid-out weights ({@link PackCache}) last one pass. */
    private static final java.util.concurrent.atomic.AtomicLong PASSES = new java.util.concurrent.atomic.AtomicLong();

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

    /**
     * Whether these passes know every layer kind of {@code p}'s networks; the others run the SPI's composed
     * passes. Exhaustive on purpose: a new parametrization does not compile here until someone decides.
     */
    static boolean covers(Parametrization p) {
        return switch (p) {
            case LISTA, COUPLED, ALISTA, STEP, FIRST_STEP -> true;
        };
    }

    void forward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        int batch = x.cols();
        Mat stepT = transposedStepMatrix(model, workspaces.get());
        NetworkSpec spec = model.spec();
        long work = (long) batch * layers * spec.atoms() * (spec.atoms() + spec.signalDim());
        if (batch >= TILED_FROM && (outgrowsCache(spec, batch) || workers.splits(batch, TILE, work))) {
            // Batch tiles, each through every layer on one thread: no split and join per product, and a tile's
            // codes stay in that core's L2 from one layer to the next instead of streaming through memory.
            // With one thread (or a busy pool) the tiles run one after another on the caller, for the cache alone,
            // once the batch outgrows it.
            int width = workers.tileWidth(batch, TILE, KERNEL_COLUMNS);
            ForwardTiles tiles = FORWARD_TILES.get().set(this, model, x, z0, layers, tape, zOut, stepT, width,
                    PASSES.incrementAndGet());
            workers.forTilesAndClear(batch, width, work, tiles);
            return;
        }
        forwardColumns(blas, model, stepT, x, z0, layers, tape, zOut, 0, batch, 0, 0);
    }

    /** Whether a whole-batch pass's per-column matrices outgrow one core's cache ({@link #SERIAL_TILING_BYTES}). */
    private static boolean outgrowsCache(NetworkSpec spec, int batch) {
        long bytesPerColumn = 2L * (spec.atoms() + spec.signalDim()) * (spec.dtype() == DType.F32 ? 4 : 8);
        return bytesPerColumn * batch > SERIAL_TILING_BYTES;
    }

    /**
     * The forward pass over columns [j0, j1) of the batch, with {@code b}'s products. {@code pass} ≠ 0: tile
     * number {@code tile} of split pass number {@code pass}, which reads and writes column views of the caller's matrices (kept per
     * thread, so a pass allocates none) and the executing thread's own scratch, and lays out each weight
     * matrix once per thread and pass ({@link #weightProduct}).
     */
    private void forwardColumns(Blas b, UnrolledModel model, Mat stepT, Matrix x, Matrix z0, int layers, Tape tape,
                                Matrix zOut, int j0, int j1, long pass, int tile) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int width = j1 - j0;
        TileViews views = pass != 0 ? TILE_VIEWS.get() : null;
        Mat xm = columns(views, TileViews.X, tile, x, j0, j1);
        Workspace ws = workspaces.get();
        // Layers before the tape's window (all of them without a tape) run through scratch.
        boolean scratchLayers = tape == null || tape.recordedFrom() > 0;
        Mat ping0 = scratchLayers ? ws.get(0, dt, m, width) : null;
        Mat ping1 = scratchLayers ? ws.get(1, dt, m, width) : null;
        Mat uScratch = scratchLayers ? ws.get(2, dt, m, width) : null;
        Mat r = ws.get(3, dt, n, width);
        Mat z = recorded(tape, 0) ? columns(views, TileViews.tapeZ(0), tile, tape.z(0), j0, j1) : ping0;
        if (z0 != null) {
            b.copy(columns(views, TileViews.Z0, tile, z0, j0, j1), z);
        } else {
            b.fill(z, 0);
        }
        Layer layer = LAYER.get();
        for (int t = 1; t <= layers; t++) {
            layer.load(model, t - 1);
            // The first layer of a window records its output z but not its u and R (the reverse mode stops there).
            boolean record = recorded(tape, t - 1);
            Mat u = record ? columns(views, TileViews.tapeU(t), tile, tape.u(t), j0, j1) : uScratch;
            Mat next = recorded(tape, t) ? columns(views, TileViews.tapeZ(t), tile, tape.z(t), j0, j1)
                    : t % 2 == 0 ? ping0 : ping1;
            // With a tape, the residual goes into its record, so that the reverse pass need not recompute it.
            Mat residual = record && tape.residual(t) != null
                    ? columns(views, TileViews.tapeR(t), tile, tape.residual(t), j0, j1) : r;
            preActivation(b, pass, layer, model, stepT, z, xm, u, residual);
            b.softThreshold(u, layer.tau, next, null);
            z = next;
        }
        if (zOut != null) {
            b.copy(z, columns(views, TileViews.Z_OUT, tile, zOut, j0, j1));
        }
    }

    /** Whether the pass records layer t's output on {@code tape} (it records the tape's window only). */
    private static boolean recorded(Tape tape, int t) {
        return tape != null && tape.z(t) != null;
    }

    /** Columns [j0, j1) of {@code m}: the whole matrix untiled, else this thread's kept view for the tile. */
    private static Mat columns(TileViews views, int slot, int tile, Matrix m, int j0, int j1) {
        Mat whole = Mat.of(m);
        return views == null ? whole : views.columns(slot, tile, whole, j0, j1);
    }

    /** The arguments of a tiled forward pass, in a per-thread object reused from pass to pass. */
    private static final class ForwardTiles implements Workers.ReusedRange {
        private UnrolledPasses passes;
        private UnrolledModel model;
        private Matrix x;
        private Matrix z0;
        private int layers;
        private Tape tape;
        private Matrix zOut;
        private Mat stepT;
        private int width;
        private long pass;

        ForwardTiles set(UnrolledPasses passes, UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape,
                         Matrix zOut, Mat stepT, int width, long pass) {
            this.width = width;
            this.pass = pass;
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

        @Override
        public void clear() {
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
            for (int j = from; j < to; j += width) {
                passes.forwardColumns(passes.serial, model, stepT, x, z0, layers, tape, zOut, j, Math.min(to, j + width),
                        pass, j / width);
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
        static final int GRAD_Z = 3;
        private static final int TAPE = 4;
        private Mat[][] views = new Mat[0][0];

        static int tapeZ(int t) {
            return TAPE + 3 * t;
        }

        static int tapeU(int t) {
            return TAPE + 3 * t + 1;
        }

        static int tapeR(int t) {
            return TAPE + 3 * t + 2;
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

    private static void preActivation(Blas b, long pass, Layer layer, UnrolledModel model, Mat stepT, Mat z, Mat x,
                                      Mat u, Mat r) {
        if (layer.kind == LayerKind.LISTA) {
            weightProduct(b, pass, false, 1, layer.w, z, 0, u);
            weightProduct(b, pass, false, 1, layer.wx, x, 1, u);
            return;
        }
        Mat d = Mat.of(model.dictionary());
        residual(b, pass, d, z, x, r);
        b.copy(z, u);
        switch (layer.kind) {
            case COUPLED, COUPLED_SCALAR_THRESHOLD -> weightProduct(b, pass, false, -1, layer.w, r, 1, u);
            case ALISTA, STEP -> weightProduct(b, pass, false, -layer.alpha, stepT, r, 1, u);
            default -> throw new AssertionError(layer.kind);
        }
    }

    /** r = D z − x. */
    private static void residual(Blas b, long pass, Mat d, Mat z, Mat x, Mat r) {
        b.copy(x, r);
        weightProduct(b, pass, false, 1, d, z, -1, r);
    }

    /**
     * c ← α·op(w)·x + β·c for a matrix w fixed during the pass (a layer's weights, D, Dᵀ): in a tile of a
     * split pass ({@code pass} ≠ 0) op(w) is laid out once per thread and pass instead of once per tile.
     */
    private static void weightProduct(Blas b, long pass, boolean ta, double alpha, Mat w, Mat x, double beta, Mat c) {
        if (pass != 0) {
            b.gemmReusingA(pass, ta, false, alpha, w, x, beta, c);
        } else {
            b.gemm(ta, false, alpha, w, x, beta, c);
        }
    }

    void backward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads, Matrix gradD) {
        NetworkSpec spec = model.spec();
        int k = tape.layersRun();
        int batch = tape.batch();
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
        if (lastLayers == 0) {
            return;
        }
        Mat dT = null;
        if (spec.parametrization() != Parametrization.LISTA) {
            dT = workspaces.get().get(TRANSPOSE_SLOT, spec.dtype(), spec.atoms(), spec.signalDim());
            blas.transpose(Mat.of(model.dictionary()), dT);
        }
        long work = (long) batch * lastLayers * spec.atoms() * (spec.atoms() + spec.signalDim()) * 3;
        int width = workers.tileWidth(batch, TILE, KERNEL_COLUMNS);
        int tiles = (batch + width - 1) / width;
        int parts = Math.min(workers.threads(), tiles);
        int partLength = (tiles + parts - 1) / parts * width;
        GradientParts sums = GRADIENT_PARTS.get();
        if (batch >= TILED_FROM && (outgrowsCache(spec, batch) || workers.splits(batch, partLength, work))) {
            // Parts of the batch, each on one thread with serial products, tile by tile through every layer of
            // the window, so that a tile's codes and gradients stay in that core's cache. Each part sums its
            // weight gradients on its own (part 0 into the caller's gradients), and the parts are added in
            // part order afterwards: the parts are fixed by the batch and thread count alone, so the result
            // never depends on which thread ran which part.
            sums.prepare(parts, model, grads, gd, k, lastLayers);
            BackwardTiles body = BACKWARD_TILES.get().set(this, model, tape, gradZ, dT, lastLayers, sums, partLength,
                    width, PASSES.incrementAndGet());
            workers.forRangeAndClear(batch, partLength, work, body);
        } else {
            sums.prepare(1, model, grads, gd, k, lastLayers);
            backwardColumns(blas, model, tape, gradZ, dT, lastLayers, sums.part(0), 0, batch, true, 0, 0);
        }
        sums.finish(blas, model, grads, k, lastLayers);
    }

    /**
     * The reverse mode through the last {@code lastLayers} layers over columns [j0, j1) of the batch, with
     * {@code b}'s products, into {@code part}: its weight gradients are overwritten ({@code first}) or added
     * to, and its scalar sums and D's gradient are added to. {@code pass}: as in {@link #forwardColumns}.
     */
    private void backwardColumns(Blas b, UnrolledModel model, Tape tape, Matrix gradZ, Mat dT, int lastLayers,
                                 GradientParts.Part part, int j0, int j1, boolean first, long pass, int tile) {
        NetworkSpec spec = model.spec();
        DType dt = spec.dtype();
        int m = spec.atoms();
        int n = spec.signalDim();
        int k = tape.layersRun();
        int width = j1 - j0;
        TileViews views = pass != 0 ? TILE_VIEWS.get() : null;
        Mat d = Mat.of(model.dictionary());
        Mat x = columns(views, TileViews.X, tile, tape.input(), j0, j1);
        Workspace ws = workspaces.get();
        Mat g = ws.get(0, dt, m, width);
        Mat gPrev = ws.get(1, dt, m, width);
        Mat ubar = ws.get(2, dt, m, width);
        Mat wu = ws.get(4, dt, n, width);
        Mat gd = part.dictionary;
        double beta = first ? 0 : 1;
        b.copy(columns(views, TileViews.GRAD_Z, tile, gradZ, j0, j1), g);
        Layer layer = LAYER.get();
        for (int t = k; t > k - lastLayers; t--) {
            int l = t - 1;
            layer.load(model, l);
            Mat zp = columns(views, TileViews.tapeZ(t - 1), tile, tape.z(t - 1), j0, j1);
            b.maskedGradient(columns(views, TileViews.tapeU(t), tile, tape.u(t), j0, j1), layer.tau, g, ubar,
                    part.rowSignSums[l]);
            switch (layer.kind) {
                case LISTA -> {
                    b.gemm(false, true, 1, ubar, zp, beta, part.weight(l, ParamKind.W_Z));
                    b.gemm(false, true, 1, ubar, x, beta, part.weight(l, ParamKind.W_X));
                    weightProduct(b, pass, true, 1, layer.w, ubar, 0, gPrev);
                }
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                    Mat r = columns(views, TileViews.tapeR(t), tile, tape.residual(t), j0, j1); // as recorded
                    b.gemm(false, true, -1, ubar, r, beta, part.weight(l, ParamKind.W_COUPLED));
                    weightProduct(b, pass, true, 1, layer.w, ubar, 0, wu);
                    if (gd != null) {
                        b.gemm(false, true, -1, wu, zp, 1, gd);
                    }
                    b.copy(ubar, gPrev);
                    weightProduct(b, pass, false, -1, dT, wu, 1, gPrev);
                }
                case ALISTA -> {
                    Mat r = columns(views, TileViews.tapeR(t), tile, tape.residual(t), j0, j1); // as recorded
                    weightProduct(b, pass, false, 1, Mat.of(model.analyticWeights()), ubar, 0, wu);
                    part.residualDots[l] += b.dot(wu, r);
                    if (gd != null) {
                        b.gemm(false, true, -layer.alpha, wu, zp, 1, gd);
                    }
                    b.copy(ubar, gPrev);
                    weightProduct(b, pass, false, -layer.alpha, dT, wu, 1, gPrev);
                }
                case STEP -> {
                    Mat r = columns(views, TileViews.tapeR(t), tile, tape.residual(t), j0, j1); // as recorded
                    weightProduct(b, pass, false, 1, d, ubar, 0, wu);
                    part.residualDots[l] += b.dot(wu, r);
                    if (gd != null) {
                        b.gemm(false, true, -layer.alpha, r, ubar, 1, gd);
                        b.gemm(false, true, -layer.alpha, wu, zp, 1, gd);
                    }
                    b.copy(ubar, gPrev);
                    weightProduct(b, pass, false, -layer.alpha, dT, wu, 1, gPrev);
                }
                default -> throw new AssertionError(layer.kind);
            }
            Mat swap = g;
            g = gPrev;
            gPrev = swap;
        }
    }

    /** The arguments of a tiled reverse pass, in a per-thread object reused from pass to pass. */
    private static final class BackwardTiles implements Workers.ReusedRange {
        private UnrolledPasses passes;
        private UnrolledModel model;
        private Tape tape;
        private Matrix gradZ;
        private Mat dT;
        private int lastLayers;
        private GradientParts sums;
        private int partLength;
        private int width;
        private long pass;

        BackwardTiles set(UnrolledPasses passes, UnrolledModel model, Tape tape, Matrix gradZ, Mat dT, int lastLayers,
                          GradientParts sums, int partLength, int width, long pass) {
            this.width = width;
            this.pass = pass;
            this.passes = passes;
            this.model = model;
            this.tape = tape;
            this.gradZ = gradZ;
            this.dT = dT;
            this.lastLayers = lastLayers;
            this.sums = sums;
            this.partLength = partLength;
            return this;
        }

        @Override
        public void clear() {
            passes = null;
            model = null;
            tape = null;
            gradZ = null;
            dT = null;
            sums = null;
        }

        @Override
        public void run(int from, int to) {
            // A range holds whole parts (several when the pool was busy and the caller runs them all).
            for (int start = from; start < to; start += partLength) {
                GradientParts.Part part = sums.part(start / partLength);
                int end = Math.min(to, start + partLength);
                if (start > 0 && part.dictionary != null) {
                    passes.serial.fill(part.dictionary, 0); // part 0 adds into the caller's, zeroed before
                }
                for (int j = start; j < end; j += width) {
                    passes.backwardColumns(passes.serial, model, tape, gradZ, dT, lastLayers, part, j,
                            Math.min(end, j + width), j == start, pass, j / width);
                }
            }
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
