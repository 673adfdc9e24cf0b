package dev.unroll.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuFactsTest {

    @Test
    void readsTheFirstFlagsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, """
                processor\t: 0
                model name\t: Some CPU
                flags\t\t: fpu sse2 avx2 fma avx512f avx2
                processor\t: 1
                flags\t\t: fpu
                """);
        Set<String> flags = CpuFacts.readFlags(f).orElseThrow();
        assertTrue(flags.containsAll(Set.of("avx2", "avx512f", "fma", "sse2")), flags.toString());
    }

    @Test
    void noFlagsLineOrNoFileMeansUnknown(@TempDir Path dir) throws IOException {
        Path arm = dir.resolve("arm");
        Files.writeString(arm, "processor\t: 0\nFeatures\t: fp asimd\n");
        assertEquals(Optional.empty(), CpuFacts.readFlags(arm));
        assertEquals(Optional.empty(), CpuFacts.readFlags(dir.resolve("missing")));
    }

    @Test
    void detectNeverThrowsAndExplainsAMissingWidth() {
        CpuFacts facts = CpuFacts.detect();
        assertTrue(facts.processors() >= 1);
        assertEquals(facts.vectorBits().isEmpty(), !facts.vectorProblem().isEmpty(), facts.vectorProblem());
    }
}
