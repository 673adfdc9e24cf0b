package dev.unroll.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenBLAS's CBLAS entry points bound through the Foreign Function &amp; Memory API ({@code java.lang.foreign}):
 * {@code cblas_sgemm}, {@code cblas_dgemm}, {@code cblas_sgemv} and {@code cblas_dgemv}, called with native
 * segments, column-major. No JNI and no Java BLAS wrapper: this is the cheapest path from Java to a native
 * BLAS, so its figures are what a Java user calling OpenBLAS would get.
 *
 * <p>The library is looked up once per JVM ({@link #load()}): the path in the system property
 * {@value #PROPERTY} when set, else Debian's and Fedora's usual places (Debian's {@code libopenblas0-pthread}
 * installs {@code libopenblas.so.0} both directly under the multiarch folder, through the alternatives
 * system, and under {@code openblas-pthread/}), else {@code libopenblas.so.0} through the dynamic loader's
 * search path. Where none loads, {@link #load()} says why and what to install; it never throws.
 *
 * <p>OpenBLAS picks its kernels at load time from the CPU, unless {@code OPENBLAS_CORETYPE} forces one
 * (these machines set {@code Haswell}, AVX2, which is 1.6–1.8× slower than the AVX-512 kernels here);
 * {@link #coreName()} reports which one it took, and the campaign's launcher unsets the variable.
 */
public final class OpenBlas {
    /** System property: the path of the OpenBLAS shared library to load instead of the usual places. */
    public static final String PROPERTY = "unroll.bench.openblas";

    // CBLAS enum values (cblas.h).
    private static final int COL_MAJOR = 102;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib64/libopenblas.so.0",
            "/usr/lib64/libopenblasp.so.0");

    private final String path;
    private final MethodHandle sgemm;
    private final MethodHandle dgemm;
    private final MethodHandle sgemv;
    private final MethodHandle dgemv;
    private final String coreName;
    private final String config;

    private OpenBlas(String path, SymbolLookup lib) {
        this.path = path;
        Linker linker = Linker.nativeLinker();
        ValueLayout i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        ValueLayout f = ValueLayout.JAVA_FLOAT;
        ValueLayout d = ValueLayout.JAVA_DOUBLE;
        sgemm = linker.downcallHandle(symbol(lib, "cblas_sgemm"),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i));
        dgemm = linker.downcallHandle(symbol(lib, "cblas_dgemm"),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, d, p, i, p, i, d, p, i));
        sgemv = linker.downcallHandle(symbol(lib, "cblas_sgemv"),
                FunctionDescriptor.ofVoid(i, i, i, i, f, p, i, p, i, f, p, i));
        dgemv = linker.downcallHandle(symbol(lib, "cblas_dgemv"),
                FunctionDescriptor.ofVoid(i, i, i, i, d, p, i, p, i, d, p, i));
        coreName = string(lib, linker, "openblas_get_corename");
        config = string(lib, linker, "openblas_get_config");
    }

    /** What {@link #load()} found: the bound library, or why there is none. */
    public sealed interface Loaded permits Found, Missing {
    }

    /**
     * The library was bound.
     *
     * @param blas the binding
     */
    public record Found(OpenBlas blas) implements Loaded {
    }

    /**
     * No library could be bound.
     *
     * @param reason what was tried and what failed, with what to install
     */
    public record Missing(String reason) implements Loaded {
    }

    private static final class Holder {
        // Loaded once per JVM: a library is never unloaded, and every workload shares the handles.
        static final Loaded LOADED = find();
    }

    /** Binds OpenBLAS once per JVM (see the class comment); never throws. */
    public static Loaded load() {
        return Holder.LOADED;
    }

    private static Loaded find() {
        List<String> tried = new ArrayList<>();
        String forced = System.getProperty(PROPERTY);
        List<String> candidates = forced != null && !forced.isBlank() ? List.of(forced) : CANDIDATES;
        for (String c : candidates) {
            if (!Files.isRegularFile(Path.of(c))) {
                tried.add(c + " (absent)");
                continue;
            }
            try {
                return new Found(new OpenBlas(c, SymbolLookup.libraryLookup(Path.of(c), Arena.global())));
            } catch (RuntimeException | LinkageError e) {
                tried.add(c + " (" + e.getMessage() + ")");
            }
        }
        if (forced == null || forced.isBlank()) {
            try {
                return new Found(new OpenBlas("libopenblas.so.0",
                        SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global())));
            } catch (RuntimeException | LinkageError e) {
                tried.add("libopenblas.so.0 on the loader's path (" + e.getMessage() + ")");
            }
        }
        return new Missing("OpenBLAS not found: tried " + String.join(", ", tried)
                + "; install it (Debian/Ubuntu: apt-get install libopenblas0-pthread) or pass -D" + PROPERTY
                + "=/path/to/libopenblas.so");
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("the library has no " + name
                + " (not a CBLAS build of OpenBLAS?)"));
    }

    /** Calls an optional {@code char* f(void)} of OpenBLAS; "" when the symbol is missing. */
    private static String string(SymbolLookup lib, Linker linker, String name) {
        return lib.find(name).map(s -> {
            try {
                MethodHandle h = linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.ADDRESS));
                MemorySegment str = (MemorySegment) h.invokeExact();
                return str.reinterpret(4096).getString(0).strip();
            } catch (Throwable t) {
                return "";
            }
        }).orElse("");
    }

    /** The file that was loaded. */
    public String path() {
        return path;
    }

    /** The kernel family OpenBLAS chose for this CPU (e.g. {@code SkylakeX}, {@code Haswell}); "" if unknown. */
    public String coreName() {
        return coreName;
    }

    /** OpenBLAS's build configuration string (version, threading, dynamic architecture); "" if unknown. */
    public String config() {
        return config;
    }

    /** {@code C ← α·op(A)·B + β·C}, column-major, F32; lda/ldb/ldc are the row counts of the stored matrices. */
    public void sgemm(boolean transA, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b,
                      int ldb, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(COL_MAJOR, transA ? TRANS : NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c,
                    ldc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code C ← α·op(A)·B + β·C}, column-major, F64. */
    public void dgemm(boolean transA, int m, int n, int k, double alpha, MemorySegment a, int lda, MemorySegment b,
                      int ldb, double beta, MemorySegment c, int ldc) {
        try {
            dgemm.invokeExact(COL_MAJOR, transA ? TRANS : NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c,
                    ldc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code y ← α·A·x + β·y}, A m×n column-major, F32, unit strides. */
    public void sgemv(int m, int n, float alpha, MemorySegment a, int lda, MemorySegment x, float beta,
                      MemorySegment y) {
        try {
            sgemv.invokeExact(COL_MAJOR, NO_TRANS, m, n, alpha, a, lda, x, 1, beta, y, 1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code y ← α·A·x + β·y}, A m×n column-major, F64, unit strides. */
    public void dgemv(int m, int n, double alpha, MemorySegment a, int lda, MemorySegment x, double beta,
                      MemorySegment y) {
        try {
            dgemv.invokeExact(COL_MAJOR, NO_TRANS, m, n, alpha, a, lda, x, 1, beta, y, 1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
