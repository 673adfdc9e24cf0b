package dev.unroll.solvers.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helper: a Python with torch and numpy, or a skip saying why there is none. Tried in order: the
 * {@code unroll.torch.python} system property, the benchmarks' choice ({@code bench/peers/torch_python.sh}, which
 * makes their virtual environment from a local torch wheel, so CI runs these checks too), and {@code python3}.
 */
final class TorchPython {
    private static String python;
    private static String missing;

    private TorchPython() {
    }

    /** The interpreter, or a skip of the calling test. */
    static synchronized String require() {
        if (python == null && missing == null) {
            List<String> candidates = new ArrayList<>();
            String property = System.getProperty("unroll.torch.python");
            if (property != null && !property.isBlank()) {
                candidates.add(property);
            }
            String chosen = benchPeerPython();
            if (chosen != null) {
                candidates.add(chosen);
            }
            candidates.add("python3");
            for (String c : candidates) {
                if (works(c)) {
                    python = c;
                    break;
                }
            }
            if (python == null) {
                missing = "no Python with torch and numpy here (tried " + candidates + "); PyTorch check skipped";
            }
        }
        Assumptions.assumeTrue(python != null, missing);
        return python;
    }

    /**
     * The interpreter the benchmarks' PyTorch peers use ({@code bench/peers/torch_python.sh}): it makes the
     * virtual environment from a local torch wheel once when there is one (the benchmarks then reuse it), else
     * names Debian's python3 with python3-torch; null when the script finds none.
     */
    private static String benchPeerPython() {
        for (String root : List.of("..", ".")) { // tests run in the module folder; the script is the bench's
            Path script = Path.of(root, "bench", "peers", "torch_python.sh");
            if (!Files.isRegularFile(script)) {
                continue;
            }
            try {
                Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(600, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 && !out.isEmpty() ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static boolean works(String exe) {
        try {
            Process p = new ProcessBuilder(exe, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs {@code script} with {@code args}; returns its output, failing the test when it fails. */
    static String run(Path dir, String script, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("check.py");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(require(), file.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python did not finish in 300 s:\n" + out);
        }
        assertEquals(0, p.exitValue(), () -> "python failed:\n" + out);
        return out.strip();
    }
}
