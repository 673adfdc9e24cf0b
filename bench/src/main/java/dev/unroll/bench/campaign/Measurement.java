package dev.unroll.bench.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.unroll.bench.BenchReport;

/**
 * One row of a campaign's results, whoever measured it (JMH or the PyTorch peer) and whether it ran: the
 * common shape of the CSV, the Markdown tables and the plots.
 *
 * @param op            the operation, e.g. {@code gemm}, {@code ista-iteration}, {@code training-step}
 * @param benchmark     the JMH benchmark, e.g. {@code GemmBenchmark.gemm} ({@code torch_unrolled.py} for PyTorch)
 * @param backend       the backend or peer
 * @param dtype         F32 or F64 ("" when the benchmark has none)
 * @param shape         the other parameters, e.g. {@code m=256 k=64}
 * @param batch         samples per operation, -1 when the benchmark has none
 * @param status        measured, skipped or failed
 * @param detail        why skipped or failed
 * @param medianSeconds median time per operation (NaN unless measured)
 * @param errorRel      99.9 % half-width of the mean over the mean (NaN with a single iteration)
 * @param gflops        GFLOP/s at the median (NaN without a FLOP model)
 * @param samplesPerS   samples per second at the median (NaN where an operation has no batch)
 */
public record Measurement(String op, String benchmark, String backend, String dtype, String shape, long batch,
                          Outcome.Status status, String detail, double medianSeconds, double errorRel, double gflops,
                          double samplesPerS) {
    /** The name of the PyTorch peer in reports. */
    public static final String PYTORCH = "pytorch";

    /** Whether this row holds figures. */
    public boolean measured() {
        return status == Outcome.Status.MEASURED;
    }

    /** Whether the figure to show is samples/s (unrolled networks, as PyTorch reports them) rather than GFLOP/s. */
    public boolean perSample() {
        return op.equals("unrolled-forward") || op.equals("training-step");
    }

    /** The figure the tables and plots show: samples/s or GFLOP/s, see {@link #perSample()}. */
    public double figure() {
        return perSample() ? samplesPerS : gflops;
    }

    /** The key of a comparison: the same op, precision, shape and batch, on any backend or peer. */
    public String caseKey() {
        return op + "|" + dtype + "|" + shape + "|" + batch;
    }

    /** Every row of a campaign: one per configuration, then the PyTorch peer's rows that match a measured case. */
    public static List<Measurement> of(CampaignResult r) {
        List<Measurement> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            Configuration c = o.config();
            if (o.result().isPresent()) {
                BenchReport.Result res = o.result().get();
                out.add(new Measurement(op(c.benchmark(), c.method()), c.benchmark() + "." + c.method(), c.backend(),
                        c.params().getOrDefault("dtype", ""), shape(c.params()), batch(c.params()), o.status(), "",
                        res.medianSeconds(), res.error() / res.score(), BenchReport.gflops(res),
                        BenchReport.samplesPerSecond(res)));
            } else {
                out.add(new Measurement(op(c.benchmark(), c.method()), c.benchmark() + "." + c.method(), c.backend(),
                        c.params().getOrDefault("dtype", ""), shape(c.params()), batch(c.params()), o.status(),
                        o.detail(), Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            }
        }
        if (r.torch() != null) {
            out.addAll(torchRows(r));
        }
        return out;
    }

    /**
     * The PyTorch peer's rows for the unrolled cases measured in this campaign. The peer runs n = 64, m = 256
     * and λ = 0.1 (its defaults), so only cases with those values compare.
     */
    private static List<Measurement> torchRows(CampaignResult r) {
        List<Measurement> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            Configuration c = o.config();
            Map<String, String> p = c.params();
            if (o.result().isEmpty() || !c.benchmark().equals("UnrolledBenchmark")
                    || !"64".equals(p.get("n")) || !"256".equals(p.get("m"))) {
                continue;
            }
            String key = op(c.benchmark(), c.method()) + "|" + p.get("dtype") + "|" + shape(p) + "|" + batch(p);
            boolean done = out.stream().anyMatch(m -> m.caseKey().equals(key));
            if (done) {
                continue;
            }
            BenchReport.torchPeer(r.torch().rows(), o.result().get()).ifPresent(t -> out.add(new Measurement(
                    op(c.benchmark(), c.method()), "torch_unrolled.py", PYTORCH, p.get("dtype"), shape(p), t.batch(),
                    Outcome.Status.MEASURED, "", t.batch() / t.samplesPerS(), Double.NaN, t.gflops(), t.samplesPerS())));
        }
        return out;
    }

    /** A short operation name for a benchmark method. */
    public static String op(String benchmark, String method) {
        return switch (benchmark + "." + method) {
            case "GemmBenchmark.gemm" -> "gemm";
            case "StridedGemvBenchmark.gemv" -> "gemv-strided";
            case "LassoOpsBenchmark.softThreshold" -> "soft-threshold";
            case "LassoOpsBenchmark.lossGradient" -> "lasso-loss-gradient";
            case "IstaBenchmark.iteration" -> "ista-iteration";
            case "UnrolledBenchmark.forward" -> "unrolled-forward";
            case "UnrolledBenchmark.trainingStep" -> "training-step";
            case "UnrolledBenchmark.optimizerStep" -> "adam-step";
            default -> benchmark.replace("Benchmark", "").toLowerCase(Locale.ROOT) + "-" + method;
        };
    }

    /** The parameters other than backend, dtype and batch, as {@code name=value} separated by blanks. */
    static String shape(Map<String, String> params) {
        return params.entrySet().stream().filter(e -> !List.of("backend", "dtype", "batch").contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static long batch(Map<String, String> params) {
        String b = params.get("batch");
        return b == null ? -1 : Long.parseLong(b);
    }
}
