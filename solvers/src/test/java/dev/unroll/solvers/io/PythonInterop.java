package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test helper: runs python3 with numpy for interop checks, skipping the test where either is missing. */
public final class PythonInterop {
    private static Boolean available;

    private PythonInterop() {
    }

    /** Skips the calling test unless {@code python3 -c "import numpy"} works here. */
    public static synchronized void assumeNumpy() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        Assumptions.assumeTrue(available, "python3 with numpy is not installed here; interop check skipped");
    }

    /** Runs a Python script (numpy imported as np, sys imported) with arguments; returns its stdout. */
    public static String run(Path dir, String script, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("script.py");
        Files.writeString(file, "import sys\nimport numpy as np\n" + script, StandardCharsets.UTF_8);
        String[] cmd = new String[args.length + 2];
        cmd[0] = "python3";
        cmd[1] = file.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python3 did not finish in 120 s; output so far:\n" + out);
        }
        assertEquals(0, p.exitValue(), () -> "python3 failed:\n" + out);
        return out.strip();
    }
}
