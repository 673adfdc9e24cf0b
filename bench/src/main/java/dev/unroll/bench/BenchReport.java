package dev.unroll.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.unroll.engine.Parametrization;

/**
 * Turns JMH's JSON result file ({@code -rf json}) into the figures issue 3 asks for, one table per
 * benchmark: the median time per operation and the relative error of the mean, GFLOP/s by
 * {@link FlopModel}, samples/s (batch / median time), the speed-up over the reference backend measured in
 * the same run, the fraction of the FMA peak measured in the same run ({@link FmaPeakBenchmark}: F32 rows
 * against the F32 all-threads peak, F64 against F64), and, given the PyTorch peer's JSON lines
 * ({@code torch_unrolled.py}), PyTorch's samples/s for the same (variant, mode, batch, precision) and
 * Unroll's ratio to it. Medians, not means: these machines are shared and a few slow iterations should not
 * move the figure.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.unroll.bench.BenchReport jmh-results.json [torch.jsonl]</pre>
 */
public final class BenchReport {
    private static final String PKG = "dev.unroll.bench.";
    private static final String DASH = "—";

    private BenchReport() {
    }

    /**
     * One JMH result: a benchmark method with its parameters.
     *
     * @param benchmark full name, e.g. {@code dev.unroll.bench.GemmBenchmark.gemm}
     * @param params    the {@code @Param} values
     * @param threads   JMH threads
     * @param score     mean score, in {@code unit}
     * @param error     half-width of the 99.9 % interval of the mean (NaN with a single iteration)
     * @param median    median over all measured iterations, in {@code unit}
     * @param unit      JMH's score unit, e.g. {@code us/op} or {@code ops/s}
     */
    public record Result(String benchmark, Map<String, String> params, int threads, double score, double error,
                         double median, String unit) {
        /** The class's simple name, e.g. {@code GemmBenchmark}. */
        public String className() {
            String s = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return s.substring(s.lastIndexOf('.') + 1);
        }

        /** The method, e.g. {@code gemm}. */
        public String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        /** A parameter's value, or "" when absent. */
        public String param(String key) {
            return params.getOrDefault(key, "");
        }

        /** A numeric parameter. */
        public long longParam(String key) {
            return Long.parseLong(param(key));
        }

        /** Seconds per operation at the median. */
        public double medianSeconds() {
            return secondsPerOp(median, unit);
        }
    }

    /**
     * One line of the PyTorch peer's output.
     *
     * @param variant     lista or step
     * @param mode        train_step or inference
     * @param batch       B
     * @param layers      T
     * @param dtype       float32 or float64 (from the peer's first line)
     * @param samplesPerS samples per second at the median
     * @param gflops      the peer's GFLOP/s (matmul FLOPs only)
     * @param threads     PyTorch's intra-op threads (from its line or its header; -1 when it did not say)
     */
    public record TorchRow(String variant, String mode, int batch, int layers, String dtype, double samplesPerS,
                           double gflops, int threads) {
    }

