package dev.unroll.cuda;

import dev.unroll.engine.DType;

/**
 * The few cuBLAS calls the backend makes, on device addresses, bound to the backend's stream with host
 * scalars. Two implementations: {@link FfmCublas} (libcublas.so.13 or .12 through java.lang.foreign) and
 * {@link JCublas2Blas} (JCuda's JCublas2, which needs libcublas.so.12). Column-major, as cuBLAS.
 */
interface Blas extends AutoCloseable {

    /** What is bound, e.g. "cuBLAS 13.0.2 via FFM (libcublas.so.13)". */
    String describe();

    /** C ← α·op(A)·op(B) + β·C with C m×n and inner dimension k (all &gt; 0). */
    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha, long a, int lda, long b,
              int ldb, double beta, long c, int ldc);

    /**
     * For each of {@code batch} products: y_k ← α·op(A_k)·x_k + β·y_k, with A_k an m×n matrix at a + k·strideA,
     * x_k at x + k·strideX and y_k at y + k·strideY (strides in elements, unit increments).
     */
    void gemvStridedBatched(DType dtype, boolean transA, int m, int n, double alpha, long a, int lda, long strideA,
                            long x, long strideX, double beta, long y, long strideY, int batch);

    /** Destroys the cuBLAS handle (call with the context current). */
    @Override
    void close();
}
