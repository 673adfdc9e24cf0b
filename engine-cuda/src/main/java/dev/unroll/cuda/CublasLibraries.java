package dev.unroll.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a cuBLAS library for the FFM binding: the one {@code -Dunroll.cuda.cublasLibrary} or the environment
 * variable {@code CUBLAS_LIBRARY} names, else {@code libcublas.so.13}, else {@code libcublas.so.12}, as the
 * dynamic loader finds them ({@code LD_LIBRARY_PATH}, the ld cache).
 */
@SuppressWarnings("restricted") // FFM: needs --enable-native-access, which the launcher and tests pass
final class CublasLibraries {
    /** The sonames tried when no library is named, newest first. */
    static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    private CublasLibraries() {
    }

    /** The names to try, in order. */
    static List<String> candidates(Optional<String> explicit) {
        List<String> out = new ArrayList<>();
        explicit.ifPresent(out::add);
        for (String s : SONAMES) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** A library that opened, with its name. */
    record Opened(String name, SymbolLookup lookup) {
    }

    /**
     * Opens the first candidate into {@code arena}; the failures of the others go into {@code failures}.
     *
     * @return the library, or empty when none opened
     */
    static Optional<Opened> open(List<String> candidates, Arena arena, List<String> failures) {
        for (String name : candidates) {
            try {
                return Optional.of(new Opened(name, SymbolLookup.libraryLookup(name, arena)));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failures.add(name + ": " + firstLine(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
