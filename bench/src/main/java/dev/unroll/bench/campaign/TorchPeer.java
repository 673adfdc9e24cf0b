package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unroll.bench.BenchReport;

/**
 * Runs {@code ../shared/peers/torch_lista_bench.py} (PyTorch's LISTA/SLISTA forward and training step at
 * n = 64, m = 256) in the same campaign, in its best environment here: passive OpenMP waiting, tcmalloc when
 * installed, {@code OPENBLAS_L2_SIZE} unset, and OpenBLAS's kernels for the CPU's widest vectors
 * ({@code OPENBLAS_CORETYPE} as the runner set it for the OpenBLAS peer, else {@link #coreType()}). Left
 * unset, Debian's OpenBLAS 0.3.21 does not recognise recent CPUs (Zen 5, Emerald Rapids) and runs its SSE3
 * "Prescott" kernels: PyTorch's LISTA step at batch 4096 then ran at 4 900 samples/s instead of 10 700.
 * Where {@code /usr/bin/python3} cannot import torch or the script is absent it reports why and the
 * campaign goes on without it.
 */
public final class TorchPeer {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";

    /**
     * The peer's part of a campaign file.
     *
     * @param dtypes "float32" and/or "float64"
     * @param args   further arguments for the script, e.g. {@code ["--batches", "16,256"]}
     */
    public record Settings(List<String> dtypes, List<String> args) {
        /** Copies the lists. */
        public Settings {
            dtypes = List.copyOf(dtypes);
            args = List.copyOf(args);
        }
    }

    /**
     * What running the peer gave.
     *
     * @param rows    the measured rows (empty when skipped)
     * @param skipped why it did not run, or null
     */
    public record Outcome(List<BenchReport.TorchRow> rows, String skipped) {
    }

    private TorchPeer() {
    }

    /**
     * Runs the peer once per precision, appending its JSON lines to {@code output}.
     *
     * @param script the peer script, or null when unknown
     */
    public static Outcome run(Settings settings, Path script, Path output) throws IOException {
        if (script == null || !Files.isRegularFile(script)) {
            return new Outcome(List.of(), "the script " + (script == null ? "torch_lista_bench.py" : script)
                    + " is absent (pass --torch-script PATH)");
        }
        if (!Files.isExecutable(Path.of(PYTHON)) || !exitsZero(List.of(PYTHON, "-c", "import torch"))) {
            return new Outcome(List.of(), PYTHON + " cannot import torch (Debian: apt-get install python3-torch "
                    + "libopenblas0-pthread libtcmalloc-minimal4)");
        }
        StringBuilder all = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (String dtype : settings.dtypes()) {
            List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "--dtype", dtype));
            cmd.addAll(settings.args());
            System.err.println("campaign: PyTorch peer: " + String.join(" ", cmd));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> env = pb.environment();
            if (env.get("OPENBLAS_CORETYPE") == null || env.get("OPENBLAS_CORETYPE").isBlank()) {
                String core = coreType();
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
                if (p.waitFor() != 0) {
                    failures.add(dtype + ": exit status " + p.exitValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroy();
                throw new IOException("interrupted while the PyTorch peer ran", e);
            }
            all.append(out);
        }
        Files.writeString(output, all.toString());
        List<BenchReport.TorchRow> rows = BenchReport.parseTorch(all.toString());
        String skipped = rows.isEmpty() ? "the peer printed no results (" + String.join("; ", failures) + ")" : null;
        return new Outcome(rows, skipped);
    }

    /**
     * OpenBLAS's kernel family for this CPU's widest vectors, read from {@code /proc/cpuinfo}:
     * {@code SkylakeX} with AVX-512, {@code Haswell} with AVX2, else null (let OpenBLAS choose).
     */
    static String coreType() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            if (flags.matches("(?s).*\\bavx512f\\b.*")) {
                return "SkylakeX";
            }
            if (flags.matches("(?s).*\\bavx2\\b.*")) {
                return "Haswell";
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or unreadable: OpenBLAS chooses.
        }
        return null;
    }

    private static boolean exitsZero(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
