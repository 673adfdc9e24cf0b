package dev.unroll.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for double arrays, column-major with BLAS semantics: C ← α·op(A)·op(B) + β·C, where β = 0 means C is
 * not read. NN and NT run a register-blocked micro-kernel (4 vectors of rows × 6 columns of C held in
 * registers, op(A)'s columns loaded, op(B)'s entries broadcast, fused multiply-add); TN with fewer than 64 columns of C runs
 * blocked dot products over A's contiguous columns; wider TN and TT pack op(A) first. Columns of C are split across the workers.
 * Generated from {@code GemmF32} by tools/gen-f64.sh.
 */
final class GemmF64 {
    private static final VectorSpecies<Double> S = Species.F64;
    private static final int V = S.length();
    /** Columns of C per micro-kernel call. */
    private static final int COLUMN_BLOCK = 6;
    /** Inner-dimension panel: 4V rows × 256 of A (64 KiB in F64 at 512 bits) stay in L2 across C's columns. */
    private static final int K_PANEL = 256;
    /** Columns of C from which a transposed A is packed rather than used through dot products. */
    private static final int PACK_TRANSPOSED_A_FROM_COLUMNS = 64;

    /** Per-thread buffer for a transposed A, grown on demand: steady-state products allocate nothing. */
    private static final ThreadLocal<double[]> PACKED_A = ThreadLocal.withInitial(() -> new double[0]);

    private GemmF64() {
    }

    private static double[] packBuffer(int size) {
        double[] buf = PACKED_A.get();
        if (buf.length < size) {
            buf = new double[size];
            PACKED_A.set(buf);
        }
        return buf;
    }

    /** The whole product, split over columns of C on {@code workers}. */
    static void gemm(Workers workers, boolean ta, boolean tb, int m, int n, int k, double alpha,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        double[] ap = a;
        int apOff = aOff;
        int apLd = lda;
        // Aᵀ·B with few columns of C stays a set of dot products; with more columns it pays to transpose A once
        // (m·k copies against m·k·n multiply-adds) and run the register-blocked kernel instead of one
        // horizontal reduction per element of C.
        boolean dotForm = ta && !tb && n < PACK_TRANSPOSED_A_FROM_COLUMNS;
        if (ta && !dotForm && alpha != 0 && k > 0) {
            ap = packBuffer(m * k);
            for (int i = 0; i < m; i++) {
                int src = aOff + i * lda;
                for (int l = 0; l < k; l++) {
                    ap[i + l * m] = a[src + l];
                }
            }
            apOff = 0;
            apLd = m;
        }
        double[] pa = ap;
        int paOff = apOff;
        int paLd = apLd;
        if (!workers.splits(n, COLUMN_BLOCK, (long) m * n * k)) {
            range(dotForm, tb, m, k, alpha, pa, paOff, paLd, b, bOff, ldb, beta, c, cOff, ldc, 0, n);
            return;
        }
        workers.forRange(n, COLUMN_BLOCK, (long) m * n * k, (j0, j1) ->
                range(dotForm, tb, m, k, alpha, pa, paOff, paLd, b, bOff, ldb, beta, c, cOff, ldc, j0, j1));
    }

    /**
     * Columns [j0, j1) of C on the calling thread. {@code dotForm}: A is stored k×m and enters transposed, B is
     * not transposed; otherwise op(A) is stored m×k (as given, or packed).
     */
    static void range(boolean dotForm, boolean tb, int m, int k, double alpha, double[] a, int aOff, int lda,
                      double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc, int j0, int j1) {
        if (alpha == 0 || k == 0) {
            scaleColumns(beta, c, cOff, ldc, m, j0, j1);
            return;
        }
        if (dotForm) {
            dotColumns(m, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, j0, j1);
        } else {
            int bRs = tb ? ldb : 1;
            int bCs = tb ? 1 : ldb;
            axpyColumns(m, k, alpha, beta, a, aOff, lda, b, bOff, bRs, bCs, c, cOff, ldc, j0, j1);
        }
    }

