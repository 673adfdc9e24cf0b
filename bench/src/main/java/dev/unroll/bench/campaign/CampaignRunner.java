package dev.unroll.bench.campaign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.unroll.bench.BenchReport;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a campaign's matrix through JMH's Java API, one {@link Runner} run per configuration (JMH forks each
 * parameter combination anyway; one run each lets the runner skip single points with their reason and tell
 * which point failed). Before anything runs it checks every backend and peer the campaign names:
 * unavailable ones (no GPU, no OpenBLAS) are skipped with their probe's reason, and the reference backend
 * is skipped where one operation costs more than {@code unroll.bench.referenceMaxFlop} FLOPs, as the
 * benchmarks themselves would refuse it.
 */
public final class CampaignRunner {
    private static final String REFERENCE = "reference";
    private static final String MAX_FLOP_PROPERTY = "unroll.bench.referenceMaxFlop";
    private static final long DEFAULT_MAX_FLOP = 1L << 28;

    private final PrintStream log;
    private final boolean verbose;

    /**
     * A runner that writes its progress to {@code log}.
     *
     * @param verbose true to let JMH print its own per-iteration output too
     */
    public CampaignRunner(PrintStream log, boolean verbose) {
        this.log = log;
        this.verbose = verbose;
    }

    /**
     * Runs the campaign and writes the raw JMH JSON ({@code jmh-results.json}) and, when the campaign runs
     * it, the PyTorch peer's output ({@code torch-results.jsonl}) into {@code outDir}.
     *
     * @param torchScript the PyTorch peer script, or null
     * @throws CampaignException when the campaign names a backend or peer that does not exist
     */
    public CampaignResult run(Campaign campaign, Path outDir, Path torchScript) throws IOException {
        Instant start = Instant.now();
        Map<String, Target> targets = Target.survey();
        List<Configuration> configs = campaign.configurations();
        requireKnownTargets(configs, targets);
        Files.createDirectories(outDir);
        List<RunResult> all = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Configuration c : configs) {
            i++;
            String prefix = "campaign: [" + i + "/" + configs.size() + "] " + c.label();
            Optional<String> skip = skipReason(c, targets);
            if (skip.isPresent()) {
                log.println(prefix + ": skipped (" + skip.get() + ")");
                outcomes.add(new Outcome(c, Outcome.Status.SKIPPED, skip.get(), List.of()));
                continue;
            }
            log.println(prefix + " ...");
            log.flush();
            Outcome o = runOne(c, all);
            outcomes.add(o);
            log.println(prefix + ": " + describe(o));
        }
        writeJson(all, outDir.resolve("jmh-results.json"));
        TorchPeer.Outcome torch = campaign.torch() == null ? null
                : TorchPeer.run(campaign.torch(), torchScript, outDir.resolve("torch-results.jsonl"));
        return new CampaignResult(campaign, targets, outcomes, torch, start, Duration.between(start, Instant.now()));
    }

    /**
     * Checks that every backend or peer the configurations name exists here (available or not).
     *
     * @throws CampaignException naming the unknown one and the known ones
     */
    public static void requireKnownTargets(List<Configuration> configs, Map<String, Target> targets) {
        for (Configuration c : configs) {
            if (!c.backend().isEmpty() && !targets.containsKey(c.backend())) {
                throw new CampaignException("unknown backend or peer '" + c.backend() + "' in " + c.benchmark()
                        + "; known here: " + targets.keySet());
            }
        }
    }

    private Outcome runOne(Configuration c, List<RunResult> all) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(c.fullName()) + "$")
                .shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        c.params().forEach(b::param);
        c.settings().applyTo(b);
        try {
            Collection<RunResult> results = new Runner(b.build()).run();
            if (results.isEmpty()) {
                return new Outcome(c, Outcome.Status.FAILED, "JMH returned no result", List.of());
            }
            all.addAll(results);
            return new Outcome(c, Outcome.Status.MEASURED, "", BenchReport.parseJmh(json(results)));
        } catch (RunnerException | RuntimeException e) {
            String message = message(e);
            boolean skipped = message.contains("SKIPPED");
            return new Outcome(c, skipped ? Outcome.Status.SKIPPED : Outcome.Status.FAILED, message, List.of());
        }
    }

    /** Why a configuration is not run here, before any fork is started. */
    private static Optional<String> skipReason(Configuration c, Map<String, Target> targets) {
        Target t = targets.get(c.backend());
        if (t != null && !t.available()) {
            return Optional.of(c.backend() + " is unavailable here: " + t.detail());
        }
        if (REFERENCE.equals(c.backend())) {
            long limit = referenceLimit(c.settings());
            Optional<Double> flops = referenceFlops(c);
            if (flops.isPresent() && flops.get() > limit) {
                return Optional.of(String.format(java.util.Locale.ROOT, "reference backend not run above %d FLOP per "
                        + "operation (this one: %.3g; raise with -D%s)", limit, flops.get(), MAX_FLOP_PROPERTY));
            }
        }
        return Optional.empty();
    }

    /** FLOPs per operation as the benchmark's own guard counts them (the unrolled guard counts a training step). */
    private static Optional<Double> referenceFlops(Configuration c) {
        String method = c.benchmark().equals("UnrolledBenchmark") ? "trainingStep" : c.method();
        try {
            return BenchReport.flopsPerOp(new BenchReport.Result(Configuration.PACKAGE + c.benchmark() + "." + method,
                    c.params(), 1, 0, 0, 0, "us/op"));
        } catch (RuntimeException e) {
            return Optional.empty();        // a parameter the model cannot read: let the benchmark's guard decide
        }
    }

    private static long referenceLimit(JmhSettings s) {
        long limit = Long.getLong(MAX_FLOP_PROPERTY, DEFAULT_MAX_FLOP);
        for (String arg : s.jvmArgs()) {
            if (arg.startsWith("-D" + MAX_FLOP_PROPERTY + "=")) {
                limit = Long.parseLong(arg.substring(arg.indexOf('=') + 1));
            }
        }
        return limit;
    }

    private static String describe(Outcome o) {
        return switch (o.status()) {
            case MEASURED -> o.result().map(r -> {
                double g = BenchReport.gflops(r);
                return String.format(java.util.Locale.ROOT, "median %.4g us/op%s", r.medianSeconds() * 1e6,
                        Double.isNaN(g) ? "" : String.format(java.util.Locale.ROOT, ", %.3g GFLOP/s", g));
            }).orElse("measured");
            case SKIPPED -> "skipped (" + o.detail() + ")";
            case FAILED -> "FAILED: " + o.detail();
        };
    }

    /** The most specific message in an exception's causes and suppressed exceptions (the fork's own). */
    static String message(Throwable e) {
        List<String> found = new ArrayList<>();
        collect(e, found, 0);
        return found.stream().filter(m -> m.contains("SKIPPED")).findFirst()
                .orElse(found.isEmpty() ? e.getClass().getSimpleName() : found.getLast());
    }

    private static void collect(Throwable e, List<String> found, int depth) {
        if (e == null || depth > 10) {
            return;
        }
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            found.add(e.getMessage().strip().lines().findFirst().orElse(""));
        }
        for (Throwable s : e.getSuppressed()) {
            collect(s, found, depth + 1);
        }
        collect(e.getCause(), found, depth + 1);
    }

    private static String json(Collection<RunResult> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
        ps.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void writeJson(List<RunResult> all, Path file) throws IOException {
        Files.writeString(file, all.isEmpty() ? "[]\n" : json(all));
    }
}
