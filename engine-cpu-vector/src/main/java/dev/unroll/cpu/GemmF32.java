package dev.unroll.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for float arrays, column-major with BLAS semantics: C ← α·op(A)·op(B) + β·C, where β = 0 means C is
 * not read. NN and NT run a register-blocked micro-kernel (4 vectors of rows × 6 columns of C held in
 * registers, op(A)'s columns loaded, op(B)'s entries broadcast, fused multiply-add); TN with fewer than 64 columns of C runs
 * blocked dot products over A's contiguous columns; wider TN and TT pack op(A) first. Columns of C are split across the workers.
 * Generated F64 twin: {@code GemmF64}.
 */
final class GemmF32 {
    private static final VectorSpecies<Float> S = Species.F32;
    private static final int V = S.length();
    /** Columns of C per micro-kernel call. */
    private static final int COLUMN_BLOCK = 6;
    /** Columns of C from which a transposed A is packed rather than used through dot products. */
    private static final int PACK_TRANSPOSED_A_FROM_COLUMNS = 64;

    private GemmF32() {
    }

    /** The whole product, split over columns of C on {@code workers}. */
    static void gemm(Workers workers, boolean ta, boolean tb, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        float[] ap = a;
        int apOff = aOff;
        int apLd = lda;
        // Aᵀ·B with few columns of C stays a set of dot products; with more columns it pays to transpose A once
        // (m·k copies against m·k·n multiply-adds) and run the register-blocked kernel instead of one
        // horizontal reduction per element of C.
        boolean dotForm = ta && !tb && n < PACK_TRANSPOSED_A_FROM_COLUMNS;
        if (ta && !dotForm && alpha != 0 && k > 0) {
            ap = new float[m * k];
            for (int i = 0; i < m; i++) {
                int src = aOff + i * lda;
                for (int l = 0; l < k; l++) {
                    ap[i + l * m] = a[src + l];
                }
            }
            apOff = 0;
            apLd = m;
        }
        float[] pa = ap;
        int paOff = apOff;
        int paLd = apLd;
        workers.forRange(n, COLUMN_BLOCK, (long) m * n * k, (j0, j1) ->
                range(dotForm, tb, m, k, alpha, pa, paOff, paLd, b, bOff, ldb, beta, c, cOff, ldc, j0, j1));
    }