    private static void scaleColumns(double beta, double[] c, int cOff, int ldc, int m, int j0, int j1) {
        if (beta == 1) {
            return;
        }
        for (int j = j0; j < j1; j++) {
            int base = cOff + j * ldc;
            if (beta == 0) {
                java.util.Arrays.fill(c, base, base + m, 0d);
            } else {
                int i = 0;
                for (; i <= m - V; i += V) {
                    DoubleVector.fromArray(S, c, base + i).mul(beta).intoArray(c, base + i);
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
    private static void axpyColumns(int m, int k, double alpha, double beta, double[] a, int aOff, int lda, double[] b, int bOff,
                                    int bRs, int bCs, double[] c, int cOff, int ldc, int j0, int j1) {
        if (beta != 0 && beta != 1) {
            scaleColumns(beta, c, cOff, ldc, m, j0, j1);
        }
        for (int p0 = 0; p0 < k; p0 += K_PANEL) {
            axpyPanel(m, Math.min(K_PANEL, k - p0), alpha, beta != 0 || p0 > 0, a, aOff + p0 * lda, lda, b,
                    bOff + p0 * bRs, bRs, bCs, c, cOff, ldc, j0, j1);
        }
    }

    /** One panel of the inner dimension over columns [j0, j1) of C; {@code accumulate}: add into C. */
    private static void axpyPanel(int m, int k, double alpha, boolean accumulate, double[] a, int aOff, int lda, double[] b,
                                  int bOff, int bRs, int bCs, double[] c, int cOff, int ldc, int j0, int j1) {
        int j = j0;
        for (; j + 6 <= j1; j += 6) {
            int bo = bOff + j * bCs;
            int co = cOff + j * ldc;
            int i = 0;
            for (; i + 4 * V <= m; i += 4 * V) {
                block4x6(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, bCs, c, co + i, ldc);
            }
            for (int jj = 0; jj < 6; jj++) {
                columnEdge(i, m, k, alpha, accumulate, a, aOff, lda, b, bo + jj * bCs, bRs, c, co + jj * ldc);
            }
        }
        if (j + 4 <= j1) {
            int bo = bOff + j * bCs;
            int co = cOff + j * ldc;
            int i = 0;
            for (; i + 4 * V <= m; i += 4 * V) {
                block4x4(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, bCs, c, co + i, ldc);
            }
            for (int jj = 0; jj < 4; jj++) {
                columnEdge(i, m, k, alpha, accumulate, a, aOff, lda, b, bo + jj * bCs, bRs, c, co + jj * ldc);
            }
            j += 4;
        }
        for (; j < j1; j++) {
            columnEdge(0, m, k, alpha, accumulate, a, aOff, lda, b, bOff + j * bCs, bRs, c, cOff + j * ldc);
        }
    }

    /**
     * One 4V×6 block of C: C[i.., j..] (+)= Σ_l op(A)[i.., l]·(α·op(B)[l, j..]), 24 accumulators in registers.
     * Kept in a method of its own, with no vector crossing its boundary: C2 then compiles it whole, where
     * inlined into a larger method it ran out of inlining budget and boxed every accumulator (6 MB per
     * 256×256·256×4096 product).
     */
    private static void block4x6(int k, double alpha, boolean accumulate, double[] a, int ao, int lda, double[] b, int bo,
                                 int bRs, int bCs, double[] c, int co, int ldc) {
        DoubleVector s00 = DoubleVector.zero(S);
        DoubleVector s01 = DoubleVector.zero(S);
        DoubleVector s02 = DoubleVector.zero(S);
        DoubleVector s03 = DoubleVector.zero(S);
        DoubleVector s10 = DoubleVector.zero(S);
        DoubleVector s11 = DoubleVector.zero(S);
        DoubleVector s12 = DoubleVector.zero(S);
        DoubleVector s13 = DoubleVector.zero(S);
        DoubleVector s20 = DoubleVector.zero(S);
        DoubleVector s21 = DoubleVector.zero(S);
        DoubleVector s22 = DoubleVector.zero(S);
        DoubleVector s23 = DoubleVector.zero(S);
        DoubleVector s30 = DoubleVector.zero(S);
        DoubleVector s31 = DoubleVector.zero(S);
        DoubleVector s32 = DoubleVector.zero(S);
        DoubleVector s33 = DoubleVector.zero(S);
        DoubleVector s40 = DoubleVector.zero(S);
        DoubleVector s41 = DoubleVector.zero(S);
        DoubleVector s42 = DoubleVector.zero(S);
        DoubleVector s43 = DoubleVector.zero(S);
        DoubleVector s50 = DoubleVector.zero(S);
        DoubleVector s51 = DoubleVector.zero(S);
        DoubleVector s52 = DoubleVector.zero(S);
        DoubleVector s53 = DoubleVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            DoubleVector x0 = DoubleVector.fromArray(S, a, al);
            DoubleVector x1 = DoubleVector.fromArray(S, a, al + V);
            DoubleVector x2 = DoubleVector.fromArray(S, a, al + 2 * V);
            DoubleVector x3 = DoubleVector.fromArray(S, a, al + 3 * V);
            int bl = bo + l * bRs;
            DoubleVector w0 = DoubleVector.broadcast(S, alpha * b[bl + 0 * bCs]);
            s00 = x0.fma(w0, s00);
            s01 = x1.fma(w0, s01);
            s02 = x2.fma(w0, s02);
            s03 = x3.fma(w0, s03);
            DoubleVector w1 = DoubleVector.broadcast(S, alpha * b[bl + 1 * bCs]);
            s10 = x0.fma(w1, s10);
            s11 = x1.fma(w1, s11);
            s12 = x2.fma(w1, s12);
            s13 = x3.fma(w1, s13);
            DoubleVector w2 = DoubleVector.broadcast(S, alpha * b[bl + 2 * bCs]);
            s20 = x0.fma(w2, s20);
            s21 = x1.fma(w2, s21);
            s22 = x2.fma(w2, s22);
            s23 = x3.fma(w2, s23);
            DoubleVector w3 = DoubleVector.broadcast(S, alpha * b[bl + 3 * bCs]);
            s30 = x0.fma(w3, s30);
            s31 = x1.fma(w3, s31);
            s32 = x2.fma(w3, s32);
            s33 = x3.fma(w3, s33);
            DoubleVector w4 = DoubleVector.broadcast(S, alpha * b[bl + 4 * bCs]);
            s40 = x0.fma(w4, s40);
            s41 = x1.fma(w4, s41);
            s42 = x2.fma(w4, s42);
            s43 = x3.fma(w4, s43);
            DoubleVector w5 = DoubleVector.broadcast(S, alpha * b[bl + 5 * bCs]);
            s50 = x0.fma(w5, s50);
            s51 = x1.fma(w5, s51);
            s52 = x2.fma(w5, s52);
            s53 = x3.fma(w5, s53);
        }
        if (accumulate) {
            s00 = s00.add(DoubleVector.fromArray(S, c, co + 0 * ldc));
            s01 = s01.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 1 * V));
            s02 = s02.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 2 * V));
            s03 = s03.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 3 * V));
            s10 = s10.add(DoubleVector.fromArray(S, c, co + 1 * ldc));
            s11 = s11.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 1 * V));
            s12 = s12.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 2 * V));
            s13 = s13.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 3 * V));
            s20 = s20.add(DoubleVector.fromArray(S, c, co + 2 * ldc));
            s21 = s21.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 1 * V));
            s22 = s22.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 2 * V));
            s23 = s23.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 3 * V));
            s30 = s30.add(DoubleVector.fromArray(S, c, co + 3 * ldc));
            s31 = s31.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 1 * V));
            s32 = s32.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 2 * V));
            s33 = s33.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 3 * V));
            s40 = s40.add(DoubleVector.fromArray(S, c, co + 4 * ldc));
            s41 = s41.add(DoubleVector.fromArray(S, c, co + 4 * ldc + 1 * V));
            s42 = s42.add(DoubleVector.fromArray(S, c, co + 4 * ldc + 2 * V));
            s43 = s43.add(DoubleVector.fromArray(S, c, co + 4 * ldc + 3 * V));
            s50 = s50.add(DoubleVector.fromArray(S, c, co + 5 * ldc));
            s51 = s51.add(DoubleVector.fromArray(S, c, co + 5 * ldc + 1 * V));
            s52 = s52.add(DoubleVector.fromArray(S, c, co + 5 * ldc + 2 * V));
            s53 = s53.add(DoubleVector.fromArray(S, c, co + 5 * ldc + 3 * V));
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
    private static void block4x4(int k, double alpha, boolean accumulate, double[] a, int ao, int lda, double[] b, int bo,
                                 int bRs, int bCs, double[] c, int co, int ldc) {
        DoubleVector s00 = DoubleVector.zero(S);
        DoubleVector s01 = DoubleVector.zero(S);
        DoubleVector s02 = DoubleVector.zero(S);
        DoubleVector s03 = DoubleVector.zero(S);
        DoubleVector s10 = DoubleVector.zero(S);
        DoubleVector s11 = DoubleVector.zero(S);
        DoubleVector s12 = DoubleVector.zero(S);
        DoubleVector s13 = DoubleVector.zero(S);
        DoubleVector s20 = DoubleVector.zero(S);
        DoubleVector s21 = DoubleVector.zero(S);
        DoubleVector s22 = DoubleVector.zero(S);
        DoubleVector s23 = DoubleVector.zero(S);
        DoubleVector s30 = DoubleVector.zero(S);
        DoubleVector s31 = DoubleVector.zero(S);
        DoubleVector s32 = DoubleVector.zero(S);
        DoubleVector s33 = DoubleVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            DoubleVector x0 = DoubleVector.fromArray(S, a, al);
            DoubleVector x1 = DoubleVector.fromArray(S, a, al + V);
            DoubleVector x2 = DoubleVector.fromArray(S, a, al + 2 * V);
            DoubleVector x3 = DoubleVector.fromArray(S, a, al + 3 * V);
            int bl = bo + l * bRs;
            DoubleVector w0 = DoubleVector.broadcast(S, alpha * b[bl + 0 * bCs]);
            s00 = x0.fma(w0, s00);
            s01 = x1.fma(w0, s01);
            s02 = x2.fma(w0, s02);
            s03 = x3.fma(w0, s03);
            DoubleVector w1 = DoubleVector.broadcast(S, alpha * b[bl + 1 * bCs]);
            s10 = x0.fma(w1, s10);
            s11 = x1.fma(w1, s11);
            s12 = x2.fma(w1, s12);
            s13 = x3.fma(w1, s13);
            DoubleVector w2 = DoubleVector.broadcast(S, alpha * b[bl + 2 * bCs]);
            s20 = x0.fma(w2, s20);
            s21 = x1.fma(w2, s21);
            s22 = x2.fma(w2, s22);
            s23 = x3.fma(w2, s23);
            DoubleVector w3 = DoubleVector.broadcast(S, alpha * b[bl + 3 * bCs]);
            s30 = x0.fma(w3, s30);
            s31 = x1.fma(w3, s31);
            s32 = x2.fma(w3, s32);
            s33 = x3.fma(w3, s33);
        }
        if (accumulate) {
            s00 = s00.add(DoubleVector.fromArray(S, c, co + 0 * ldc));
            s01 = s01.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 1 * V));
            s02 = s02.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 2 * V));
            s03 = s03.add(DoubleVector.fromArray(S, c, co + 0 * ldc + 3 * V));
            s10 = s10.add(DoubleVector.fromArray(S, c, co + 1 * ldc));
            s11 = s11.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 1 * V));
            s12 = s12.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 2 * V));
            s13 = s13.add(DoubleVector.fromArray(S, c, co + 1 * ldc + 3 * V));
            s20 = s20.add(DoubleVector.fromArray(S, c, co + 2 * ldc));
            s21 = s21.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 1 * V));
            s22 = s22.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 2 * V));
            s23 = s23.add(DoubleVector.fromArray(S, c, co + 2 * ldc + 3 * V));
            s30 = s30.add(DoubleVector.fromArray(S, c, co + 3 * ldc));
            s31 = s31.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 1 * V));
            s32 = s32.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 2 * V));
            s33 = s33.add(DoubleVector.fromArray(S, c, co + 3 * ldc + 3 * V));
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
    private static void columnEdge(int i0, int m, int k, double alpha, boolean accumulate, double[] a, int aOff, int lda,
                                   double[] b, int bo, int bRs, double[] c, int co) {
        int i = i0;
        for (; i + 2 * V <= m; i += 2 * V) {
            column2(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, c, co + i);
        }
        for (; i + V <= m; i += V) {
            column1(k, alpha, accumulate, a, aOff + i, lda, b, bo, bRs, c, co + i);
        }
        for (; i < m; i++) {
            double s = 0;
            for (int l = 0; l < k; l++) {
                s = Math.fma(a[aOff + i + l * lda], alpha * b[bo + l * bRs], s);
            }
            c[co + i] = accumulate ? c[co + i] + s : s + 0d;
        }
    }

    private static void column2(int k, double alpha, boolean accumulate, double[] a, int ao, int lda, double[] b, int bo,
                                int bRs, double[] c, int co) {
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = DoubleVector.zero(S);
        for (int l = 0; l < k; l++) {
            int al = ao + l * lda;
            DoubleVector w = DoubleVector.broadcast(S, alpha * b[bo + l * bRs]);
            s0 = DoubleVector.fromArray(S, a, al).fma(w, s0);
            s1 = DoubleVector.fromArray(S, a, al + V).fma(w, s1);
        }
        if (accumulate) {
            s0 = s0.add(DoubleVector.fromArray(S, c, co));
            s1 = s1.add(DoubleVector.fromArray(S, c, co + V));
        }
        s0.intoArray(c, co);
        s1.intoArray(c, co + V);
    }

    private static void column1(int k, double alpha, boolean accumulate, double[] a, int ao, int lda, double[] b, int bo,
                                int bRs, double[] c, int co) {
        DoubleVector s0 = DoubleVector.zero(S);
        for (int l = 0; l < k; l++) {
            s0 = DoubleVector.fromArray(S, a, ao + l * lda).fma(DoubleVector.broadcast(S, alpha * b[bo + l * bRs]), s0);
        }
        if (accumulate) {
            s0 = s0.add(DoubleVector.fromArray(S, c, co));
        }
        s0.intoArray(c, co);
    }

    /** α·s + β·old, where β = 0 ignores old (BLAS: C is not read). */
    private static double combine(double product, double beta, double old) {
        return beta == 0 ? product + 0d : Math.fma(beta, old, product);
    }

    /** C[i, j] += α·⟨A[:, i], B[:, j]⟩ (A stored k×m), 2×2 dot products at a time. */
    private static void dotColumns(int m, int k, double alpha, double beta, double[] a, int aOff, int lda, double[] b, int bOff,
                                   int ldb, double[] c, int cOff, int ldc, int j0, int j1) {
        int j = j0;
        for (; j + 2 <= j1; j += 2) {
            int bj0 = bOff + j * ldb;
            int bj1 = bj0 + ldb;
            int cj0 = cOff + j * ldc;
            int cj1 = cj0 + ldc;
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                int ai0 = aOff + i * lda;
                int ai1 = ai0 + lda;
                DoubleVector s00 = DoubleVector.zero(S);
                DoubleVector s01 = DoubleVector.zero(S);
                DoubleVector s10 = DoubleVector.zero(S);
                DoubleVector s11 = DoubleVector.zero(S);
                int l = 0;
                for (; l + V <= k; l += V) {
                    DoubleVector x0 = DoubleVector.fromArray(S, a, ai0 + l);
                    DoubleVector x1 = DoubleVector.fromArray(S, a, ai1 + l);
                    DoubleVector y0 = DoubleVector.fromArray(S, b, bj0 + l);
                    DoubleVector y1 = DoubleVector.fromArray(S, b, bj1 + l);
                    s00 = x0.fma(y0, s00);
                    s01 = x0.fma(y1, s01);
                    s10 = x1.fma(y0, s10);
                    s11 = x1.fma(y1, s11);
                }
                double t00 = sumLanes(s00);
                double t01 = sumLanes(s01);
                double t10 = sumLanes(s10);
                double t11 = sumLanes(s11);
                for (; l < k; l++) {
                    double x0 = a[ai0 + l];
                    double x1 = a[ai1 + l];
                    double y0 = b[bj0 + l];
                    double y1 = b[bj1 + l];
                    t00 = Math.fma(x0, y0, t00);
                    t01 = Math.fma(x0, y1, t01);
                    t10 = Math.fma(x1, y0, t10);
                    t11 = Math.fma(x1, y1, t11);
                }
                c[cj0 + i] = combine(alpha * t00, beta, c[cj0 + i]);
                c[cj1 + i] = combine(alpha * t01, beta, c[cj1 + i]);
                c[cj0 + i + 1] = combine(alpha * t10, beta, c[cj0 + i + 1]);
                c[cj1 + i + 1] = combine(alpha * t11, beta, c[cj1 + i + 1]);
            }
            for (; i < m; i++) {
                c[cj0 + i] = combine(alpha * dot(k, a, aOff + i * lda, b, bj0), beta, c[cj0 + i]);
                c[cj1 + i] = combine(alpha * dot(k, a, aOff + i * lda, b, bj1), beta, c[cj1 + i]);
            }
        }
        for (; j < j1; j++) {
            int bj = bOff + j * ldb;
            int cj = cOff + j * ldc;
            for (int i = 0; i < m; i++) {
                c[cj + i] = combine(alpha * dot(k, a, aOff + i * lda, b, bj), beta, c[cj + i]);
            }
        }
    }

    /**
     * The sum of the lanes of {@code v}, added in lane order. {@code reduceLanes(ADD)} may add doubleing-point
     * lanes in any order, and HotSpot does so differently in the interpreter and in C2 code, so a result
     * changed in its last bits as the JIT warmed up; a fixed order makes every call give the same bits.
     */
    static double sumLanes(DoubleVector v) {
        double t = v.lane(0);
        for (int i = 1; i < V; i++) {
            t += v.lane(i);
        }
        return t;
    }

    /** ⟨x[xo..xo+k), y[yo..yo+k)⟩ in double with fused multiply-adds. */
    static double dot(int k, double[] x, int xo, double[] y, int yo) {
        DoubleVector s = DoubleVector.zero(S);
        int l = 0;
        for (; l + V <= k; l += V) {
            s = DoubleVector.fromArray(S, x, xo + l).fma(DoubleVector.fromArray(S, y, yo + l), s);
        }
        double t = sumLanes(s);
        for (; l < k; l++) {
            t = Math.fma(x[xo + l], y[yo + l], t);
        }
        return t;
    }
}
