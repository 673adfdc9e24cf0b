package dev.unroll.cuda;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The FFM cuBLAS binding's library search and symbol table, checked without cuBLAS or a GPU. */
class CublasBindingTest {

    @Test
    void bindsEverySymbolWithItsSignature() {
        List<String> asked = new ArrayList<>();
        SymbolLookup fake = name -> {
            asked.add(name);
            return Optional.of(MemorySegment.ofAddress(0x1000));
        };
        Map<String, MethodHandle> handles = CublasBinding.bind(fake, "libfake.so", Linker.nativeLinker());
        Assertions.assertEquals(CublasBinding.SYMBOLS.keySet(), handles.keySet());
        Assertions.assertEquals(List.copyOf(CublasBinding.SYMBOLS.keySet()), asked);
        // cublasSgemm_v2(handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc) → status
        Assertions.assertEquals(14, handles.get(CublasBinding.SGEMM).type().parameterCount());
        Assertions.assertEquals(int.class, handles.get(CublasBinding.SGEMM).type().returnType());
        // cublasSgemvStridedBatched has 16 parameters, strides as 64-bit.
        Assertions.assertEquals(16, handles.get(CublasBinding.SGEMV_STRIDED_BATCHED).type().parameterCount());
        Assertions.assertEquals(long.class, handles.get(CublasBinding.DGEMV_STRIDED_BATCHED).type().parameterType(7));
    }

    @Test
    void missingSymbolsAreNamedWithTheLibrary() {
        SymbolLookup partial = name -> name.contains("gemv") ? Optional.empty()
                : Optional.of(MemorySegment.ofAddress(0x1000));
        CudaException e = Assertions.assertThrows(CudaException.class,
                () -> CublasBinding.bind(partial, "libcublas.so.11", Linker.nativeLinker()));
        Assertions.assertTrue(e.getMessage().startsWith("libcublas.so.11 does not export cublasSgemvStridedBatched, "
                + "cublasDgemvStridedBatched"), e.getMessage());
        Assertions.assertTrue(e.getMessage().contains("CUBLAS_LIBRARY"));
    }

    @Test
    void explicitLibraryComesFirstThenThirteenThenTwelve() {
        Assertions.assertEquals(List.of("libcublas.so.13", "libcublas.so.12"), CublasLibraries.candidates(Optional.empty()));
        Assertions.assertEquals(List.of("/opt/x/libcublas.so.13", "libcublas.so.13", "libcublas.so.12"),
                CublasLibraries.candidates(Optional.of("/opt/x/libcublas.so.13")));
        Assertions.assertEquals(List.of("libcublas.so.12", "libcublas.so.13"),
                CublasLibraries.candidates(Optional.of("libcublas.so.12")));
    }

    @Test
    void aLibraryThatDoesNotOpenIsReportedNotThrown() {
        List<String> failures = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            Optional<CublasLibraries.Opened> lib = CublasLibraries.open(List.of("libunroll-no-such-library.so.99"),
                    arena, failures);
            Assertions.assertTrue(lib.isEmpty());
        }
        Assertions.assertEquals(1, failures.size());
        Assertions.assertTrue(failures.get(0).startsWith("libunroll-no-such-library.so.99: "), failures.get(0));
    }

    @Test
    void aRealLibraryBindsThroughTheSameLookup() {
        // libc stands in for cuBLAS: the lookup path is the one cuBLAS takes, only the names differ.
        List<String> failures = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            Optional<CublasLibraries.Opened> lib = CublasLibraries.open(List.of("libc.so.6"), arena, failures);
            Assertions.assertTrue(lib.isPresent(), failures.toString());
            Assertions.assertTrue(lib.get().lookup().find("strlen").isPresent());
            CudaException e = Assertions.assertThrows(CudaException.class,
                    () -> CublasBinding.bind(lib.get().lookup(), "libc.so.6", Linker.nativeLinker()));
            Assertions.assertTrue(e.getMessage().contains("cublasCreate_v2"));
        }
    }
}
