package dev.unroll.bench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.unroll.solvers.report.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the smallest campaign end to end through JMH (real forks, one 200 ms iteration per configuration) so
 * that the runner, the benchmark jar's metadata and every output keep working. It asserts what was
 * written, never how fast anything was.
 */
class CampaignSmokeTest {
    @Test
    void theSmallestCampaignWritesJsonCsvMarkdownAndPlots(@TempDir Path out) throws Exception {
        Path campaign = resource("/smoke-campaign.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int status = CampaignMain.run(new String[]{"--campaign", campaign.toString(), "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, "exit status; output:\n" + stdout.toString(StandardCharsets.UTF_8));

        assertTrue(Files.readString(out.resolve("jmh-results.json")).contains("dev.unroll.bench.GemmBenchmark.gemm"));
        List<List<String>> csv = Csv.read(out.resolve("results.csv"));
        assertEquals(CampaignCsv.HEADER, csv.getFirst());
        assertEquals(1 + 5 * 2, csv.size(), "one row per configuration: 5 backends and peers × 2 batches");
        int status_ = CampaignCsv.HEADER.indexOf("status");
        int backend = CampaignCsv.HEADER.indexOf("backend");
        for (List<String> row : csv.subList(1, csv.size())) {
            if (row.get(backend).equals("reference") || row.get(backend).equals("ejml")) {
                assertEquals("measured", row.get(status_), "reference and EJML run everywhere: " + row);
            } else {
                assertTrue(List.of("measured", "skipped").contains(row.get(status_)), row.toString());
            }
        }

        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Backends and peers"), md);
        assertTrue(md.contains("## gemm"), md);
        assertTrue(md.contains("| reference |"), md);
        try (var plots = Files.list(out.resolve("plots"))) {
            List<Path> png = plots.filter(p -> p.toString().endsWith(".png")).toList();
            assertEquals(1, png.size(), "one plot: GEMM F32 8×8 against the batch");
            byte[] head = Files.readAllBytes(png.getFirst());
            assertEquals((byte) 0x89, head[0]);
            assertEquals('P', head[1]);
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CampaignSmokeTest.class.getResource(name).toURI());
    }
}
