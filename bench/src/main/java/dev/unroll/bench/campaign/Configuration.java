package dev.unroll.bench.campaign;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One point of a campaign's matrix: one benchmark method with one value for each parameter it is given
 * (the others keep the benchmark's defaults, so a configuration stays one JMH run).
 *
 * @param benchmark the class's simple name, e.g. {@code GemmBenchmark}
 * @param method    the {@code @Benchmark} method, e.g. {@code gemm}
 * @param params    parameter values in the order the campaign gives them
 * @param settings  the JMH settings for it (campaign's, overridden by its run's)
 */
public record Configuration(String benchmark, String method, Map<String, String> params, JmhSettings settings) {
    /** The package of every benchmark class. */
    public static final String PACKAGE = "dev.unroll.bench.";

    /** Copies the parameters. */
    public Configuration {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** The fully qualified benchmark name as JMH writes it, e.g. {@code dev.unroll.bench.GemmBenchmark.gemm}. */
    public String fullName() {
        return PACKAGE + benchmark + "." + method;
    }

    /** The backend (or peer) parameter, "" when the benchmark has none. */
    public String backend() {
        return params.getOrDefault("backend", "");
    }

    /** A one-line name for logs: {@code GemmBenchmark.gemm backend=cpu-vector dtype=F32 ...}. */
    public String label() {
        return benchmark + "." + method + " " + params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
