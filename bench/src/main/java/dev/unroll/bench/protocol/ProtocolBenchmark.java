package dev.unroll.bench.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.unroll.bench.BenchReport;
import dev.unroll.bench.Json;
import dev.unroll.bench.campaign.TorchPython;
import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;

/**
 * The reference training protocol as a benchmark: for each precision, N, thread count and parametrization,
 * Unroll's {@link Trainer} (full-batch line search, one shot, as {@code ./unroll train --optimizer
 * line-search --mode oneshot}) and {@code bench/peers/torch_line_search.py} train the same T-layer network
 * from the same ISTA start on the same signals (written to .npy for the script), in the same run; the figure
 * is seconds per accepted iteration, with forward passes per accepted iteration beside it (the two fits
 * take the same path when their losses agree, so the ratio compares equal work). Then it times whole
 * launcher commands ({@code ./unroll demo}, a reproduction). Writes {@code protocol.csv} and returns the
 * report's Markdown section.
 */
public final class ProtocolBenchmark {
    private static final String PEER_SCRIPT = "torch_line_search.py";
    private static final String CSV_HEADER = "variant,dtype,samples,threads,unroll_s_per_accepted,"
            + "unroll_forwards_per_accepted,unroll_first_loss,unroll_final_loss,pytorch_s_per_accepted,"
            + "pytorch_forwards_per_accepted,pytorch_final_loss,ratio";

    private ProtocolBenchmark() {
    }

    /** One measured configuration: Unroll's figures and the peer's (NaN where the peer did not run). */
    record Row(String variant, DType dtype, int samples, int threads, double unrollSeconds, double unrollForwards,
               double firstLoss, double unrollLoss, double torchSeconds, double torchForwards, double torchLoss) {
        double ratio() {
            return torchSeconds / unrollSeconds;
        }
    }

    /**
     * Runs every configuration and command.
     *
     * @param peersDir bench/peers (the PyTorch script and torch_python.sh), or null to run without the peer
     * @param launcher the {@code unroll} launcher, or null to skip the commands
     * @return the Markdown section for the campaign's report
     */
    public static String run(ProtocolSettings s, Path outDir, Path peersDir, Path launcher) throws IOException {
        Path data = Files.createDirectories(outDir.resolve("protocol-data"));
        TorchPython.Found python = peersDir == null ? new TorchPython.Found(null, "no peer folder given")
                : TorchPython.find(peersDir);
        List<Row> rows = new ArrayList<>();
        String torchDescription = "";
        for (int samples : s.samples()) {
            CodingData set = Generators.simulated(samples, 256, 64, samples, s.seed());
            Path dNpy = data.resolve("D-" + samples + ".npy");
            Path xNpy = data.resolve("x-" + samples + ".npy");
            HostMatrix dictRows = set.dictionary().transpose();          // (m, n): one atom per row
            HostMatrix signalRows = set.train().transpose();             // (N, n): one signal per row
            Npy.writeF64(dNpy, dictRows.values(), dictRows.rows(), dictRows.cols());
            Npy.writeF64(xNpy, signalRows.values(), signalRows.rows(), signalRows.cols());
            for (String dt : s.dtypes()) {
                DType dtype = DType.valueOf(dt);
                for (String th : s.threads()) {
                    int threads = BenchReport.threadCount(th);
                    Map<String, Map<?, ?>> torch = Map.of();
                    if (python.python() != null) {
                        String out = TorchPython.run(python.python(), peersDir.resolve(PEER_SCRIPT).toAbsolutePath(),
                                List.of("--dictionary", dNpy.toAbsolutePath().toString(), "--signals",
                                        xNpy.toAbsolutePath().toString(), "--lam", Double.toString(s.lambda()),
                                        "--dtype", dtype == DType.F64 ? "float64" : "float32", "--threads",
                                        Integer.toString(threads), "--layers", Integer.toString(s.layers()),
                                        "--iterations", Integer.toString(s.iterations()), "--variants",
                                        String.join(",", s.variants())));
                        torch = byVariant(out);
                        if (torchDescription.isEmpty()) {
                            torchDescription = TorchPython.describe(out);
                        }
                    }
                    for (String variant : s.variants()) {
                        LineSearchTiming t = unroll(s, set, dtype, threads, variant);
                        Map<?, ?> p = torch.get(variant);
                        Row row = new Row(variant, dtype, samples, threads, t.seconds() / t.accepted(),
                                (double) t.forwardPasses() / t.accepted(), t.firstLoss(), t.finalLoss(),
                                p == null ? Double.NaN : Json.number(p.get("s_per_accepted")),
                                p == null ? Double.NaN : Json.number(p.get("forwards_per_accepted")),
                                p == null ? Double.NaN : Json.number(p.get("final_loss")));
                        rows.add(row);
                        System.err.printf(Locale.ROOT, "protocol: %s %s N=%d threads=%d: %.4g s per accepted "
                                        + "iteration (PyTorch %.4g), %.3g forward passes each (PyTorch %.3g)%n",
                                variant, dtype, samples, threads, row.unrollSeconds(), row.torchSeconds(),
                                row.unrollForwards(), row.torchForwards());
                    }
                }
            }
        }
        writeCsv(rows, outDir.resolve("protocol.csv"));
        List<String[]> commands = new ArrayList<>();
        if (launcher != null) {
            for (List<String> c : s.commands()) {
                commands.add(new String[]{String.join(" ", c), timeCommand(launcher, c, outDir)});
            }
        }
        return markdown(s, rows, python, torchDescription, commands);
    }

