package dev.unroll.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void unknownSubcommandIsAUsageErrorOnOneLine() {
        CliRun r = run("bogus");
        assertEquals(Main.EXIT_USAGE, r.status());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("unknown subcommand 'bogus'") && r.err().contains("help"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = run("info", "--yaml");
        assertEquals(Main.EXIT_USAGE, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--yaml") && r.err().contains("--json"), r.err());
    }

    @Test
    void helpAndNoArgumentsPrintUsage() {
        for (String[] args : new String[][]{{}, {"help"}, {"--help"}}) {
            CliRun r = run(args);
            assertEquals(Main.EXIT_OK, r.status());
            assertEquals("", r.err());
            for (String sub : List.of("info", "test", "build", "bench", "help")) {
                assertTrue(r.out().contains("  " + sub), r.out());
            }
        }
    }

    @Test
    void infoPrintsTheReferenceBackend() {
        CliRun r = run("info");
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        String auto = dev.unroll.engine.Backends.autoChoice(dev.unroll.engine.Backends.survey()).orElseThrow().name();
        assertTrue(r.out().contains("reference") && r.out().contains("auto picks " + auto), r.out());
        assertTrue(r.out().contains("cpu-vector"), "the Vector API backend is on the class path: " + r.out());
        assertTrue(r.out().contains("Java       " + Runtime.version()), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoJsonHasTheDocumentedShape() {
        CliRun r = run("info", "--json");
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), "one JSON object on one line");
        Map<String, Object> root = assertInstanceOf(Map.class, MiniJsonParser.parse(r.out()));
        assertEquals(List.of("java", "os", "cpu", "backends", "auto", "requested"), List.copyOf(root.keySet()));

        Map<String, Object> java = assertInstanceOf(Map.class, root.get("java"));
        assertEquals(Runtime.version().toString(), java.get("version"));
        assertInstanceOf(String.class, java.get("vendor"));
        assertInstanceOf(String.class, java.get("vm"));
        Map<String, Object> os = assertInstanceOf(Map.class, root.get("os"));
        assertEquals(System.getProperty("os.arch"), os.get("arch"));

        Map<String, Object> cpu = assertInstanceOf(Map.class, root.get("cpu"));
        assertEquals((double) Runtime.getRuntime().availableProcessors(), cpu.get("processors"));
        Object bits = cpu.get("vectorBits");
        assertTrue(bits == null || (Double) bits >= 64, "vectorBits: " + bits);
        assertEquals(ModuleLayer.boot().findModule(CpuFacts.VECTOR_MODULE).isPresent(), bits != null);
        Map<String, Object> flags = assertInstanceOf(Map.class, cpu.get("flags"));
        assertEquals(List.of("avx2", "avx512f", "fma"), List.copyOf(flags.keySet()));
        flags.values().forEach(v -> assertTrue(v == null || v instanceof Boolean, "flag " + v));

        List<Object> backends = assertInstanceOf(List.class, root.get("backends"));
        Map<String, Object> reference = backends.stream().map(b -> (Map<String, Object>) b)
                .filter(b -> "reference".equals(b.get("name"))).findFirst().orElseThrow();
        assertEquals(List.of("name", "priority", "available", "reason", "fix", "details"),
                List.copyOf(reference.keySet()));
        assertEquals(Boolean.TRUE, reference.get("available"));
        assertEquals(0.0, reference.get("priority"));
        assertEquals(null, reference.get("reason"));
        assertInstanceOf(Map.class, reference.get("details"));

        assertEquals(dev.unroll.engine.Backends.autoChoice(dev.unroll.engine.Backends.survey()).orElseThrow().name(),
                root.get("auto"));
        assertInstanceOf(String.class, root.get("requested"));
    }
}
