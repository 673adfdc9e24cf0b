package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unroll.solvers.report.LinePlot;

/**
 * The campaign's PNG plots: for each operation, precision and shape measured at two or more batch sizes,
 * its figure (GFLOP/s, or samples/s for the unrolled networks) against the batch, one line per backend and
 * peer, both axes logarithmic.
 */
public final class CampaignPlots {
    private CampaignPlots() {
    }

    /**
     * A written plot.
     *
     * @param file  where it was written
     * @param title what it shows
     */
    public record Plot(Path file, String title) {
    }

    /** Writes the plots into {@code dir} and returns them in table order. */
    public static List<Plot> write(List<Measurement> rows, Path dir) throws IOException {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (Measurement m : rows) {
            if (m.measured() && m.batch() > 0 && Double.isFinite(m.figure())) {
                groups.computeIfAbsent(m.op() + "|" + m.dtype() + "|" + m.shape(), k -> new ArrayList<>()).add(m);
            }
        }
        List<Plot> out = new ArrayList<>();
        for (List<Measurement> g : groups.values()) {
            if (g.stream().mapToLong(Measurement::batch).distinct().count() < 2) {
                continue;
            }
            Measurement first = g.getFirst();
            String unit = first.perSample() ? "samples/s" : "GFLOP/s";
            String title = first.op() + " " + first.dtype() + (first.shape().isEmpty() ? "" : ", " + first.shape());
            LinePlot plot = new LinePlot().title(title).xLabel("batch (samples per operation)").yLabel(unit)
                    .logX(true).logY(true);
            Map<String, List<Measurement>> byBackend = new LinkedHashMap<>();
            g.forEach(m -> byBackend.computeIfAbsent(m.backend(), k -> new ArrayList<>()).add(m));
            byBackend.forEach((backend, ms) -> {
                List<Measurement> sorted = ms.stream().sorted(java.util.Comparator.comparingLong(Measurement::batch))
                        .toList();
                plot.series(backend, sorted.stream().mapToDouble(Measurement::batch).toArray(),
                        sorted.stream().mapToDouble(Measurement::figure).toArray());
            });
            Files.createDirectories(dir);
            Path file = dir.resolve(fileName(first));
            plot.write(file);
            out.add(new Plot(file, title));
        }
        return out;
    }

    private static String fileName(Measurement m) {
        String raw = m.op() + "-" + m.dtype() + "-" + m.shape();
        return raw.replaceAll("[^A-Za-z0-9.=-]+", "_").replace("=", "") + ".png";
    }
}
