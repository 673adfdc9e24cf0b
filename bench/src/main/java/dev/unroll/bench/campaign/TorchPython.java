package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unroll.bench.Json;

/**
 * Runs the bench's PyTorch peer scripts ({@code bench/peers/*.py}) with the newest PyTorch here, as
 * {@code bench/peers/torch_python.sh} picks it (a venv under {@code bench/target} that the script makes
 * from a local torch wheel, else Debian's {@code /usr/bin/python3}), in the peer's best environment:
 * passive OpenMP waiting, tcmalloc when installed, {@code OPENBLAS_L2_SIZE} unset, and, for a PyTorch on
 * Debian's OpenBLAS 0.3.21, the kernels of the CPU's widest vectors ({@code OPENBLAS_CORETYPE}; left unset
 * that OpenBLAS does not recognise recent CPUs and runs its SSE3 kernels, at a third of the speed).
 */
public final class TorchPython {
    private static final String CHOOSER = "torch_python.sh";
    private static final String TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";

    /**
     * The interpreter found, or why there is none.
     *
     * @param python  the interpreter, or null
     * @param problem why there is none, or null
     */
    public record Found(Path python, String problem) {
    }

    private TorchPython() {
    }

    /** The interpreter for the scripts in {@code peersDir}, chosen by its {@value #CHOOSER}; never throws. */
    public static Found find(Path peersDir) {
        Path chooser = peersDir.resolve(CHOOSER);
        if (!Files.isRegularFile(chooser)) {
            return new Found(null, chooser + " is absent (the bench's peer scripts live in bench/peers/)");
        }
        try {
            Process p = new ProcessBuilder("bash", chooser.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                return new Found(null, "no Python here can import torch and numpy (" + CHOOSER + " says why above; "
                        + "Debian: apt-get install python3-torch libopenblas0-pthread)");
            }
            return new Found(Path.of(out.lines().reduce((a, b) -> b).orElseThrow()), null);
        } catch (IOException e) {
            return new Found(null, "could not run " + chooser + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Found(null, "interrupted while looking for PyTorch");
        }
    }

    /**
     * Runs {@code python script args...} in the peer's environment and returns what it printed on
     * standard output (its standard error goes to this process's).
     *
     * @throws IOException when it cannot start, exits non-zero (the message says how) or is interrupted
     */
    public static String run(Path python, Path script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString()));
        cmd.addAll(args);
        System.err.println("campaign: PyTorch peer: " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .directory(script.getParent().toFile());
        Map<String, String> env = pb.environment();
        if (env.get("OPENBLAS_CORETYPE") == null || env.get("OPENBLAS_CORETYPE").isBlank()) {
            String core = TorchPeer.coreType();
            if (core == null) {
                env.remove("OPENBLAS_CORETYPE");
            } else {
                env.put("OPENBLAS_CORETYPE", core);
            }
        }
        env.remove("OPENBLAS_L2_SIZE");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        if (Files.isRegularFile(Path.of(TCMALLOC))) {
            env.put("LD_PRELOAD", TCMALLOC);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int status = p.waitFor();
            if (status != 0) {
                throw new IOException(script.getFileName() + " " + String.join(" ", args) + " exited with status "
                        + status + " (its messages are above)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new IOException("interrupted while the PyTorch peer ran", e);
        }
        return out;
    }

    /**
     * One line on which PyTorch ran, from a peer's header line: version, interpreter, BLAS and CPU kernels,
     * e.g. {@code PyTorch 2.13.0+cpu (/…/torch-venv), BLAS mkl, MKL 2024.2-Product, oneDNN 3.12.0, CPU AVX512}.
     * Empty when the output has no header.
     */
    public static String describe(String output) {
        for (String line : output.split("\n")) {
            line = line.strip();
            if (line.startsWith("{") && Json.parse(line) instanceof Map<?, ?> m && m.get("torch") != null) {
                StringBuilder s = new StringBuilder("PyTorch ").append(m.get("torch"));
                if (m.get("python") != null) {
                    s.append(" (").append(m.get("python")).append(')');
                }
                appendIf(s, ", BLAS ", m.get("blas"));
                appendIf(s, ", MKL ", m.get("mkl"));
                appendIf(s, ", oneDNN ", m.get("onednn"));
                appendIf(s, ", CPU ", m.get("cpu_capability"));
                return s.toString();
            }
        }
        return "";
    }

    private static void appendIf(StringBuilder s, String label, Object value) {
        if (value != null) {
            s.append(label).append(value);
        }
    }
}
