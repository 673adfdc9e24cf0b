package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unroll serve}'s front door: bad input ends with exit status 2 and one line, before anything starts. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aMissingModelExitsWithStatus2AndOneLine() {
        CliRun r = CliRun.of("serve", "-m", dir.resolve("missing.safetensors").toString(), "--port", "0");
        assertEquals(Main.EXIT_USAGE, r.status(), r.err());
        assertEquals("", r.out(), "nothing printed to stdout: no URL, since nothing listens");
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains("missing.safetensors: no such file"), r.err());
    }

    @Test
    void badServerOptionsExitWithStatus2() {
        assertUsage(CliRun.of("serve", "--solver", "ista", "--dictionary", dir.resolve("D.npy").toString(), "-l", "0.1"),
                "no such file");
        assertUsage(CliRun.of("serve", "-m", "x.safetensors", "--port", "70000"), "--port must be in 0..65535");
        assertUsage(CliRun.of("serve", "-m", "x.safetensors", "--timeout", "soon"), "is not a duration");
        assertUsage(CliRun.of("serve", "-m", "x.safetensors", "--max-batch", "0"), "maxBatch must be between");
        assertUsage(CliRun.of("serve"), "give either --model FILE or --solver");
    }

    private static void assertUsage(CliRun r, String fragment) {
        assertEquals(Main.EXIT_USAGE, r.status(), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }
}
