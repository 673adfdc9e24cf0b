package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.unroll.solvers.report.Csv;

/** The campaign's CSV: one row per configuration (and per matching PyTorch figure), measured or not. */
public final class CampaignCsv {
    /** The columns, in order. */
    public static final List<String> HEADER = List.of("op", "backend", "dtype", "shape", "batch", "median_s",
            "error_rel", "gflops", "samples_per_s", "status", "detail", "benchmark");

    private CampaignCsv() {
    }

    /** Writes the rows to {@code file} (atomically). */
    public static void write(List<Measurement> rows, Path file) throws IOException {
        Csv csv = new Csv(HEADER);
        for (Measurement m : rows) {
            csv.rowOf(m.op(), m.backend(), m.dtype(), m.shape(), m.batch() < 0 ? null : m.batch(), m.medianSeconds(),
                    m.errorRel(), m.gflops(), m.samplesPerS(), m.status().name().toLowerCase(java.util.Locale.ROOT),
                    m.detail(), m.benchmark());
        }
        csv.write(file);
    }
}
