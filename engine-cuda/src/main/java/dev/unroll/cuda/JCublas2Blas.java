package dev.unroll.cuda;

import dev.unroll.engine.DType;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

/**
 * cuBLAS through JCuda's JCublas2, whose native library links libcublas.so.12: the binding for CUDA 12
 * hosts (or CUDA 13 hosts with a libcublas.so.12 beside it). Not thread-safe: called under the execution lock.
 */
final class JCublas2Blas implements Blas {
    private final cublasHandle handle = new cublasHandle();
    private final boolean tf32;
    private final int version;
    private boolean closed;

    private JCublas2Blas(NativePointers.Stream stream, boolean tf32) {
        this.tf32 = tf32;
        JCublas2.setExceptionsEnabled(false);
        Status.cublas(JCublas2.cublasCreate(handle), "cublasCreate_v2");
        Status.cublas(JCublas2.cublasSetStream(handle, new cudaStream_t(stream)), "cublasSetStream_v2");
        Status.cublas(JCublas2.cublasSetPointerMode(handle, 0), "cublasSetPointerMode_v2");
        Status.cublas(JCublas2.cublasSetMathMode(handle, tf32 ? 3 : 0), "cublasSetMathMode");
        int[] v = new int[1];
        Status.cublas(JCublas2.cublasGetVersion(handle, v), "cublasGetVersion_v2");
        this.version = v[0];
    }

    /** Loads JCublas2 (libJCublas2 → libcublas.so.12) and creates a handle on {@code stream}, or throws why not. */
    static JCublas2Blas open(NativePointers.Stream stream, boolean tf32) {
        try {
            return new JCublas2Blas(stream, tf32);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("JCublas2 did not load (it needs libcublas.so.12): "
                    + CublasLibraries.firstLine(t.getMessage() == null ? t.toString() : t.getMessage()), t);
        }
    }

    @Override
    public String describe() {
        return "cuBLAS " + version / 10000 + "." + (version / 100) % 100 + "." + version % 100
                + " via JCublas2 (libcublas.so.12)" + (tf32 ? ", TF32 on" : "");
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha, long a, int lda,
                     long b, int ldb, double beta, long c, int ldc) {
        if (dtype == DType.F32) {
            Status.cublas(JCublas2.cublasSgemm(handle, op(transA), op(transB), m, n, k, Pointer.to(new float[]{(float) alpha}),
                    new NativePointers.Raw(a), lda, new NativePointers.Raw(b), ldb, Pointer.to(new float[]{(float) beta}),
                    new NativePointers.Raw(c), ldc), "cublasSgemm_v2");
        } else {
            Status.cublas(JCublas2.cublasDgemm(handle, op(transA), op(transB), m, n, k, Pointer.to(new double[]{alpha}),
                    new NativePointers.Raw(a), lda, new NativePointers.Raw(b), ldb, Pointer.to(new double[]{beta}),
                    new NativePointers.Raw(c), ldc), "cublasDgemm_v2");
        }
    }

    @Override
    public void gemvStridedBatched(DType dtype, boolean transA, int m, int n, double alpha, long a, int lda,
                                   long strideA, long x, long strideX, double beta, long y, long strideY, int batch) {
        if (dtype == DType.F32) {
            Status.cublas(JCublas2.cublasSgemvStridedBatched(handle, op(transA), m, n, Pointer.to(new float[]{(float) alpha}),
                    new NativePointers.Raw(a), lda, strideA, new NativePointers.Raw(x), 1, strideX,
                    Pointer.to(new float[]{(float) beta}), new NativePointers.Raw(y), 1, strideY, batch),
                    "cublasSgemvStridedBatched");
        } else {
            Status.cublas(JCublas2.cublasDgemvStridedBatched(handle, op(transA), m, n, Pointer.to(new double[]{alpha}),
                    new NativePointers.Raw(a), lda, strideA, new NativePointers.Raw(x), 1, strideX,
                    Pointer.to(new double[]{beta}), new NativePointers.Raw(y), 1, strideY, batch),
                    "cublasDgemvStridedBatched");
        }
    }

    private static int op(boolean trans) {
        return trans ? 1 : 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Status.cublas(JCublas2.cublasDestroy(handle), "cublasDestroy_v2");
        }
    }
}
