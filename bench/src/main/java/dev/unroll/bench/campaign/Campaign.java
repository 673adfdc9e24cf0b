package dev.unroll.bench.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark campaign as its file describes it (format: {@code bench/README.md}; parsed by
 * {@link CampaignFile}): a name, JMH settings, optionally the PyTorch peer, and runs, each a benchmark with
 * lists of parameter values whose cross product is the run's part of the matrix.
 *
 * @param name        short name, used in the output folder's name
 * @param description one line for the report
 * @param settings    JMH settings for every run
 * @param torch       the PyTorch peer's settings, or null when the campaign does not run it
 * @param runs        the runs, in file order
 * @param protocol    the reference training protocol and the commands to time, or null
 */
public record Campaign(String name, String description, JmhSettings settings, TorchPeer.Settings torch,
                       List<Run> runs, dev.unroll.bench.protocol.ProtocolSettings protocol) {
    /** Copies the list. */
    public Campaign {
        runs = List.copyOf(runs);
    }

    /**
     * One run of the campaign: the cross product of its parameter lists, for each of its methods.
     *
     * @param benchmark the benchmark class's simple name
     * @param methods   its {@code @Benchmark} methods to run
     * @param params    parameter name to the values to try, in file order
     * @param settings  JMH settings overriding the campaign's
     */
    public record Run(String benchmark, List<String> methods, Map<String, List<String>> params, JmhSettings settings) {
        /** Copies the collections. */
        public Run {
            methods = List.copyOf(methods);
            Map<String, List<String>> copy = new LinkedHashMap<>();
            params.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            params = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** Every configuration of the matrix, run by run, method by method, the first parameter varying slowest. */
    public List<Configuration> configurations() {
        List<Configuration> out = new ArrayList<>();
        for (Run run : runs) {
            JmhSettings s = settings.overriddenBy(run.settings());
            for (String method : run.methods()) {
                List<Map<String, String>> points = new ArrayList<>();
                points.add(new LinkedHashMap<>());
                for (Map.Entry<String, List<String>> p : run.params().entrySet()) {
                    List<Map<String, String>> next = new ArrayList<>();
                    for (Map<String, String> point : points) {
                        for (String v : p.getValue()) {
                            Map<String, String> extended = new LinkedHashMap<>(point);
                            extended.put(p.getKey(), v);
                            next.add(extended);
                        }
                    }
                    points = next;
                }
                for (Map<String, String> point : points) {
                    out.add(new Configuration(run.benchmark(), method, point, s));
                }
            }
        }
        return out;
    }
}