    /** One fit on Unroll: a short untimed fit first (JIT), then the timed one from a fresh ISTA start. */
    private static LineSearchTiming unroll(ProtocolSettings s, CodingData set, DType dtype, int threads,
                                           String variant) {
        Parametrization p = Parametrization.fromId(variant);
        BackendConfig config = BackendConfig.fromSystemProperties().with("threads", Integer.toString(threads));
        try (Backend be = Backends.open(s.backend(), config);
             LassoProblem problem = LassoProblem.create(be, dtype, set.dictionary(), s.lambda())) {
            TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.ONESHOT).withLineSearch();
            try (UnrolledNetwork warm = UnrolledNetwork.create(problem, p, s.layers())) {
                Trainer.train(warm, set.train(), options.withMaxIterations(3));
            }
            LineSearchTiming timing = new LineSearchTiming();
            try (UnrolledNetwork net = UnrolledNetwork.create(problem, p, s.layers())) {
                Trainer.train(net, set.train(), options.withMaxIterations(s.iterations() + 1).withListener(timing));
            }
            return timing;
        }
    }

    private static Map<String, Map<?, ?>> byVariant(String output) {
        Map<String, Map<?, ?>> out = new java.util.HashMap<>();
        for (String line : output.split("\n")) {
            line = line.strip();
            if (line.startsWith("{") && Json.parse(line) instanceof Map<?, ?> m && m.get("variant") != null) {
                out.put(m.get("variant").toString(), m);
            }
        }
        return out;
    }

    /** Runs {@code launcher command...} with its output in a log file; the wall time, or why it failed. */
    private static String timeCommand(Path launcher, List<String> command, Path outDir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(command);
        Path log = outDir.resolve("command-" + String.join("-", command).replaceAll("[^A-Za-z0-9.-]", "_") + ".log");
        System.err.println("protocol: timing " + String.join(" ", cmd) + " (output in " + log.getFileName() + ")");
        long start = System.nanoTime();
        Process proc = new ProcessBuilder(cmd).directory(launcher.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int status = proc.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            return status == 0 ? String.format(Locale.ROOT, "%.0f s", seconds)
                    : "failed (exit status " + status + ", see " + log.getFileName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.destroy();
            throw new IOException("interrupted while timing " + String.join(" ", cmd), e);
        }
    }

    private static void writeCsv(List<Row> rows, Path file) throws IOException {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            csv.append(String.join(",", r.variant(), r.dtype().name(), Integer.toString(r.samples()),
                    Integer.toString(r.threads()), num(r.unrollSeconds()), num(r.unrollForwards()), num(r.firstLoss()),
                    num(r.unrollLoss()), num(r.torchSeconds()), num(r.torchForwards()), num(r.torchLoss()),
                    num(r.ratio()))).append('\n');
        }
        Files.writeString(file, csv);
    }

    static String markdown(ProtocolSettings s, List<Row> rows, TorchPython.Found python, String torchDescription,
                           List<String[]> commands) {
        StringBuilder md = new StringBuilder("## Reference training protocol (line search)\n\n");
        md.append(String.format(Locale.ROOT, "Full-batch line search, one shot over all %d layers, simulated m = 256, "
                        + "n = 64, λ = %s, seed %d; %d accepted iterations timed after one untimed, from the ISTA start, "
                        + "on %s and on PyTorch (`bench/peers/torch_line_search.py`, same .npy data, same run: %s). "
                        + "`Unroll ÷ PyTorch` is PyTorch's seconds per accepted iteration over Unroll's (above 1, "
                        + "Unroll is faster); forward passes per accepted iteration show both took the same path.\n\n",
                s.layers(), s.lambda(), s.seed(), s.iterations(), s.backend(),
                python.python() == null ? "**skipped**: " + python.problem() : torchDescription));
        md.append("| variant | dtype | N | threads | Unroll s/iteration | PyTorch s/iteration | Unroll ÷ PyTorch "
                + "| forward passes / iteration (Unroll, PyTorch) | loss after (Unroll, PyTorch) |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4g | %.4g | %s | %.3g, %.3g | %.8g, %.8g |%n",
                    r.variant(), r.dtype(), r.samples(), r.threads(), r.unrollSeconds(), r.torchSeconds(),
                    Double.isNaN(r.ratio()) ? "—" : String.format(Locale.ROOT, "%.2f×", r.ratio()), r.unrollForwards(),
                    r.torchForwards(), r.unrollLoss(), r.torchLoss()));
        }
        md.append('\n');
        if (!commands.isEmpty()) {
            md.append("## Commands, timed whole\n\n| command | wall time |\n|---|---:|\n");
            commands.forEach(c -> md.append("| `./unroll ").append(c[0]).append("` | ").append(c[1]).append(" |\n"));
            md.append('\n');
        }
        return md.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
