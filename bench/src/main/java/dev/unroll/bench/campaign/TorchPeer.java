package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.unroll.bench.BenchReport;

/**
 * Runs {@code bench/peers/torch_unrolled.py} (PyTorch's LISTA/SLISTA forward and training step at n = 64,
 * m = 256) in the same campaign, once per precision and thread count, with the newest PyTorch here in its
 * best environment ({@link TorchPython}). Where no Python can import torch or the script is absent it
 * reports why and the campaign goes on without it.
 */
public final class TorchPeer {
    /** The thread counts the peer runs with when the campaign does not say: one, and one per CPU. */
    public static final List<String> DEFAULT_THREADS = List.of("1", "all");

    /**
     * The peer's part of a campaign file.
     *
     * @param dtypes  "float32" and/or "float64"
     * @param threads thread counts: positive numbers or "all" (one per CPU)
     * @param args    further arguments for the script, e.g. {@code ["--batches", "16,256"]}
     */
    public record Settings(List<String> dtypes, List<String> threads, List<String> args) {
        /** Copies the lists and checks the thread counts. */
        public Settings {
            dtypes = List.copyOf(dtypes);
            threads = List.copyOf(threads);
            args = List.copyOf(args);
            threads.forEach(BenchReport::threadCount);
        }
    }

    /**
     * What running the peer gave.
     *
     * @param rows     the measured rows (empty when skipped)
     * @param skipped  why it did not run, or null
     * @param describe which PyTorch ran (version, interpreter, BLAS, CPU kernels), or ""
     */
    public record Outcome(List<BenchReport.TorchRow> rows, String skipped, String describe) {
    }

    private TorchPeer() {
    }

    /**
     * Runs the peer once per precision and thread count, writing its JSON lines to {@code output}.
     *
     * @param script the peer script, or null when unknown
     */
    public static Outcome run(Settings settings, Path script, Path output) throws IOException {
        if (script == null || !Files.isRegularFile(script)) {
            return new Outcome(List.of(), "the script " + (script == null ? "torch_unrolled.py" : script)
                    + " is absent (pass --torch-script PATH)", "");
        }
        TorchPython.Found python = TorchPython.find(script.toAbsolutePath().getParent());
        if (python.python() == null) {
            return new Outcome(List.of(), python.problem(), "");
        }
        StringBuilder all = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (String dtype : settings.dtypes()) {
            for (String threads : settings.threads()) {
                List<String> args = new ArrayList<>(List.of("--dtype", dtype, "--threads",
                        Integer.toString(BenchReport.threadCount(threads))));
                args.addAll(settings.args());
                try {
                    all.append(TorchPython.run(python.python(), script.toAbsolutePath(), args));
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        Files.writeString(output, all.toString());
        List<BenchReport.TorchRow> rows = BenchReport.parseTorch(all.toString());
        String skipped = rows.isEmpty() ? "the peer printed no results (" + String.join("; ", failures) + ")" : null;
        return new Outcome(rows, skipped, TorchPython.describe(all.toString()));
    }

    /**
     * OpenBLAS's kernel family for this CPU's widest vectors, read from {@code /proc/cpuinfo}:
     * {@code SkylakeX} with AVX-512, {@code Haswell} with AVX2, else null (let OpenBLAS choose).
     */
    public static String coreType() {
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
}
