package dev.unroll.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for float arrays, column-major with BLAS semantics: C ← α·op(A)·op(B) + β·C, where β = 0 means C is
 * not read. Every form runs one register-blocked micro-kernel (4 vectors of rows × 6 columns of C held in
 * registers, op(A)'s columns loaded, op(B)'s entries broadcast, fused multiply-add), with a transposed A
 * transposed first; only Aᵀ·B with fewer than 4 columns of C runs dot products over A's contiguous columns.
 * From 48 columns of C, op(A) is packed in 4V-row blocks and the columns of C are split across the workers;
 * narrower products split the rows of C instead.
 * Generated F64 twin: {@code GemmF64}.
 */
final class GemmF32 {
    private static final VectorSpecies<Float> S = Species.F32;
    private static final int V = S.length();
    /** Columns of C per micro-kernel call. */
    private static final int COLUMN_BLOCK = 6;
    /** Inner-dimension panel: 4V rows × 256 of A (64 KiB in F32 at 512 bits) stay in L2 across C's columns. */
    private static final int K_PANEL = 256;
    /**
     * Inner-dimension panel of a packed A: one packed 4V-row block of A is 4V × 128 (32 KiB in F32 at
     * 512 bits), so it stays in the 48 KiB L1 while the block runs over every column of a chunk of C.
     */
    private static final int PACKED_K_PANEL = 128;
    /** Columns of C per chunk of a packed product: B's 128 × 512 slice (256 KiB) stays in L2 across A's row blocks. */
    private static final int PACKED_COLUMN_CHUNK = 512;
    /**
     * Columns of C from which op(A)'s full 4V-row blocks are packed contiguously. Unpacked, a block's
     * columns lie a leading dimension apart and (at lda = 256 floats, 1 KiB) fall into a quarter of L1's sets,
     * so a block streamed from L2 at every column of C; packing costs m·k copies against m·k·n multiply-adds.
     */
    private static final int PACK_A_FROM_COLUMNS = 48;
    /** Columns of C from which Aᵀ·B transposes A rather than running dot products. */
    private static final int DOT_FORM_BELOW_COLUMNS = 4;