    /** Reads a JMH JSON result file's text. */
    public static List<Result> parseJmh(String json) {
        List<Result> out = new ArrayList<>();
        if (!(Json.parse(json) instanceof List<?> entries)) {
            throw new IllegalArgumentException("a JMH result file (-rf json) is a JSON array");
        }
        for (Object e : entries) {
            Map<?, ?> m = (Map<?, ?>) e;
            Map<?, ?> metric = (Map<?, ?>) m.get("primaryMetric");
            Map<String, String> params = new LinkedHashMap<>();
            if (m.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(k.toString(), String.valueOf(v)));
            }
            double score = Json.number(metric.get("score"));
            double median = score;
            if (metric.get("scorePercentiles") instanceof Map<?, ?> pct && pct.get("50.0") != null) {
                median = Json.number(pct.get("50.0"));
            }
            out.add(new Result(String.valueOf(m.get("benchmark")), params, (int) Json.number(m.get("threads")), score,
                    Json.number(metric.get("scoreError")), median, String.valueOf(metric.get("scoreUnit"))));
        }
        return out;
    }

    /** Reads the peer's JSON lines; the first line (no "variant") gives the precision of the others. */
    public static List<TorchRow> parseTorch(String text) {
        List<TorchRow> out = new ArrayList<>();
        String dtype = "float32";
        int threads = -1;
        for (String line : text.split("\n")) {
            line = line.strip();
            if (!line.startsWith("{")) {
                continue;               // tolerate warnings the peer may have printed
            }
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if (m.get("variant") == null) {
                if (m.get("dtype") != null) {
                    dtype = m.get("dtype").toString();
                }
                threads = m.get("threads") == null ? -1 : (int) Json.number(m.get("threads"));
                continue;
            }
            out.add(new TorchRow(m.get("variant").toString(), m.get("mode").toString(), (int) Json.number(m.get("B")),
                    (int) Json.number(m.get("layers")), dtype, Json.number(m.get("samples_per_s")),
                    Json.number(m.get("gflops")),
                    m.get("threads") == null ? threads : (int) Json.number(m.get("threads"))));
        }
        return out;
    }

    /**
     * Seconds per operation for a JMH score: a time per operation ({@code ns/op} … {@code s/op}) as is, a
     * throughput ({@code ops/s}, {@code ops/ms}, …) inverted.
     */
    public static double secondsPerOp(double value, String unit) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
        }
        if (parts[1].equals("op")) {
            return value * seconds(parts[0], unit);
        }
        if (parts[0].equals("ops")) {
            return seconds(parts[1], unit) / value;
        }
        throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
    }

    private static double seconds(String timeUnit, String unit) {
        return switch (timeUnit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            case "hr" -> 3600;
            default -> throw new IllegalArgumentException("unknown time unit in JMH score unit '" + unit + "'");
        };
    }

    /** FLOPs of one operation of {@code r}, empty for a benchmark without a FLOP model. */
    public static Optional<Double> flopsPerOp(Result r) {
        return switch (r.className()) {
            case "GemmBenchmark" -> Optional.of((double) FlopModel.gemm(r.longParam("m"), r.longParam("k"),
                    r.longParam("batch")));
            case "UnrolledBenchmark" -> r.method().equals("optimizerStep")
                    ? Optional.of((double) FlopModel.adam(Parametrization.fromId(r.param("variant")),
                    (int) r.longParam("layers"), (int) r.longParam("n"), (int) r.longParam("m")))
                    : unrolledMode(r).map(mode -> (double) r.longParam("batch")
                    * FlopModel.unrolledPerSample(Parametrization.fromId(r.param("variant")), mode,
                    r.longParam("layers"), r.longParam("n"), r.longParam("m")));
            case "StridedGemvBenchmark" -> Optional.of((double) FlopModel.gemm(r.longParam("m"), r.longParam("k"),
                    r.longParam("batch")));
            case "LassoOpsBenchmark" -> Optional.of((double) (r.method().equals("softThreshold")
                    ? FlopModel.softThreshold(r.longParam("m"), r.longParam("batch"))
                    : FlopModel.lassoGradient(r.longParam("n"), r.longParam("m"), r.longParam("batch"))));
            case "IstaBenchmark" -> Optional.of((double) FlopModel.istaIteration(r.longParam("n"), r.longParam("m"),
                    r.longParam("batch")));
            // One operation is one lane-FMA (see FmaPeakBenchmark): 2 FLOPs.
            case "FmaPeakBenchmark" -> Optional.of(2.0);
            default -> Optional.empty();
        };
    }

    /** GFLOP/s at the median, NaN without a FLOP model. */
    public static double gflops(Result r) {
        return flopsPerOp(r).map(f -> f / r.medianSeconds() / 1e9).orElse(Double.NaN);
    }

    /**
     * Samples per second at the median: batch / time; NaN where one operation does not process a batch of
     * samples (the FMA peak, the optimizer step).
     */
    public static double samplesPerSecond(Result r) {
        if (r.param("batch").isEmpty() || r.method().equals("optimizerStep")) {
            return Double.NaN;
        }
        return r.longParam("batch") / r.medianSeconds();
    }

    /** The F32 or F64 all-threads FMA peak in GFLOP/s measured in {@code results}, if it was. */
    public static Optional<Double> peakGflops(List<Result> results, String dtype) {
        String method = (dtype.equals("F64") ? "f64" : "f32") + "AllThreads";
        return results.stream().filter(r -> r.className().equals("FmaPeakBenchmark") && r.method().equals(method))
                .findFirst().map(BenchReport::gflops);
    }

    /**
     * How many times faster {@code r} is than the reference backend on the same benchmark and parameters in
     * {@code results} (reference median time / this median time), if the reference was measured.
     */
    public static Optional<Double> speedupOverReference(List<Result> results, Result r) {
        if (r.param("backend").isEmpty() || r.param("backend").equals(BenchSupport.REFERENCE)) {
            return Optional.empty();
        }
        return results.stream().filter(o -> o.benchmark().equals(r.benchmark())
                        && o.param("backend").equals(BenchSupport.REFERENCE) && sameExceptBackend(o, r))
                .findFirst().map(ref -> ref.medianSeconds() / r.medianSeconds());
    }

    /**
     * The peer's row for an unrolled result: same variant, mode, batch, layers and precision, and the same
     * thread count where both say theirs ({@link #threadCount}).
     */
    public static Optional<TorchRow> torchPeer(List<TorchRow> torch, Result r) {
        if (!r.className().equals("UnrolledBenchmark") || unrolledMode(r).isEmpty()) {
            return Optional.empty();
        }
        String mode = r.method().equals("forward") ? "inference" : "train_step";
        String dtype = r.param("dtype").equals("F64") ? "float64" : "float32";
        return torch.stream().filter(t -> t.variant().equals(r.param("variant")) && t.mode().equals(mode)
                && t.batch() == r.longParam("batch") && t.layers() == r.longParam("layers")
                && t.dtype().equals(dtype) && (t.threads() < 0 || r.param("threads").isEmpty()
                || t.threads() == threadCount(r.param("threads")))).findFirst();
    }

    /**
     * The number of threads a benchmark's {@code threads} parameter stands for: a positive number as is,
     * {@code all} one per CPU of this machine.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static int threadCount(String threads) {
        if (threads.equals("all")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(threads);
            if (t > 0) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("threads must be a positive number or \"all\", but is \"" + threads + "\"");
    }

    private static Optional<FlopModel.Mode> unrolledMode(Result r) {
        return switch (r.method()) {
            case "forward" -> Optional.of(FlopModel.Mode.FORWARD);
            case "trainingStep" -> Optional.of(FlopModel.Mode.TRAIN);
            default -> Optional.empty();
        };
    }

    private static boolean sameExceptBackend(Result a, Result b) {
        Map<String, String> pa = new LinkedHashMap<>(a.params());
        Map<String, String> pb = new LinkedHashMap<>(b.params());
        pa.remove("backend");
        pb.remove("backend");
        return pa.equals(pb);
    }

    /** The whole report as text. */
    public static String render(List<Result> results, List<TorchRow> torch) {
        StringBuilder out = new StringBuilder();
        List<Result> fma = of(results, "FmaPeakBenchmark");
        if (!fma.isEmpty()) {
            Table t = new Table("benchmark", "threads", "GFLOP/s", "±");
            for (Result r : fma) {
                t.row(r.method(), Integer.toString(r.threads()), num(gflops(r)), pct(r.error() / r.score()));
            }
            section(out, "FMA peak (Vector API, preferred species; 2 FLOPs per lane-FMA)", t);
        }
        List<Result> gemm = of(results, "GemmBenchmark");
        if (!gemm.isEmpty()) {
            Table t = new Table("dtype", "m", "k", "batch", "backend", "median", "±", "GFLOP/s", "samples/s",
                    "× reference", "% of peak");
            for (Result r : gemm) {
                t.row(r.param("dtype"), r.param("m"), r.param("k"), r.param("batch"), r.param("backend"),
                        time(r.medianSeconds()), pct(r.error() / r.score()), num(gflops(r)),
                        num(samplesPerSecond(r)), speedupOverReference(results, r).map(BenchReport::num).orElse(DASH),
                        peakGflops(results, r.param("dtype")).map(p -> pct(gflops(r) / p)).orElse(DASH));
            }
            section(out, "GEMM  C = A·B, A m×k, B k×batch (2·m·k·batch FLOPs)", t);
        }
        List<Result> unrolled = of(results, "UnrolledBenchmark");
        if (!unrolled.isEmpty()) {
            Table t = new Table("variant", "mode", "dtype", "batch", "backend", "median", "±", "GFLOP/s",
                    "samples/s", "× reference", "% of peak", "PyTorch samples/s", "× PyTorch");
            for (Result r : unrolled) {
                Optional<TorchRow> peer = torchPeer(torch, r);
                t.row(r.param("variant"), r.method(), r.param("dtype"), r.param("batch"), r.param("backend"),
                        time(r.medianSeconds()), pct(r.error() / r.score()), num(gflops(r)),
                        num(samplesPerSecond(r)), speedupOverReference(results, r).map(BenchReport::num).orElse(DASH),
                        peakGflops(results, r.param("dtype")).map(p -> pct(gflops(r) / p)).orElse(DASH),
                        peer.map(p -> num(p.samplesPerS())).orElse(DASH),
                        peer.map(p -> num(samplesPerSecond(r) / p.samplesPerS())).orElse(DASH));
            }
            String shape = unrolled.getFirst().param("layers") + " layers, n = " + unrolled.getFirst().param("n")
                    + ", m = " + unrolled.getFirst().param("m") + ", λ = " + unrolled.getFirst().param("lambda");
            section(out, "Unrolled networks (" + shape + "; matmul FLOPs as torch_unrolled.py counts them)", t);
        }
        List<Result> other = results.stream().filter(r -> !List.of("FmaPeakBenchmark", "GemmBenchmark",
                "UnrolledBenchmark").contains(r.className())).toList();
        if (!other.isEmpty()) {
            Table t = new Table("benchmark", "params", "median", "±", "GFLOP/s", "samples/s", "× reference");
            for (Result r : other) {
                t.row(r.benchmark().replace(PKG, ""), r.params().toString(), time(r.medianSeconds()),
                        pct(r.error() / r.score()), num(gflops(r)), num(samplesPerSecond(r)),
                        speedupOverReference(results, r).map(BenchReport::num).orElse(DASH));
            }
            section(out, "Other benchmarks", t);
        }
        out.append("""
                median: median time per operation over all measured iterations; ±: 99.9 % interval of the mean, \
                relative (— with one iteration).
                × reference: reference median time / this median time, same run. % of peak: GFLOP/s over the \
                all-threads FMA peak of the same precision, same run.
                — in × reference: the reference backend was not measured there (skipped above \
                -Dunroll.bench.referenceMaxFlop, or failed).
                """);
        if (!unrolled.isEmpty()) {
            out.append(torch.isEmpty() ? "No PyTorch figures given (second argument: torch_unrolled.py's output).\n"
                    : "× PyTorch: samples/s over PyTorch's samples/s for the same variant, mode, batch and precision.\n");
        }
        return out.toString();
    }

    private static List<Result> of(List<Result> results, String className) {
        return results.stream().filter(r -> r.className().equals(className)).sorted(byParams()).toList();
    }

    /** Method, then every parameter in file order, numbers compared as numbers; backend last. */
    private static Comparator<Result> byParams() {
        return (a, b) -> {
            int c = a.method().compareTo(b.method());
            if (c != 0) {
                return c;
            }
            for (String key : a.params().keySet()) {
                if (key.equals("backend")) {
                    continue;
                }
                c = compareValues(a.param(key), b.param(key));
                if (c != 0) {
                    return c;
                }
            }
            return a.param("backend").compareTo(b.param("backend"));
        };
    }

    private static int compareValues(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static void section(StringBuilder out, String title, Table t) {
        out.append(title).append('\n').append(t.render()).append('\n');
    }

    /** A number with about three significant digits, thousands unseparated; — for NaN. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return DASH;
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
        return String.format(Locale.ROOT, f, v);
    }

    static String pct(double fraction) {
        return Double.isNaN(fraction) || Double.isInfinite(fraction) ? DASH
                : String.format(Locale.ROOT, fraction >= 0.1 ? "%.0f %%" : "%.1f %%", 100 * fraction);
    }

    static String time(double seconds) {
        if (seconds >= 1) {
            return num(seconds) + " s";
        }
        if (seconds >= 1e-3) {
            return num(seconds * 1e3) + " ms";
        }
        return num(seconds * 1e6) + " µs";
    }

    /** Columns padded to their widest cell, text left-aligned and figures right-aligned. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            rows.add(header);
            columns = header.length;
        }

        void row(String... cells) {
            rows.add(cells);
        }

        String render() {
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder b = new StringBuilder();
            for (int ri = 0; ri < rows.size(); ri++) {
                String[] r = rows.get(ri);
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    boolean left = ri == 0 || !startsLikeNumber(r[i]);
                    String pad = " ".repeat(width[i] - r[i].length());
                    line.append(i == 0 ? "  " : "  ").append(left ? r[i] + pad : pad + r[i]);
                }
                b.append(line.toString().stripTrailing()).append('\n');
                if (ri == 0) {
                    b.append("  ").append("-".repeat(Math.max(0, line.length() - 2))).append('\n');
                }
            }
            return b.toString();
        }

        private static boolean startsLikeNumber(String s) {
            return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.equals(DASH) || s.charAt(0) == '-');
        }
    }

    /**
     * Prints the report.
     *
     * @param args the JMH JSON result file, optionally followed by a file of torch_unrolled.py's output
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BenchReport <jmh-results.json> [torch_unrolled.py output (JSON lines)]");
            System.exit(2);
        }
        List<Result> results = parseJmh(Files.readString(Path.of(args[0])));
        List<TorchRow> torch = args.length == 2 && Files.isRegularFile(Path.of(args[1]))
                ? parseTorch(Files.readString(Path.of(args[1]))) : List.of();
        out.print(render(results, Objects.requireNonNull(torch)));
        out.flush();
    }
}