    /**
     * Columns [j0, j1) of C on the calling thread. {@code dotForm}: A is stored k×m and enters transposed, B is
     * not transposed; otherwise op(A) is stored m×k (as given, or packed).
     */
    static void range(boolean dotForm, boolean tb, int m, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, int j0, int j1) {
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

    /** C[:, j] += Σ_l op(A)[:, l] · α·op(B)[l, j], 6 columns × 4 vectors of rows at a time (24 accumulators). */
    private static void axpyColumns(int m, int k, float alpha, float beta, float[] a, int aOff, int lda, float[] b, int bOff,
                                    int bRs, int bCs, float[] c, int cOff, int ldc, int j0, int j1) {
        int j = j0;
        for (; j + 6 <= j1; j += 6) {
            int b0 = bOff + j * bCs;
            int b1 = b0 + bCs;
            int b2 = b1 + bCs;
            int b3 = b2 + bCs;
            int b4 = b3 + bCs;
            int b5 = b4 + bCs;
            int c0 = cOff + j * ldc;
            int c1 = c0 + ldc;
            int c2 = c1 + ldc;
            int c3 = c2 + ldc;
            int c4 = c3 + ldc;
            int c5 = c4 + ldc;
            int i = 0;
            for (; i + 4 * V <= m; i += 4 * V) {
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
                int ai = aOff + i;
                for (int l = 0; l < k; l++) {
                    int ao = ai + l * lda;
                    FloatVector x0 = FloatVector.fromArray(S, a, ao);
                    FloatVector x1 = FloatVector.fromArray(S, a, ao + V);
                    FloatVector x2 = FloatVector.fromArray(S, a, ao + 2 * V);
                    FloatVector x3 = FloatVector.fromArray(S, a, ao + 3 * V);
                    int bo = l * bRs;
                    FloatVector w0 = FloatVector.broadcast(S, b[b0 + bo]);
                    s00 = x0.fma(w0, s00);
                    s01 = x1.fma(w0, s01);
                    s02 = x2.fma(w0, s02);
                    s03 = x3.fma(w0, s03);
                    FloatVector w1 = FloatVector.broadcast(S, b[b1 + bo]);
                    s10 = x0.fma(w1, s10);
                    s11 = x1.fma(w1, s11);
                    s12 = x2.fma(w1, s12);
                    s13 = x3.fma(w1, s13);
                    FloatVector w2 = FloatVector.broadcast(S, b[b2 + bo]);
                    s20 = x0.fma(w2, s20);
                    s21 = x1.fma(w2, s21);
                    s22 = x2.fma(w2, s22);
                    s23 = x3.fma(w2, s23);
                    FloatVector w3 = FloatVector.broadcast(S, b[b3 + bo]);
                    s30 = x0.fma(w3, s30);
                    s31 = x1.fma(w3, s31);
                    s32 = x2.fma(w3, s32);
                    s33 = x3.fma(w3, s33);
                    FloatVector w4 = FloatVector.broadcast(S, b[b4 + bo]);
                    s40 = x0.fma(w4, s40);
                    s41 = x1.fma(w4, s41);
                    s42 = x2.fma(w4, s42);
                    s43 = x3.fma(w4, s43);
                    FloatVector w5 = FloatVector.broadcast(S, b[b5 + bo]);
                    s50 = x0.fma(w5, s50);
                    s51 = x1.fma(w5, s51);
                    s52 = x2.fma(w5, s52);
                    s53 = x3.fma(w5, s53);
                }
                addInto(s00, alpha, beta, c, c0 + i);
                addInto(s01, alpha, beta, c, c0 + i + V);
                addInto(s02, alpha, beta, c, c0 + i + 2 * V);
                addInto(s03, alpha, beta, c, c0 + i + 3 * V);
                addInto(s10, alpha, beta, c, c1 + i);
                addInto(s11, alpha, beta, c, c1 + i + V);
                addInto(s12, alpha, beta, c, c1 + i + 2 * V);
                addInto(s13, alpha, beta, c, c1 + i + 3 * V);
                addInto(s20, alpha, beta, c, c2 + i);
                addInto(s21, alpha, beta, c, c2 + i + V);
                addInto(s22, alpha, beta, c, c2 + i + 2 * V);
                addInto(s23, alpha, beta, c, c2 + i + 3 * V);
                addInto(s30, alpha, beta, c, c3 + i);
                addInto(s31, alpha, beta, c, c3 + i + V);
                addInto(s32, alpha, beta, c, c3 + i + 2 * V);
                addInto(s33, alpha, beta, c, c3 + i + 3 * V);
                addInto(s40, alpha, beta, c, c4 + i);
                addInto(s41, alpha, beta, c, c4 + i + V);
                addInto(s42, alpha, beta, c, c4 + i + 2 * V);
                addInto(s43, alpha, beta, c, c4 + i + 3 * V);
                addInto(s50, alpha, beta, c, c5 + i);
                addInto(s51, alpha, beta, c, c5 + i + V);
                addInto(s52, alpha, beta, c, c5 + i + 2 * V);
                addInto(s53, alpha, beta, c, c5 + i + 3 * V);
            }
            for (; i + V <= m; i += V) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S);
                FloatVector s3 = FloatVector.zero(S);
                FloatVector s4 = FloatVector.zero(S);
                FloatVector s5 = FloatVector.zero(S);
                for (int l = 0; l < k; l++) {
                    FloatVector x0 = FloatVector.fromArray(S, a, aOff + i + l * lda);
                    int bo = l * bRs;
                    s0 = x0.fma(FloatVector.broadcast(S, b[b0 + bo]), s0);
                    s1 = x0.fma(FloatVector.broadcast(S, b[b1 + bo]), s1);
                    s2 = x0.fma(FloatVector.broadcast(S, b[b2 + bo]), s2);
                    s3 = x0.fma(FloatVector.broadcast(S, b[b3 + bo]), s3);
                    s4 = x0.fma(FloatVector.broadcast(S, b[b4 + bo]), s4);
                    s5 = x0.fma(FloatVector.broadcast(S, b[b5 + bo]), s5);
                }
                addInto(s0, alpha, beta, c, c0 + i);
                addInto(s1, alpha, beta, c, c1 + i);
                addInto(s2, alpha, beta, c, c2 + i);
                addInto(s3, alpha, beta, c, c3 + i);
                addInto(s4, alpha, beta, c, c4 + i);
                addInto(s5, alpha, beta, c, c5 + i);
            }
            for (; i < m; i++) {
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b0, bRs, c, c0);
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b1, bRs, c, c1);
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b2, bRs, c, c2);
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b3, bRs, c, c3);
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b4, bRs, c, c4);
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b5, bRs, c, c5);
            }
        }
        for (; j < j1; j++) {
            int b0 = bOff + j * bCs;
            int c0 = cOff + j * ldc;
            int i = 0;
            for (; i + 2 * V <= m; i += 2 * V) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                for (int l = 0; l < k; l++) {
                    int ao = aOff + i + l * lda;
                    FloatVector w = FloatVector.broadcast(S, b[b0 + l * bRs]);
                    s0 = FloatVector.fromArray(S, a, ao).fma(w, s0);
                    s1 = FloatVector.fromArray(S, a, ao + V).fma(w, s1);
                }
                addInto(s0, alpha, beta, c, c0 + i);
                addInto(s1, alpha, beta, c, c0 + i + V);
            }
            for (; i + V <= m; i += V) {
                FloatVector s0 = FloatVector.zero(S);
                for (int l = 0; l < k; l++) {
                    s0 = FloatVector.fromArray(S, a, aOff + i + l * lda)
                            .fma(FloatVector.broadcast(S, b[b0 + l * bRs]), s0);
                }
                addInto(s0, alpha, beta, c, c0 + i);
            }
            for (; i < m; i++) {
                scalarTail(i, k, alpha, beta, a, aOff, lda, b, b0, bRs, c, c0);
            }
        }
    }

    /** c[at..] ← α·s + β·c[at..]; with β = 0, c is not read. */
    private static void addInto(FloatVector s, float alpha, float beta, float[] c, int at) {
        FloatVector p = s.mul(alpha);
        if (beta != 0) {
            p = FloatVector.fromArray(S, c, at).fma(FloatVector.broadcast(S, beta), p);
        } else {
            p = p.add(0f); // +0 for an exact zero, as when accumulating into a zeroed C
        }
        p.intoArray(c, at);
    }

    /** α·s + β·old, where β = 0 ignores old (BLAS: C is not read). */
    private static float combine(float product, float beta, float old) {
        return beta == 0 ? product + 0f : Math.fma(beta, old, product);
    }

    private static void scalarTail(int i, int k, float alpha, float beta, float[] a, int aOff, int lda, float[] b, int bCol,
                                   int bRs, float[] c, int cCol) {
        float s = 0;
        for (int l = 0; l < k; l++) {
            s = Math.fma(a[aOff + i + l * lda], b[bCol + l * bRs], s);
        }
        c[cCol + i] = combine(alpha * s, beta, c[cCol + i]);
    }

    /** C[i, j] += α·⟨A[:, i], B[:, j]⟩ (A stored k×m), 2×2 dot products at a time. */
    private static void dotColumns(int m, int k, float alpha, float beta, float[] a, int aOff, int lda, float[] b, int bOff,
                                   int ldb, float[] c, int cOff, int ldc, int j0, int j1) {
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
                float t00 = s00.reduceLanes(VectorOperators.ADD);
                float t01 = s01.reduceLanes(VectorOperators.ADD);
                float t10 = s10.reduceLanes(VectorOperators.ADD);
                float t11 = s11.reduceLanes(VectorOperators.ADD);
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

    /** ⟨x[xo..xo+k), y[yo..yo+k)⟩ in float with fused multiply-adds. */
    static float dot(int k, float[] x, int xo, float[] y, int yo) {
        FloatVector s = FloatVector.zero(S);
        int l = 0;
        for (; l + V <= k; l += V) {
            s = FloatVector.fromArray(S, x, xo + l).fma(FloatVector.fromArray(S, y, yo + l), s);
        }
        float t = s.reduceLanes(VectorOperators.ADD);
        for (; l < k; l++) {
            t = Math.fma(x[xo + l], y[yo + l], t);
        }
        return t;
    }
}
