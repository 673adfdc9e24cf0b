package dev.unroll.cli;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the processor offers for SIMD work: the x86 flags Unroll's CPU backend cares about (from the
 * {@code flags} line of {@code /proc/cpuinfo}, so known on Linux only) and the Java Vector API's preferred
 * vector width. The width is read reflectively so that this module compiles and runs without
 * {@code --add-modules jdk.incubator.vector}; it is known only when that module is in the boot layer.
 *
 * @param processors    processors available to the JVM
 * @param flagsKnown    whether the CPU flags could be read (false off Linux or without /proc/cpuinfo)
 * @param avx2          whether the CPU has AVX2 (false when unknown)
 * @param avx512f       whether the CPU has AVX-512 Foundation (false when unknown)
 * @param fma           whether the CPU has FMA3 (false when unknown)
 * @param vectorBits    the Vector API's preferred vector size in bits, when known
 * @param vectorProblem why the width is unknown (empty when it is known)
 */
public record CpuFacts(int processors, boolean flagsKnown, boolean avx2, boolean avx512f, boolean fma,
                       Optional<Integer> vectorBits, String vectorProblem) {

    /** The incubator module holding the Vector API. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** Looks at this machine and this JVM. Never throws. */
    public static CpuFacts detect() {
        Optional<Set<String>> flags = readFlags(CPUINFO);
        Set<String> f = flags.orElse(Set.of());
        String problem = "";
        Optional<Integer> bits = Optional.empty();
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            problem = VECTOR_MODULE + " not loaded; add --add-modules " + VECTOR_MODULE;
        } else {
            try {
                Class<?> shape = Class.forName(VECTOR_MODULE + ".VectorShape");
                Method preferred = shape.getMethod("preferredShape");
                Object s = preferred.invoke(null);
                bits = Optional.of((Integer) shape.getMethod("vectorBitSize").invoke(s));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                problem = "the Vector API failed to report its width: " + e;
            }
        }
        return new CpuFacts(Runtime.getRuntime().availableProcessors(), flags.isPresent(), f.contains("avx2"),
                f.contains("avx512f"), f.contains("fma"), bits, problem);
    }

    /** The words of the first {@code flags} line of a cpuinfo file, or empty when there is none or it cannot be read. */
    static Optional<Set<String>> readFlags(Path cpuinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(cpuinfo);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                return Optional.of(Set.copyOf(List.of(line.substring(colon + 1).trim().split("\\s+"))));
            }
        }
        return Optional.empty();
    }
}
