package dev.unroll.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The benchmark jar keeps the benchmarks' own fork flags when a user passes JVM arguments: whatever JMH
 * option the user takes, JMH is handed a prepended list only, so no {@code @Fork(jvmArgsAppend)} is replaced.
 */
class BenchMainTest {
    @Test
    void everyJvmArgumentOptionBecomesOnePrependedList() throws Exception {
        List<String> rewritten = BenchMain.keepBenchmarkJvmArgs(List.of("UnrolledBenchmark", "-jvmArgsAppend",
                "-Dunroll.threads=1", "-f", "1", "-jvmArgs=-Da=1 -Db=2", "-jvmArgsPrepend", "-Xss4m"));
        assertEquals(List.of("UnrolledBenchmark", "-jvmArgsPrepend", "-Xss4m -Da=1 -Db=2 -Dunroll.threads=1", "-f", "1"),
                rewritten);

        // As JMH reads it: the user's flags prepended, nothing that would replace the annotation's lists.
        CommandLineOptions jmh = new CommandLineOptions(rewritten.toArray(String[]::new));
        assertFalse(jmh.getJvmArgsAppend().hasValue(), "no -jvmArgsAppend left to replace @Fork's");
        assertFalse(jmh.getJvmArgs().hasValue(), "no -jvmArgs left");
        assertEquals(List.of("-Xss4m", "-Da=1", "-Db=2", "-Dunroll.threads=1"), List.copyOf(jmh.getJvmArgsPrepend().get()));
    }

    @Test
    void argumentsWithoutJvmOptionsPassUnchanged() {
        List<String> plain = List.of("GemmBenchmark", "-p", "backend=cpu-vector", "-prof", "gc");
        assertEquals(plain, BenchMain.keepBenchmarkJvmArgs(plain));
    }

    @Test
    void aJvmOptionWithoutItsValueIsRefusedWithAnExample() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BenchMain.keepBenchmarkJvmArgs(List.of("GemmBenchmark", "-jvmArgs")));
        assertTrue(e.getMessage().contains("-jvmArgs needs a value"), e.getMessage());
    }
}
