package dev.unroll.cuda;

import dev.unroll.engine.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cuBLAS through the Foreign Function &amp; Memory API: works with libcublas.so.13 (CUDA-13-only hosts, where
 * JCublas2 cannot load) and with libcublas.so.12. Device pointers are the raw addresses of JCuda's allocations.
 * Not thread-safe: the backend calls it under its execution lock.
 */
final class FfmCublas implements Blas {
    private static final int CUBLAS_POINTER_MODE_HOST = 0;
    /** CUBLAS_DEFAULT_MATH and CUBLAS_TF32_TENSOR_OP_MATH. */
    private static final int DEFAULT_MATH = 0;
    private static final int TF32_MATH = 3;

    private final Arena arena;
    private final String library;
    private final MethodHandle sgemm;
    private final MethodHandle dgemm;
    private final MethodHandle sgemv;
    private final MethodHandle dgemv;
    private final MethodHandle destroy;
    private final long handle;
    private final MemorySegment alpha;
    private final MemorySegment beta;
    private final int version;
    private final boolean tf32;
    private boolean closed;

    private FfmCublas(Arena arena, String library, Map<String, MethodHandle> h, long stream, boolean tf32) throws Throwable {
        this.arena = arena;
        this.library = library;
        this.tf32 = tf32;
        this.sgemm = h.get(CublasBinding.SGEMM);
        this.dgemm = h.get(CublasBinding.DGEMM);
        this.sgemv = h.get(CublasBinding.SGEMV_STRIDED_BATCHED);
        this.dgemv = h.get(CublasBinding.DGEMV_STRIDED_BATCHED);
        this.destroy = h.get(CublasBinding.DESTROY);
        MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
        Status.cublas((int) h.get(CublasBinding.CREATE).invokeExact(out), CublasBinding.CREATE);
        this.handle = out.get(ValueLayout.JAVA_LONG, 0);
        Status.cublas((int) h.get(CublasBinding.SET_STREAM).invokeExact(handle, stream), CublasBinding.SET_STREAM);
        Status.cublas((int) h.get(CublasBinding.SET_POINTER_MODE).invokeExact(handle, CUBLAS_POINTER_MODE_HOST),
                CublasBinding.SET_POINTER_MODE);
        Status.cublas((int) h.get(CublasBinding.SET_MATH_MODE).invokeExact(handle, tf32 ? TF32_MATH : DEFAULT_MATH),
                CublasBinding.SET_MATH_MODE);
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        Status.cublas((int) h.get(CublasBinding.GET_VERSION).invokeExact(handle, v), CublasBinding.GET_VERSION);
        this.version = v.get(ValueLayout.JAVA_INT, 0);
        this.alpha = arena.allocate(8, 8);
        this.beta = arena.allocate(8, 8);
    }

    /**
     * Opens a cuBLAS library ({@link CublasLibraries#candidates}), creates a handle on {@code stream} (with the
     * context current) or throws naming every library tried.
     */
    static FfmCublas open(Optional<String> explicit, long stream, boolean tf32) {
        Arena arena = Arena.ofShared();
        List<String> failures = new ArrayList<>();
        try {
            CublasLibraries.Opened lib = CublasLibraries.open(CublasLibraries.candidates(explicit), arena, failures)
                    .orElseThrow(() -> new CudaException("no cuBLAS library could be opened (" + String.join("; ", failures)
                            + ")"));
            Map<String, MethodHandle> handles = CublasBinding.bind(lib.lookup(), lib.name(), Linker.nativeLinker());
            return new FfmCublas(arena, lib.name(), handles, stream, tf32);
        } catch (CudaException e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new CudaException("binding cuBLAS through FFM failed: " + e, e);
        }
    }

    @Override
    public String describe() {
        return "cuBLAS " + version / 10000 + "." + (version / 100) % 100 + "." + version % 100 + " via FFM (" + library + ")"
                + (tf32 ? ", TF32 on" : "");
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double a, long pa, int lda,
                     long pb, int ldb, double b, long pc, int ldc) {
        setScalars(dtype, a, b);
        int status;
        try {
            MethodHandle mh = dtype == DType.F32 ? sgemm : dgemm;
            status = (int) mh.invokeExact(handle, op(transA), op(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        } catch (Throwable t) {
            throw new CudaException("calling " + (dtype == DType.F32 ? CublasBinding.SGEMM : CublasBinding.DGEMM)
                    + " failed: " + t, t);
        }
        Status.cublas(status, dtype == DType.F32 ? CublasBinding.SGEMM : CublasBinding.DGEMM);
    }

    @Override
    public void gemvStridedBatched(DType dtype, boolean transA, int m, int n, double a, long pa, int lda, long strideA,
                                   long x, long strideX, double b, long y, long strideY, int batch) {
        setScalars(dtype, a, b);
        String name = dtype == DType.F32 ? CublasBinding.SGEMV_STRIDED_BATCHED : CublasBinding.DGEMV_STRIDED_BATCHED;
        int status;
        try {
            MethodHandle mh = dtype == DType.F32 ? sgemv : dgemv;
            status = (int) mh.invokeExact(handle, op(transA), m, n, alpha, pa, lda, strideA, x, 1, strideX, beta, y, 1,
                    strideY, batch);
        } catch (Throwable t) {
            throw new CudaException("calling " + name + " failed: " + t, t);
        }
        Status.cublas(status, name);
    }

    private void setScalars(DType dtype, double a, double b) {
        if (dtype == DType.F32) {
            alpha.set(ValueLayout.JAVA_FLOAT, 0, (float) a);
            beta.set(ValueLayout.JAVA_FLOAT, 0, (float) b);
        } else {
            alpha.set(ValueLayout.JAVA_DOUBLE, 0, a);
            beta.set(ValueLayout.JAVA_DOUBLE, 0, b);
        }
    }

    private static int op(boolean trans) {
        return trans ? 1 : 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Status.cublas((int) destroy.invokeExact(handle), CublasBinding.DESTROY);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("calling " + CublasBinding.DESTROY + " failed: " + t, t);
        } finally {
            arena.close();
        }
    }
}
