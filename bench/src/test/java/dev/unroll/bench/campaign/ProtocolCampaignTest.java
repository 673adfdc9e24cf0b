package dev.unroll.bench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.unroll.solvers.report.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign with a {@code protocol} part times the line-search protocol on Unroll (and on PyTorch where a
 * Python with torch is found), writes protocol.csv and adds its section to report.md. Asserts what was
 * written and that the forward passes were counted, never how fast anything was.
 */
class ProtocolCampaignTest {
    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theProtocolIsTimedAndReported(@TempDir Path out) throws Exception {
        Path campaign = Path.of(getClass().getResource("/protocol-smoke-campaign.json").toURI());
        Path peers = Path.of("peers/torch_unrolled.py");        // bench/peers, from the module's folder
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int status = CampaignMain.run(new String[]{"--campaign", campaign.toString(), "--out", out.toString(),
            "--torch-script", peers.toString()}, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, "exit status; output:\n" + stdout.toString(StandardCharsets.UTF_8));

        List<List<String>> csv = Csv.read(out.resolve("protocol.csv"));
        assertEquals(1 + 1, csv.size(), "one row: step, F64, N = 300, 1 thread: " + csv);
        int forwards = csv.getFirst().indexOf("unroll_forwards_per_accepted");
        int loss = csv.getFirst().indexOf("unroll_final_loss");
        int first = csv.getFirst().indexOf("unroll_first_loss");
        for (List<String> row : csv.subList(1, csv.size())) {
            assertTrue(Double.parseDouble(row.get(forwards)) >= 1, "at least one forward pass per accepted iteration: " + row);
            assertTrue(Double.parseDouble(row.get(loss)) < Double.parseDouble(row.get(first)), "the fit lowered the loss: " + row);
        }
        assertTrue(Files.exists(out.resolve("protocol-data/x-300.npy")), "the data the PyTorch peer reads");
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Reference training protocol (line search)"), md);
        assertTrue(md.contains("| step | F64 | 300 | 1 |"), md);
    }

    @Test
    void aBadProtocolIsRefusedWithWhatIsAllowed() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(CampaignException.class, () -> CampaignFile.parse("""
                {"runs": [{"benchmark": "GemmBenchmark"}], "protocol": {"variants": ["alista"]}}""", "x"));
        assertTrue(e.getMessage().contains("coupled, step and lista"), e.getMessage());
    }
}