    /** Per-thread buffer for a transposed A, grown on demand: steady-state products allocate nothing. */
    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread arguments of a split product. */
    private static final ThreadLocal<Split> SPLIT = ThreadLocal.withInitial(Split::new);
    /** Per-thread gather offsets for {@link #transposed}. */
    private static final ThreadLocal<int[]> COLUMN_OFFSETS = ThreadLocal.withInitial(() -> new int[V]);
    /** Per-thread buffer for op(A) packed in 4V-row blocks, grown on demand. */
    private static final ThreadLocal<float[]> PANELS_A = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread partial products of a {@link #splitInner} product beyond the first, grown on demand. */
    private static final ThreadLocal<float[]> INNER_PARTIALS = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread arguments of a {@link #splitInner} product. */
    private static final ThreadLocal<InnerSplit> INNER_SPLIT = ThreadLocal.withInitial(InnerSplit::new);
    /** Inner dimension from which a product with a small C is split over it ({@link #splitInner}). */
    private static final int SPLIT_INNER_FROM = 2048;
    /** Largest C (elements) split over the inner dimension: 256×256, the m×m weight gradient. */
    private static final long SPLIT_INNER_MAX_C = 1L << 16;
    /** Per-thread arguments of a split packing. */
    private static final ThreadLocal<PackSplit> PACK_SPLIT = ThreadLocal.withInitial(PackSplit::new);
    /**
     * One copied element in multiply-add equivalents, for the split threshold: a copy streams memory, where a
     * multiply-add reuses registers and L1.
     */
    private static final int PACK_COST = 4;

    private GemmF32() {
    }

    private static float[] packBuffer(ThreadLocal<float[]> local, int size) {
        float[] buf = local.get();
        if (buf.length < size) {
            buf = new float[size];
            local.set(buf);
        }
        return buf;
    }

    /**
     * op(A)'s rows [0, m − m mod 4V) in blocks of 4V rows, each block stored column after column with
     * leading dimension 4V: block {@code ib}, column l starts at {@code (ib·k + l)·4V}. The micro-kernel then
     * reads one contiguous run per block. The blocks are split over the workers: for Ū·Zᵀ at batch 4096 the
     * copy is 4 MB, and done by the caller alone it kept the other core idle for some 5 % of a LISTA
     * training step.
     */
    private static float[] packPanels(Workers workers, int m, int k, float[] a, int aOff, int lda) {
        int blocks = m / (4 * V);
        float[] panels = packBuffer(PANELS_A, blocks * k * 4 * V);
        long work = (long) blocks * 4 * V * k * PACK_COST;
        if (!workers.splits(blocks, 1, work)) {
            packBlocks(0, blocks, k, a, aOff, lda, panels);
            return panels;
        }
        PackSplit split = PACK_SPLIT.get().set(k, a, aOff, lda, panels);
        workers.forRangeAndClear(blocks, 1, work, split);
        return panels;
    }

    /** Blocks [b0, b1) of {@link #packPanels}. */
    private static void packBlocks(int b0, int b1, int k, float[] a, int aOff, int lda, float[] panels) {
        for (int ib = b0; ib < b1; ib++) {
            int dst = ib * k * 4 * V;
            int src = aOff + ib * 4 * V;
            for (int l = 0; l < k; l++) {
                System.arraycopy(a, src + l * lda, panels, dst + l * 4 * V, 4 * V);
            }
        }
    }

    /**
     * A product with a long inner dimension and a small C (the weight gradients Ū·Zᵀ and Ū·Xᵀ, which sum
     * over a batch of thousands), split over the inner dimension: each part is a whole product over its
     * share of it on one thread, and C is their sum, added in part order (the parts are fixed by k and the
     * thread count, so the result never depends on which thread ran which part). Split over C's columns
     * instead, every chunk streamed all of op(A) (4 MB at batch 4096) from memory and the product ran at
     * 0.65× a same-size W_z·Z on two threads, hardly faster than on one.
     */
    private static void splitInner(Workers workers, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                                   int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                   long work) {
        int perThread = (k + workers.threads() - 1) / workers.threads();
        int per = (perThread + PACKED_K_PANEL - 1) / PACKED_K_PANEL * PACKED_K_PANEL;
        int parts = (k + per - 1) / per;
        float[] partial = packBuffer(INNER_PARTIALS, (parts - 1) * m * n);
        InnerSplit split = INNER_SPLIT.get().set(tb, m, n, k, per, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                partial);
        workers.forRangeAndClear(parts, 1, work, split);
        for (int p = 1; p < parts; p++) {
            int src = (p - 1) * m * n;
            for (int j = 0; j < n; j++) {
                int cb = cOff + j * ldc;
                int pb = src + j * m;
                int i = 0;
                for (; i <= m - V; i += V) {
                    FloatVector.fromArray(S, c, cb + i).add(FloatVector.fromArray(S, partial, pb + i)).intoArray(c, cb + i);
                }
                for (; i < m; i++) {
                    c[cb + i] += partial[pb + i];
                }
            }
        }
    }

    /**
     * The arguments of a product handed to the workers, shared by {@link Split} and {@link InnerSplit}: kept
     * in a per-thread object reused from call to call, since a capturing lambda cost an allocation per split
     * product.
     */
    private abstract static class ProductArgs implements Workers.ReusedRange {
        boolean tb;
        int m;
        int n;
        int k;
        float alpha;
        float[] a;
        int aOff;
        int lda;
        float[] b;
        int bOff;
        int ldb;
        float beta;
        float[] c;
        int cOff;
        int ldc;

        void product(boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                     int ldb, float beta, float[] c, int cOff, int ldc) {
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
        }

        @Override
        public void clear() {
            a = null;
            b = null;
            c = null;
        }
    }

    /** The arguments of a {@link #splitInner} product: the part length and the other parts' sums. */
    private static final class InnerSplit extends ProductArgs {
        private int per;
        private float[] partial;

        InnerSplit set(boolean tb, int m, int n, int k, int per, float alpha, float[] a, int aOff, int lda, float[] b,
                       int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] partial) {
            product(tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            this.per = per;
            this.partial = partial;
            return this;
        }

        @Override
        public void clear() {
            super.clear();
            partial = null;
        }

        /** Parts [from, to): part 0 into C (with β), the others into their own m×n slice of the partials. */
        @Override
        public void run(int from, int to) {
            for (int p = from; p < to; p++) {
                int k0 = p * per;
                int kp = Math.min(k, k0 + per) - k0;
                int bk = bOff + (tb ? k0 * ldb : k0);
                if (p == 0) {
                    gemm(Workers.SERIAL, false, tb, m, n, kp, alpha, a, aOff + k0 * lda, lda, b, bk, ldb, beta, c, cOff,
                            ldc);
                } else {
                    gemm(Workers.SERIAL, false, tb, m, n, kp, alpha, a, aOff + k0 * lda, lda, b, bk, ldb, 0f, partial,
                            (p - 1) * m * n, m);
                }
            }
        }
    }

    /** The arguments of a split {@link #packPanels}, in a per-thread object reused from call to call. */
    private static final class PackSplit implements Workers.ReusedRange {
        private int k;
        private float[] a;
        private int aOff;
        private int lda;
        private float[] panels;

        PackSplit set(int k, float[] a, int aOff, int lda, float[] panels) {
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.panels = panels;
            return this;
        }

        @Override
        public void clear() {
            a = null;
            panels = null;
        }

        @Override
        public void run(int from, int to) {
            packBlocks(from, to, k, a, aOff, lda, panels);
        }
    }

    /**
     * op(A) laid out once for many products with the same A on one thread (a layer's weights across the batch
     * tiles of one pass): op(A) as an m×k matrix ({@code plain}: A itself, or its transpose in a buffer of
     * this operand's own) and its full 4V-row blocks as {@link #packPanels} lays them out. Packing per product
     * took 6–10 % of a tiled LISTA pass at batch 4096, and transposing W_z for every tile another 8 % of the
     * reverse pass.
     */
    static final class PackedOperand {
        private float[] plain;
        private int off;
        private int ld;
        private float[] own = new float[0];
        private float[] panels = new float[0];
        private int m;
        private int k;
        /** A as given, stored k×m, when op(A) = Aᵀ: {@link #gemm}'s dot form for very narrow C reads it. */
        private float[] source;
        private int sourceOff;
        private int sourceLd;

        /** Lays out op(A) (m×k; A stored k×m when {@code ta}), reusing this operand's buffers. */
        void pack(boolean ta, int m, int k, float[] a, int aOff, int lda) {
            this.m = m;
            this.k = k;
            source = ta ? a : null;
            sourceOff = aOff;
            sourceLd = lda;
            if (ta) {
                if (own.length < m * k) {
                    own = new float[m * k];
                }
                plain = transposeInto(a, aOff, lda, 0, m, k, own);
                off = 0;
                ld = Math.max(m, 1);
            } else {
                plain = a;
                off = aOff;
                ld = lda;
            }
            int blocks = m / (4 * V);
            if (panels.length < blocks * k * 4 * V) {
                panels = new float[blocks * k * 4 * V];
            }
            packBlocks(0, blocks, k, plain, off, ld, panels);
        }
    }

    /**
     * C ← α·op(A)·op(B) + β·C with op(A) already laid out ({@code A} m×k as packed), on the calling thread:
     * the same arithmetic, in the same order, as {@link #gemm} with that A.
     */
    static void gemmPacked(PackedOperand a, boolean tb, int n, float alpha, float[] b, int bOff, int ldb, float beta,
                           float[] c, int cOff, int ldc) {
        int m = a.m;
        int k = a.k;
        if (m == 0 || n == 0) {
            return;
        }
        if (a.source != null && !tb && n < DOT_FORM_BELOW_COLUMNS) {
            range(true, false, m, k, alpha, a.source, a.sourceOff, a.sourceLd, null, b, bOff, ldb, beta, c, cOff, ldc, 0,
                    n);
            return;
        }
        float[] panels = n >= PACK_A_FROM_COLUMNS && m >= 4 * V && alpha != 0 && k > 0 ? a.panels : null;
        range(false, tb, m, k, alpha, a.plain, a.off, a.ld, panels, b, bOff, ldb, beta, c, cOff, ldc, 0, n);
    }

    /** The whole product, split over columns of C on {@code workers}. */
    static void gemm(Workers workers, boolean ta, boolean tb, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        // Aᵀ·B with very few columns of C stays a set of dot products (A read once, as a GEMV would); from
        // DOT_FORM_BELOW_COLUMNS it pays to transpose A (m·k copies against m·k·n multiply-adds) and run the
        // register-blocked kernel: a dot product ends in a lane sum in fixed order, some 30 operations per
        // element of C, and ran W_zᵀ·Ū at batch 16 at a tenth of the blocked kernel's speed.
        boolean dotForm = ta && !tb && n < DOT_FORM_BELOW_COLUMNS;
        boolean transposeA = ta && !dotForm && alpha != 0 && k > 0;
        long work = (long) m * n * k;
        if (!ta && alpha != 0 && k >= SPLIT_INNER_FROM && (long) m * n <= SPLIT_INNER_MAX_C
                && workers.splits(k, PACKED_K_PANEL, work)) {
            splitInner(workers, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, work);
            return;
        }
        if (n < PACK_A_FROM_COLUMNS && workers.splits(m, 4 * V, work)) {
            // Narrow C: each worker takes half of op(A)'s rows (and reads, or transposes, only those), where a
            // split of a few columns would leave both workers reading all of A, in unequal parts (12 and 4
            // columns at 16).
            Split split = SPLIT.get().set(true, dotForm, transposeA, tb, m, n, k, alpha, a, aOff, lda, null, b, bOff, ldb,
                    beta, c, cOff, ldc);
            workers.forRangeAndClear(m, 4 * V, work, split);
            return;
        }
        boolean packs = !dotForm && n >= PACK_A_FROM_COLUMNS && m >= 4 * V && alpha != 0 && k > 0;
        if (packs && n <= PACKED_COLUMN_CHUNK && rowBlocksEven(workers, m) && workers.splits(m, 4 * V, work)) {
            // A square-ish C: each thread packs and runs only its own run of 4V-row blocks of op(A) over all
            // of C's columns. Split over columns, 256 columns made 7 chunks of 36 and one of 4 (one thread ran
            // 144 columns, the other 112), a separate split packed all of A first, and each thread read the
            // half of packed A the other had written: 256×256·256×256 ran no faster on two threads than on one.
            Split split = SPLIT.get().set(true, false, transposeA, tb, m, n, k, alpha, a, aOff, lda, null, b, bOff, ldb,
                    beta, c, cOff, ldc);
            split.packRows = true;
            workers.forRangeAndClear(m, m / workers.threads(), work, split);
            return;
        }
        float[] ap = a;
        int apOff = aOff;
        int apLd = lda;
        if (transposeA) {
            ap = transposed(a, aOff, lda, 0, m, k);
            apOff = 0;
            apLd = m;
        }
        float[] pa = ap;
        int paOff = apOff;
        int paLd = apLd;
        float[] panels = packs ? packPanels(workers, m, k, ap, apOff, apLd) : null;
        if (!workers.splits(n, COLUMN_BLOCK, work)) {
            range(dotForm, tb, m, k, alpha, pa, paOff, paLd, panels, b, bOff, ldb, beta, c, cOff, ldc, 0, n);
            return;
        }
        Split split = SPLIT.get().set(false, dotForm, false, tb, m, n, k, alpha, pa, paOff, paLd, panels, b, bOff, ldb,
                beta, c, cOff, ldc);
        workers.forRangeAndClear(n, COLUMN_BLOCK, work, split);
    }

    /**
     * Whether C's rows fall on the threads in equal runs of whole 4V-row blocks: one contiguous run per thread.
     * In smaller chunks claimed in turn, neighbouring chunks went to different threads, and each of their
     * shared boundaries put a cache line of every column of C on both cores (a Java array's data is not
     * line-aligned): 256×256·256×256 on two threads ran at 118 µs in 4 chunks against 96–101 µs in 2.
     */
    private static boolean rowBlocksEven(Workers workers, int m) {
        return m % (4 * V) == 0 && m / (4 * V) % workers.threads() == 0;
    }

    /**
     * Rows [i0, i1) of C (a multiple of 4V rows from a multiple of 4V), all its n columns, on the calling
     * thread: those rows of op(A) (transposed first if asked) packed in this thread's buffer, then the
     * packed product, with the same arithmetic per element of C as a split over columns.
     */
    private static void packedRows(boolean transposeA, boolean tb, int i0, int i1, int n, int k, float alpha, float[] a,
                                   int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
                                   int ldc) {
        int rows = i1 - i0;
        float[] src = a;
        int srcOff = aOff + i0;
        int srcLd = lda;
        if (transposeA) {
            src = transposed(a, aOff, lda, i0, i1, k);
            srcOff = 0;
            srcLd = rows;
        }
        int blocks = rows / (4 * V);
        float[] panels = packBuffer(PANELS_A, blocks * k * 4 * V);
        packBlocks(0, blocks, k, src, srcOff, srcLd, panels);
        range(false, tb, rows, k, alpha, src, srcOff, srcLd, panels, b, bOff, ldb, beta, c, cOff + i0, ldc, 0, n);
    }

    /**
     * The arguments of one product split across the workers over rows or columns of C. {@code byRows}: the
     * range is rows of C ({@link #rows}), else columns ({@link #range}).
     */
    private static final class Split extends ProductArgs {
        private boolean byRows;
        /** With {@code byRows}: each chunk packs its rows of op(A) ({@link #packedRows}). */
        private boolean packRows;
        private boolean dotForm;
        private boolean transposeA;
        private float[] panels;

        Split set(boolean byRows, boolean dotForm, boolean transposeA, boolean tb, int m, int n, int k, float alpha,
                  float[] a, int aOff, int lda, float[] panels, float[] b, int bOff, int ldb, float beta, float[] c,
                  int cOff, int ldc) {
            product(tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            this.byRows = byRows;
            this.packRows = false;
            this.dotForm = dotForm;
            this.transposeA = transposeA;
            this.panels = panels;
            return this;
        }

        @Override
        public void clear() {
            super.clear();
            panels = null;
        }

        @Override
        public void run(int from, int to) {
            if (packRows) {
                packedRows(transposeA, tb, from, to, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else if (byRows) {
                rows(dotForm, transposeA, tb, from, to, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                range(dotForm, tb, m, k, alpha, a, aOff, lda, panels, b, bOff, ldb, beta, c, cOff, ldc, from, to);
            }
        }
    }

    /** Rows [i0, i1) of C, all its n columns, on the calling thread (transposing those rows of op(A) if asked). */
    private static void rows(boolean dotForm, boolean transposeA, boolean tb, int i0, int i1, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
                             int ldc) {
        if (transposeA) {
            range(false, tb, i1 - i0, k, alpha, transposed(a, aOff, lda, i0, i1, k), 0, i1 - i0, null, b, bOff, ldb,
                    beta, c, cOff + i0, ldc, 0, n);
        } else {
            range(dotForm, tb, i1 - i0, k, alpha, a, aOff + (dotForm ? i0 * lda : i0), lda, null, b, bOff, ldb, beta, c,
                    cOff + i0, ldc, 0, n);
        }
    }

    /**
     * Rows [i0, i1) of Aᵀ (A stored k×m) as a packed (i1 − i0)×k matrix in this thread's buffer, V rows at a
     * time: one gather of A's row l across V columns, stored as one vector. Scalar copies ran at some 1.4 ns
     * per element here whatever the order (the strided side maps onto few L1 sets), four times the gather's
     * cost, and for W_zᵀ·Ū at batch 16 took longer than the product.
     */
    private static float[] transposed(float[] a, int aOff, int lda, int i0, int i1, int k) {
        return transposeInto(a, aOff, lda, i0, i1, k, packBuffer(PACKED_A, (i1 - i0) * k));
    }

    /** As {@link #transposed}, into {@code ap}. */
    private static float[] transposeInto(float[] a, int aOff, int lda, int i0, int i1, int k, float[] ap) {
        int rows = i1 - i0;
        int[] across = columnOffsets(lda);
        int i = i0;
        for (; i + V <= i1; i += V) {
            int src = aOff + i * lda;
            int dst = i - i0;
            for (int l = 0; l < k; l++) {
                FloatVector.fromArray(S, a, src + l, across, 0).intoArray(ap, dst + l * rows);
            }
        }
        for (; i < i1; i++) {
            int src = aOff + i * lda;
            int dst = i - i0;
            for (int l = 0; l < k; l++) {
                ap[dst + l * rows] = a[src + l];
            }
        }
        return ap;
    }

    /** {0, lda, 2·lda, …} for V lanes, in a per-thread array rewritten only when lda changes. */
    private static int[] columnOffsets(int lda) {
        int[] offsets = COLUMN_OFFSETS.get();
        if (offsets[V - 1] != (V - 1) * lda || V == 1) {
            for (int lane = 0; lane < V; lane++) {
                offsets[lane] = lane * lda;
            }
        }
        return offsets;
    }

    /**
     * Columns [j0, j1) of C on the calling thread. {@code dotForm}: A is stored k×m and enters transposed, B is
     * not transposed; otherwise op(A) is stored m×k (as given, or packed). {@code panels}: op(A)'s full 4V-row
     * blocks as {@link #packPanels} lays them out, or null.
     */
    static void range(boolean dotForm, boolean tb, int m, int k, float alpha, float[] a, int aOff, int lda,
                      float[] panels, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, int j0,
                      int j1) {
        if (alpha == 0 || k == 0) {
            scaleColumns(beta, c, cOff, ldc, m, j0, j1);
            return;
        }
        if (dotForm) {
            dotColumns(m, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, j0, j1);
        } else {
            int bRs = tb ? ldb : 1;
            int bCs = tb ? 1 : ldb;
            if (panels != null) {
                packedColumns(m, k, alpha, beta, panels, a, aOff, lda, b, bOff, bRs, bCs, c, cOff, ldc, j0, j1);
            } else {
                axpyColumns(m, k, alpha, beta, a, aOff, lda, b, bOff, bRs, bCs, c, cOff, ldc, j0, j1);
            }
        }
    }

    private static void scaleColumns(float beta, float[] c, int cOff, int ldc, int m, int j0, int j1) {
        if (beta == 1) {
            return;
        }
        for (int j = j0; j < j1; j++) {
            int base = cOff + j * ldc;
            if (beta == 0) {
                java.util.Arrays.fill(c, base, base + m, 0f);
            } else {
                int i = 0;
                for (; i <= m - V; i += V) {
                    FloatVector.fromArray(S, c, base + i).mul(beta).intoArray(c, base + i);
                }
                for (; i < m; i++) {
                    c[base + i] *= beta;
                }
            }
        }
    }

    /**
     * C[:, j0..j1) ← α·op(A)·op(B)[:, j0..j1) + β·C: 6 columns × 4 vectors of rows at a time, then narrower
     * blocks for the edges. β other than 0 and 1 is applied to C first, so every block either stores its sums
     * (β = 0: C is not read) or adds them to C. A long inner dimension is cut into panels of {@link #K_PANEL}:
     * the rows of A a block reads then stay in L2 across all columns of C (for Ū·Zᵀ over a batch of 4096,
     * without panels every 6 columns of C streamed all of Ū from memory again).
     */
    private static void axpyColumns(int m, int k, float alpha, float beta, float[] a, int aOff, int lda, float[] b, int bOff,
                                    int bRs, int bCs, float[] c, int cOff, int ldc, int j0, int j1) {
        if (beta != 0 && beta != 1) {
            scaleColumns(beta, c, cOff, ldc, m, j0, j1);
        }
        for (int p0 = 0, kc; p0 < k; p0 += kc) {
            kc = panelLength(K_PANEL, k - p0);
            axpyPanel(m, kc, alpha, beta != 0 || p0 > 0, a, aOff + p0 * lda, lda, b, bOff + p0 * bRs, bRs, bCs, c, cOff,
                    ldc, j0, j1);
        }
    }

    /**
     * As {@link #axpyColumns}, with op(A)'s full 4V-row blocks packed (GotoBLAS's order): per panel of
     * {@link #PACKED_K_PANEL} and chunk of {@link #PACKED_COLUMN_CHUNK} columns, each packed block (in L1)
     * runs over every column of the chunk (B's slice in L2). Every element of C sums its products
     * in the order of the inner index within a panel (panels are shorter than unpacked ones, so the last bits
     * may differ from the unpacked path, never from one call to the next).
     */
    private static void packedColumns(int m, int k, float alpha, float beta, float[] panels, float[] a, int aOff,
                                      int lda, float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc,
                                      int j0, int j1) {
        if (beta != 0 && beta != 1) {
            scaleColumns(beta, c, cOff, ldc, m, j0, j1);
        }
        int mb = m / (4 * V) * (4 * V);
        for (int p0 = 0, kc; p0 < k; p0 += kc) {
            kc = panelLength(PACKED_K_PANEL, k - p0);
            boolean accumulate = beta != 0 || p0 > 0;
            for (int jc = j0; jc < j1; jc += PACKED_COLUMN_CHUNK) {
                int jEnd = Math.min(j1, jc + PACKED_COLUMN_CHUNK);
                for (int i = 0; i < mb; i += 4 * V) {
                    blockRow(kc, alpha, accumulate, panels, (i / (4 * V) * k + p0) * 4 * V, 4 * V, b,
                            bOff + p0 * bRs, bRs, bCs, c, cOff + i, ldc, jc, jEnd);
                }
                if (mb < m) {
                    axpyPanel(m, kc, alpha, accumulate, mb, a, aOff + p0 * lda, lda, b, bOff + p0 * bRs, bRs, bCs,
                            c, cOff, ldc, jc, jEnd);
                }
            }
        }
    }

    /**
     * The next panel of the inner dimension with {@code left} to go: {@code panel}, or all that is left when
     * that is at most an eighth more. A batch tile of 132 columns as the inner dimension (the weight gradient
     * Ū·Zᵀ of a tile) otherwise ended in a panel of 4, a whole extra pass over C for 3 % of the work.
     */
    private static int panelLength(int panel, int left) {
        return left <= panel + panel / 8 ? left : panel;
    }

    /**
     * One 4V-row block of op(A) (at {@code ao}, leading dimension {@code lda}: 4V when packed) times columns
     * [j0, j1) of op(B), into rows from {@code co} of C: blocks of 6 columns, one of 4, then single columns.
     */
    private static void blockRow(int k, float alpha, boolean accumulate, float[] a, int ao, int lda, float[] b,
                                 int bOff, int bRs, int bCs, float[] c, int co, int ldc, int j0, int j1) {
        int j = j0;
        if (lda == 4 * V && bRs == 1) {
            for (; j + 6 <= j1; j += 6) {
                block4x6Packed(k, alpha, accumulate, a, ao, b, bOff + j * bCs, bCs, c, co + j * ldc, ldc);
            }
        }
        for (; j + 6 <= j1; j += 6) {
            block4x6(k, alpha, accumulate, a, ao, lda, b, bOff + j * bCs, bRs, bCs, c, co + j * ldc, ldc);
        }
        if (j + 4 <= j1) {
            block4x4(k, alpha, accumulate, a, ao, lda, b, bOff + j * bCs, bRs, bCs, c, co + j * ldc, ldc);
            j += 4;
        }
        for (; j < j1; j++) {
            column2(k, alpha, accumulate, a, ao, lda, b, bOff + j * bCs, bRs, c, co + j * ldc);
            column2(k, alpha, accumulate, a, ao + 2 * V, lda, b, bOff + j * bCs, bRs, c, co + j * ldc + 2 * V);
        }
    }

    /** One panel of the inner dimension over columns [j0, j1) of C; {@code accumulate}: add into C. */
    private static void axpyPanel(int m, int k, float alpha, boolean accumulate, float[] a, int aOff, int lda, float[] b,
                                  int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, int j0, int j1) {
        axpyPanel(m, k, alpha, accumulate, 0, a, aOff, lda, b, bOff, bRs, bCs, c, cOff, ldc, j0, j1);
    }

    /**
     * Rows [i0, m) of one panel over columns [j0, j1) of C. Row blocks are the outer loop, so a block of A is
     * read from memory once and from cache for every further column of C (this path serves narrow C).
     */
    private static void axpyPanel(int m, int k, float alpha, boolean accumulate, int i0, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, int j0, int j1) {
        int i = i0;
        for (; i + 4 * V <= m; i += 4 * V) {
            blockRow(k, alpha, accumulate, a, aOff + i, lda, b, bOff, bRs, bCs, c, cOff + i, ldc, j0, j1);
        }
        if (i < m) {
            for (int j = j0; j < j1; j++) {
                columnEdge(i, m, k, alpha, accumulate, a, aOff, lda, b, bOff + j * bCs, bRs, c, cOff + j * ldc);
            }
        }
    }

    /**
     * One 4V×6 block of C: C[i.., j..] (+)= α·Σ_l op(A)[i.., l]·op(B)[l, j..], 24 accumulators in registers.
     * α is applied once at the end: scaling every broadcast of B cost a scalar multiply on the inner loop's
     * critical path (6 per 24 FMAs), and B's entries are broadcast straight from memory instead.
     * Kept in a method of its own, with no vector crossing its boundary: C2 then compiles it whole, where
     * inlined into a larger method it ran out of inlining budget and boxed every accumulator (6 MB per
     * 256×256·256×4096 product).
     */
    private static void block4x6(int k, float alpha, boolean accumulate, float[] a, int ao, int lda, float[] b, int bo,
                                 int bRs, int bCs, float[] c, int co, int ldc) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S);
        FloatVector s41 = FloatVector.zero(S);
        FloatVector s42 = FloatVector.zero(S);
        FloatVector s43 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S);
        FloatVector s51 = FloatVector.zero(S);
        FloatVector s52 = FloatVector.zero(S);
        FloatVector s53 = FloatVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            FloatVector x0 = FloatVector.fromArray(S, a, al);
            FloatVector x1 = FloatVector.fromArray(S, a, al + V);
            FloatVector x2 = FloatVector.fromArray(S, a, al + 2 * V);
            FloatVector x3 = FloatVector.fromArray(S, a, al + 3 * V);
            int bl = bo + l * bRs;
            FloatVector w0 = FloatVector.broadcast(S, b[bl + 0 * bCs]);
            s00 = x0.fma(w0, s00);
            s01 = x1.fma(w0, s01);
            s02 = x2.fma(w0, s02);
            s03 = x3.fma(w0, s03);
            FloatVector w1 = FloatVector.broadcast(S, b[bl + 1 * bCs]);
            s10 = x0.fma(w1, s10);
            s11 = x1.fma(w1, s11);
            s12 = x2.fma(w1, s12);
            s13 = x3.fma(w1, s13);
            FloatVector w2 = FloatVector.broadcast(S, b[bl + 2 * bCs]);
            s20 = x0.fma(w2, s20);
            s21 = x1.fma(w2, s21);
            s22 = x2.fma(w2, s22);
            s23 = x3.fma(w2, s23);
            FloatVector w3 = FloatVector.broadcast(S, b[bl + 3 * bCs]);
            s30 = x0.fma(w3, s30);
            s31 = x1.fma(w3, s31);
            s32 = x2.fma(w3, s32);
            s33 = x3.fma(w3, s33);
            FloatVector w4 = FloatVector.broadcast(S, b[bl + 4 * bCs]);
            s40 = x0.fma(w4, s40);
            s41 = x1.fma(w4, s41);
            s42 = x2.fma(w4, s42);
            s43 = x3.fma(w4, s43);
            FloatVector w5 = FloatVector.broadcast(S, b[bl + 5 * bCs]);
            s50 = x0.fma(w5, s50);
            s51 = x1.fma(w5, s51);
            s52 = x2.fma(w5, s52);
            s53 = x3.fma(w5, s53);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            s00 = s00.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc));
            s01 = s01.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 1 * V));
            s02 = s02.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 2 * V));
            s03 = s03.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 3 * V));
            s10 = s10.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc));
            s11 = s11.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 1 * V));
            s12 = s12.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 2 * V));
            s13 = s13.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 3 * V));
            s20 = s20.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc));
            s21 = s21.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 1 * V));
            s22 = s22.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 2 * V));
            s23 = s23.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 3 * V));
            s30 = s30.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc));
            s31 = s31.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 1 * V));
            s32 = s32.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 2 * V));
            s33 = s33.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 3 * V));
            s40 = s40.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc));
            s41 = s41.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 1 * V));
            s42 = s42.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 2 * V));
            s43 = s43.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 3 * V));
            s50 = s50.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc));
            s51 = s51.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 1 * V));
            s52 = s52.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 2 * V));
            s53 = s53.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 3 * V));
        } else if (alpha != 1) {
            FloatVector zero = FloatVector.zero(S); // α·s + 0 turns a −0 product into +0, as an accumulator would
            s00 = s00.fma(va, zero);
            s01 = s01.fma(va, zero);
            s02 = s02.fma(va, zero);
            s03 = s03.fma(va, zero);
            s10 = s10.fma(va, zero);
            s11 = s11.fma(va, zero);
            s12 = s12.fma(va, zero);
            s13 = s13.fma(va, zero);
            s20 = s20.fma(va, zero);
            s21 = s21.fma(va, zero);
            s22 = s22.fma(va, zero);
            s23 = s23.fma(va, zero);
            s30 = s30.fma(va, zero);
            s31 = s31.fma(va, zero);
            s32 = s32.fma(va, zero);
            s33 = s33.fma(va, zero);
            s40 = s40.fma(va, zero);
            s41 = s41.fma(va, zero);
            s42 = s42.fma(va, zero);
            s43 = s43.fma(va, zero);
            s50 = s50.fma(va, zero);
            s51 = s51.fma(va, zero);
            s52 = s52.fma(va, zero);
            s53 = s53.fma(va, zero);
        }
        s00.intoArray(c, co + 0 * ldc);
        s01.intoArray(c, co + 0 * ldc + 1 * V);
        s02.intoArray(c, co + 0 * ldc + 2 * V);
        s03.intoArray(c, co + 0 * ldc + 3 * V);
        s10.intoArray(c, co + 1 * ldc);
        s11.intoArray(c, co + 1 * ldc + 1 * V);
        s12.intoArray(c, co + 1 * ldc + 2 * V);
        s13.intoArray(c, co + 1 * ldc + 3 * V);
        s20.intoArray(c, co + 2 * ldc);
        s21.intoArray(c, co + 2 * ldc + 1 * V);
        s22.intoArray(c, co + 2 * ldc + 2 * V);
        s23.intoArray(c, co + 2 * ldc + 3 * V);
        s30.intoArray(c, co + 3 * ldc);
        s31.intoArray(c, co + 3 * ldc + 1 * V);
        s32.intoArray(c, co + 3 * ldc + 2 * V);
        s33.intoArray(c, co + 3 * ldc + 3 * V);
        s40.intoArray(c, co + 4 * ldc);
        s41.intoArray(c, co + 4 * ldc + 1 * V);
        s42.intoArray(c, co + 4 * ldc + 2 * V);
        s43.intoArray(c, co + 4 * ldc + 3 * V);
        s50.intoArray(c, co + 5 * ldc);
        s51.intoArray(c, co + 5 * ldc + 1 * V);
        s52.intoArray(c, co + 5 * ldc + 2 * V);
        s53.intoArray(c, co + 5 * ldc + 3 * V);
    }

    /**
     * {@link #block4x6} with op(A) packed (leading dimension 4V) and op(B) not transposed, the same arithmetic
     * with constant strides: C2 hoists the range checks of A's and B's loads out of the loop only for a
     * constant stride, and with {@code lda} and {@code bRs} as arguments checked 10 loads in every step.
     * 256×256·256×256 on two threads: F64 149 against 124 GFLOP/s.
     */
    private static void block4x6Packed(int k, float alpha, boolean accumulate, float[] a, int ao, float[] b, int bo,
                                       int bCs, float[] c, int co, int ldc) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S);
        FloatVector s41 = FloatVector.zero(S);
        FloatVector s42 = FloatVector.zero(S);
        FloatVector s43 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S);
        FloatVector s51 = FloatVector.zero(S);
        FloatVector s52 = FloatVector.zero(S);
        FloatVector s53 = FloatVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * (4 * V);
            FloatVector x0 = FloatVector.fromArray(S, a, al);
            FloatVector x1 = FloatVector.fromArray(S, a, al + V);
            FloatVector x2 = FloatVector.fromArray(S, a, al + 2 * V);
            FloatVector x3 = FloatVector.fromArray(S, a, al + 3 * V);
            int bl = bo + l;
            FloatVector w0 = FloatVector.broadcast(S, b[bl + 0 * bCs]);
            s00 = x0.fma(w0, s00);
            s01 = x1.fma(w0, s01);
            s02 = x2.fma(w0, s02);
            s03 = x3.fma(w0, s03);
            FloatVector w1 = FloatVector.broadcast(S, b[bl + 1 * bCs]);
            s10 = x0.fma(w1, s10);
            s11 = x1.fma(w1, s11);
            s12 = x2.fma(w1, s12);
            s13 = x3.fma(w1, s13);
            FloatVector w2 = FloatVector.broadcast(S, b[bl + 2 * bCs]);
            s20 = x0.fma(w2, s20);
            s21 = x1.fma(w2, s21);
            s22 = x2.fma(w2, s22);
            s23 = x3.fma(w2, s23);
            FloatVector w3 = FloatVector.broadcast(S, b[bl + 3 * bCs]);
            s30 = x0.fma(w3, s30);
            s31 = x1.fma(w3, s31);
            s32 = x2.fma(w3, s32);
            s33 = x3.fma(w3, s33);
            FloatVector w4 = FloatVector.broadcast(S, b[bl + 4 * bCs]);
            s40 = x0.fma(w4, s40);
            s41 = x1.fma(w4, s41);
            s42 = x2.fma(w4, s42);
            s43 = x3.fma(w4, s43);
            FloatVector w5 = FloatVector.broadcast(S, b[bl + 5 * bCs]);
            s50 = x0.fma(w5, s50);
            s51 = x1.fma(w5, s51);
            s52 = x2.fma(w5, s52);
            s53 = x3.fma(w5, s53);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            s00 = s00.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc));
            s01 = s01.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 1 * V));
            s02 = s02.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 2 * V));
            s03 = s03.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 3 * V));
            s10 = s10.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc));
            s11 = s11.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 1 * V));
            s12 = s12.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 2 * V));
            s13 = s13.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 3 * V));
            s20 = s20.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc));
            s21 = s21.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 1 * V));
            s22 = s22.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 2 * V));
            s23 = s23.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 3 * V));
            s30 = s30.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc));
            s31 = s31.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 1 * V));
            s32 = s32.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 2 * V));
            s33 = s33.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 3 * V));
            s40 = s40.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc));
            s41 = s41.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 1 * V));
            s42 = s42.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 2 * V));
            s43 = s43.fma(va, FloatVector.fromArray(S, c, co + 4 * ldc + 3 * V));
            s50 = s50.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc));
            s51 = s51.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 1 * V));
            s52 = s52.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 2 * V));
            s53 = s53.fma(va, FloatVector.fromArray(S, c, co + 5 * ldc + 3 * V));
        } else if (alpha != 1) {
            FloatVector zero = FloatVector.zero(S); // α·s + 0 turns a −0 product into +0, as an accumulator would
            s00 = s00.fma(va, zero);
            s01 = s01.fma(va, zero);
            s02 = s02.fma(va, zero);
            s03 = s03.fma(va, zero);
            s10 = s10.fma(va, zero);
            s11 = s11.fma(va, zero);
            s12 = s12.fma(va, zero);
            s13 = s13.fma(va, zero);
            s20 = s20.fma(va, zero);
            s21 = s21.fma(va, zero);
            s22 = s22.fma(va, zero);
            s23 = s23.fma(va, zero);
            s30 = s30.fma(va, zero);
            s31 = s31.fma(va, zero);
            s32 = s32.fma(va, zero);
            s33 = s33.fma(va, zero);
            s40 = s40.fma(va, zero);
            s41 = s41.fma(va, zero);
            s42 = s42.fma(va, zero);
            s43 = s43.fma(va, zero);
            s50 = s50.fma(va, zero);
            s51 = s51.fma(va, zero);
            s52 = s52.fma(va, zero);
            s53 = s53.fma(va, zero);
        }
        s00.intoArray(c, co + 0 * ldc);
        s01.intoArray(c, co + 0 * ldc + 1 * V);
        s02.intoArray(c, co + 0 * ldc + 2 * V);
        s03.intoArray(c, co + 0 * ldc + 3 * V);
        s10.intoArray(c, co + 1 * ldc);
        s11.intoArray(c, co + 1 * ldc + 1 * V);
        s12.intoArray(c, co + 1 * ldc + 2 * V);
        s13.intoArray(c, co + 1 * ldc + 3 * V);
        s20.intoArray(c, co + 2 * ldc);
        s21.intoArray(c, co + 2 * ldc + 1 * V);
        s22.intoArray(c, co + 2 * ldc + 2 * V);
        s23.intoArray(c, co + 2 * ldc + 3 * V);
        s30.intoArray(c, co + 3 * ldc);
        s31.intoArray(c, co + 3 * ldc + 1 * V);
        s32.intoArray(c, co + 3 * ldc + 2 * V);
        s33.intoArray(c, co + 3 * ldc + 3 * V);
        s40.intoArray(c, co + 4 * ldc);
        s41.intoArray(c, co + 4 * ldc + 1 * V);
        s42.intoArray(c, co + 4 * ldc + 2 * V);
        s43.intoArray(c, co + 4 * ldc + 3 * V);
        s50.intoArray(c, co + 5 * ldc);
        s51.intoArray(c, co + 5 * ldc + 1 * V);
        s52.intoArray(c, co + 5 * ldc + 2 * V);
        s53.intoArray(c, co + 5 * ldc + 3 * V);
    }

    /** One 4V×4 block of C, as {@link #block4x6} (the edge of a batch whose width is not a multiple of 6). */
    private static void block4x4(int k, float alpha, boolean accumulate, float[] a, int ao, int lda, float[] b, int bo,
                                 int bRs, int bCs, float[] c, int co, int ldc) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            FloatVector x0 = FloatVector.fromArray(S, a, al);
            FloatVector x1 = FloatVector.fromArray(S, a, al + V);
            FloatVector x2 = FloatVector.fromArray(S, a, al + 2 * V);
            FloatVector x3 = FloatVector.fromArray(S, a, al + 3 * V);
            int bl = bo + l * bRs;
            FloatVector w0 = FloatVector.broadcast(S, b[bl + 0 * bCs]);
            s00 = x0.fma(w0, s00);
            s01 = x1.fma(w0, s01);
            s02 = x2.fma(w0, s02);
            s03 = x3.fma(w0, s03);
            FloatVector w1 = FloatVector.broadcast(S, b[bl + 1 * bCs]);
            s10 = x0.fma(w1, s10);
            s11 = x1.fma(w1, s11);
            s12 = x2.fma(w1, s12);
            s13 = x3.fma(w1, s13);
            FloatVector w2 = FloatVector.broadcast(S, b[bl + 2 * bCs]);
            s20 = x0.fma(w2, s20);
            s21 = x1.fma(w2, s21);
            s22 = x2.fma(w2, s22);
            s23 = x3.fma(w2, s23);
            FloatVector w3 = FloatVector.broadcast(S, b[bl + 3 * bCs]);
            s30 = x0.fma(w3, s30);
            s31 = x1.fma(w3, s31);
            s32 = x2.fma(w3, s32);
            s33 = x3.fma(w3, s33);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            s00 = s00.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc));
            s01 = s01.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 1 * V));
            s02 = s02.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 2 * V));
            s03 = s03.fma(va, FloatVector.fromArray(S, c, co + 0 * ldc + 3 * V));
            s10 = s10.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc));
            s11 = s11.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 1 * V));
            s12 = s12.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 2 * V));
            s13 = s13.fma(va, FloatVector.fromArray(S, c, co + 1 * ldc + 3 * V));
            s20 = s20.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc));
            s21 = s21.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 1 * V));
            s22 = s22.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 2 * V));
            s23 = s23.fma(va, FloatVector.fromArray(S, c, co + 2 * ldc + 3 * V));
            s30 = s30.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc));
            s31 = s31.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 1 * V));
            s32 = s32.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 2 * V));
            s33 = s33.fma(va, FloatVector.fromArray(S, c, co + 3 * ldc + 3 * V));
        } else if (alpha != 1) {
            FloatVector zero = FloatVector.zero(S); // α·s + 0 turns a −0 product into +0, as an accumulator would
            s00 = s00.fma(va, zero);
            s01 = s01.fma(va, zero);
            s02 = s02.fma(va, zero);
            s03 = s03.fma(va, zero);
            s10 = s10.fma(va, zero);
            s11 = s11.fma(va, zero);
            s12 = s12.fma(va, zero);
            s13 = s13.fma(va, zero);
            s20 = s20.fma(va, zero);
            s21 = s21.fma(va, zero);
            s22 = s22.fma(va, zero);
            s23 = s23.fma(va, zero);
            s30 = s30.fma(va, zero);
            s31 = s31.fma(va, zero);
            s32 = s32.fma(va, zero);
            s33 = s33.fma(va, zero);
        }
        s00.intoArray(c, co + 0 * ldc);
        s01.intoArray(c, co + 0 * ldc + 1 * V);
        s02.intoArray(c, co + 0 * ldc + 2 * V);
        s03.intoArray(c, co + 0 * ldc + 3 * V);
        s10.intoArray(c, co + 1 * ldc);
        s11.intoArray(c, co + 1 * ldc + 1 * V);
        s12.intoArray(c, co + 1 * ldc + 2 * V);
        s13.intoArray(c, co + 1 * ldc + 3 * V);
        s20.intoArray(c, co + 2 * ldc);
        s21.intoArray(c, co + 2 * ldc + 1 * V);
        s22.intoArray(c, co + 2 * ldc + 2 * V);
        s23.intoArray(c, co + 2 * ldc + 3 * V);
        s30.intoArray(c, co + 3 * ldc);
        s31.intoArray(c, co + 3 * ldc + 1 * V);
        s32.intoArray(c, co + 3 * ldc + 2 * V);
        s33.intoArray(c, co + 3 * ldc + 3 * V);
    }

    /** Rows [i0, m) of one column of C: vectors of 2V, then V rows, then scalars. */
    private static void columnEdge(int i0, int m, int k, float alpha, boolean accumulate, float[] a, int aOff, int lda,
                                   float[] b, int bo, int bRs, float[] c, int co) {
        int i = i0;
        for (; i + 2 * V <= m; i += 2 * V) {
            column2(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, c, co + i);
        }
        for (; i + V <= m; i += V) {
            column1(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, c, co + i);
        }
        for (; i < m; i++) {
            float s = 0;
            for (int l = 0; l < k; l++) {
                s = Math.fma(a[aOff + i + l * lda], alpha * b[bo + l * bRs], s);
            }
            c[co + i] = accumulate ? c[co + i] + s : s + 0f;
        }
    }

    private static void column2(int k, float alpha, boolean accumulate, float[] a, int ao, int lda, float[] b, int bo,
                                int bRs, float[] c, int co) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            FloatVector w = FloatVector.broadcast(S, b[bo + l * bRs]);
            s0 = FloatVector.fromArray(S, a, al).fma(w, s0);
            s1 = FloatVector.fromArray(S, a, al + V).fma(w, s1);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            s0 = s0.fma(va, FloatVector.fromArray(S, c, co));
            s1 = s1.fma(va, FloatVector.fromArray(S, c, co + V));
        } else if (alpha != 1) {
            FloatVector zero = FloatVector.zero(S); // α·s + 0 turns a −0 product into +0, as an accumulator would
            s0 = s0.fma(va, zero);
            s1 = s1.fma(va, zero);
        }
        s0.intoArray(c, co);
        s1.intoArray(c, co + V);
    }

    private static void column1(int k, float alpha, boolean accumulate, float[] a, int ao, int lda, float[] b, int bo,
                                int bRs, float[] c, int co) {
        FloatVector s0 = FloatVector.zero(S);
        for (int l = 0; l < k; l++) {
            s0 = FloatVector.fromArray(S, a, ao + l * lda).fma(FloatVector.broadcast(S, b[bo + l * bRs]), s0);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            s0 = s0.fma(va, FloatVector.fromArray(S, c, co));
        } else if (alpha != 1) {
            FloatVector zero = FloatVector.zero(S); // α·s + 0 turns a −0 product into +0, as an accumulator would
            s0 = s0.fma(va, zero);
        }
        s0.intoArray(c, co);
    }

    /** α·s + β·old, where β = 0 ignores old (BLAS: C is not read). */
    private static float combine(float product, float beta, float old) {
        return beta == 0 ? product + 0f : Math.fma(beta, old, product);
    }

    /**
     * C[i, j] ← α·⟨A[:, i], B[:, j]⟩ (+ β·C) (A stored k×m), 2×2 dot products at a time. Pairs of A's columns
     * are the outer loop: each is read once and meets every column of B, which for the few columns this form
     * serves stays in L1. With C's columns outer, all of A streamed again for every pair of them (for W_zᵀ·Ū
     * at batch 16, 2 MB from L3 per layer).
     */
    private static void dotColumns(int m, int k, float alpha, float beta, float[] a, int aOff, int lda, float[] b, int bOff,
                                   int ldb, float[] c, int cOff, int ldc, int j0, int j1) {
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int ai0 = aOff + i * lda;
            int j = j0;
            for (; j + 2 <= j1; j += 2) {
                dot2x2(k, alpha, beta, a, ai0, lda, b, bOff + j * ldb, ldb, c, cOff + j * ldc + i, ldc);
            }
            for (; j < j1; j++) {
                int bj = bOff + j * ldb;
                int cj = cOff + j * ldc + i;
                c[cj] = combine(alpha * dot(k, a, ai0, b, bj), beta, c[cj]);
                c[cj + 1] = combine(alpha * dot(k, a, ai0 + lda, b, bj), beta, c[cj + 1]);
            }
        }
        for (; i < m; i++) {
            for (int j = j0; j < j1; j++) {
                int cj = cOff + j * ldc + i;
                c[cj] = combine(alpha * dot(k, a, aOff + i * lda, b, bOff + j * ldb), beta, c[cj]);
            }
        }
    }

    /** C[i..i+2, j..j+2] (C at {@code co}) from A's columns at {@code ai0} and the next, B's at {@code bj0}. */
    private static void dot2x2(int k, float alpha, float beta, float[] a, int ai0, int lda, float[] b, int bj0, int ldb,
                               float[] c, int co, int ldc) {
        int ai1 = ai0 + lda;
        int bj1 = bj0 + ldb;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        int l = 0;
        for (; l + V <= k; l += V) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai0 + l);
            FloatVector x1 = FloatVector.fromArray(S, a, ai1 + l);
            FloatVector y0 = FloatVector.fromArray(S, b, bj0 + l);
            FloatVector y1 = FloatVector.fromArray(S, b, bj1 + l);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
        }
        float t00 = sumLanes(s00);
        float t01 = sumLanes(s01);
        float t10 = sumLanes(s10);
        float t11 = sumLanes(s11);
        for (; l < k; l++) {
            float x0 = a[ai0 + l];
            float x1 = a[ai1 + l];
            float y0 = b[bj0 + l];
            float y1 = b[bj1 + l];
            t00 = Math.fma(x0, y0, t00);
            t01 = Math.fma(x0, y1, t01);
            t10 = Math.fma(x1, y0, t10);
            t11 = Math.fma(x1, y1, t11);
        }
        c[co] = combine(alpha * t00, beta, c[co]);
        c[co + ldc] = combine(alpha * t01, beta, c[co + ldc]);
        c[co + 1] = combine(alpha * t10, beta, c[co + 1]);
        c[co + ldc + 1] = combine(alpha * t11, beta, c[co + ldc + 1]);
    }

    /**
     * The sum of the lanes of {@code v}, added in lane order. {@code reduceLanes(ADD)} may add floating-point
     * lanes in any order, and HotSpot does so differently in the interpreter and in C2 code, so a result
     * changed in its last bits as the JIT warmed up; a fixed order makes every call give the same bits.
     */
    static float sumLanes(FloatVector v) {
        float t = v.lane(0);
        for (int i = 1; i < V; i++) {
            t += v.lane(i);
        }
        return t;
    }

    /** ⟨x[xo..xo+k), y[yo..yo+k)⟩ in float with fused multiply-adds. */
    static float dot(int k, float[] x, int xo, float[] y, int yo) {
        FloatVector s = FloatVector.zero(S);
        int l = 0;
        for (; l + V <= k; l += V) {
            s = FloatVector.fromArray(S, x, xo + l).fma(FloatVector.fromArray(S, y, yo + l), s);
        }
        float t = sumLanes(s);
        for (; l < k; l++) {
            t = Math.fma(x[xo + l], y[yo + l], t);
        }
        return t;
    }
}
