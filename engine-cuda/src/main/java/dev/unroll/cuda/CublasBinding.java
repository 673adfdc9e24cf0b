package dev.unroll.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The cuBLAS symbols the FFM binding calls, with their C signatures as {@link FunctionDescriptor}s. Handles,
 * streams and device pointers are passed as 64-bit integers (their addresses); host pointers (scalars, out
 * parameters) as addresses. The exported names are the same in libcublas.so.12 and .so.13.
 */
@SuppressWarnings("restricted") // FFM: needs --enable-native-access, which the launcher and tests pass
final class CublasBinding {
    /** cublasStatus_t cublasCreate_v2(cublasHandle_t*). */
    static final String CREATE = "cublasCreate_v2";
    static final String DESTROY = "cublasDestroy_v2";
    static final String SET_STREAM = "cublasSetStream_v2";
    static final String SET_MATH_MODE = "cublasSetMathMode";
    static final String SET_POINTER_MODE = "cublasSetPointerMode_v2";
    static final String GET_VERSION = "cublasGetVersion_v2";
    static final String SGEMM = "cublasSgemm_v2";
    static final String DGEMM = "cublasDgemm_v2";
    static final String SGEMV_STRIDED_BATCHED = "cublasSgemvStridedBatched";
    static final String DGEMV_STRIDED_BATCHED = "cublasDgemvStridedBatched";

    private static final FunctionDescriptor GEMM = FunctionDescriptor.of(JAVA_INT,
            JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
            ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor GEMV_STRIDED_BATCHED = FunctionDescriptor.of(JAVA_INT,
            JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT,
            ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG,
            JAVA_LONG, JAVA_INT, JAVA_LONG,
            ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);

    /** Every symbol and its signature, in binding order. */
    static final Map<String, FunctionDescriptor> SYMBOLS = symbols();

    private CublasBinding() {
    }

    private static Map<String, FunctionDescriptor> symbols() {
        Map<String, FunctionDescriptor> m = new LinkedHashMap<>();
        m.put(CREATE, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        m.put(DESTROY, FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        m.put(SET_STREAM, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        m.put(SET_MATH_MODE, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        m.put(SET_POINTER_MODE, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        m.put(GET_VERSION, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        m.put(SGEMM, GEMM);
        m.put(DGEMM, GEMM);
        m.put(SGEMV_STRIDED_BATCHED, GEMV_STRIDED_BATCHED);
        m.put(DGEMV_STRIDED_BATCHED, GEMV_STRIDED_BATCHED);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Binds every symbol from {@code lookup}, or throws naming the library and each missing symbol (an old
     * cuBLAS without strided-batched GEMV, or not cuBLAS at all).
     */
    static Map<String, MethodHandle> bind(SymbolLookup lookup, String library, Linker linker) {
        Map<String, MethodHandle> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, FunctionDescriptor> e : SYMBOLS.entrySet()) {
            Optional<MemorySegment> address = lookup.find(e.getKey());
            if (address.isEmpty()) {
                missing.add(e.getKey());
                continue;
            }
            out.put(e.getKey(), linker.downcallHandle(address.get(), e.getValue()));
        }
        if (!missing.isEmpty()) {
            throw new CudaException(library + " does not export " + String.join(", ", missing)
                    + ": it is not a cuBLAS 12 or 13 library; point CUBLAS_LIBRARY (or -Dunroll.cuda.cublasLibrary) at "
                    + "libcublas.so.13 or libcublas.so.12");
        }
        return out;
    }
}
