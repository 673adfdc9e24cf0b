package dev.unroll.bench.campaign;

import java.util.List;

import dev.unroll.bench.BenchReport;

/**
 * What became of one configuration of a campaign.
 *
 * @param config  the configuration
 * @param status  measured, skipped (not run, on purpose) or failed
 * @param detail  why it was skipped or how it failed; "" when measured
 * @param results JMH's results for it (one, or none unless measured)
 */
public record Outcome(Configuration config, Status status, String detail, List<BenchReport.Result> results) {
    /** How a configuration ended. */
    public enum Status {
        /** JMH measured it. */
        MEASURED,
        /** Not run: its backend or peer is unavailable here, or the reference backend would be too slow. */
        SKIPPED,
        /** JMH ran it and it failed. */
        FAILED
    }

    /** Copies the list. */
    public Outcome {
        results = List.copyOf(results);
    }

    /** The result, when measured. */
    public java.util.Optional<BenchReport.Result> result() {
        return results.stream().findFirst();
    }
}
