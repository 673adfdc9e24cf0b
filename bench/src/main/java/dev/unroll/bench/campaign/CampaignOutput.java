package dev.unroll.bench.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a finished campaign's CSV, plots and Markdown report into its output folder. */
public final class CampaignOutput {
    private CampaignOutput() {
    }

    /**
     * Writes {@code results.csv}, {@code plots/*.png} and {@code report.md} into {@code outDir}.
     *
     * @return the Markdown report's text
     */
    public static String write(CampaignResult result, Path outDir) throws IOException {
        List<Measurement> rows = Measurement.of(result);
        CampaignCsv.write(rows, outDir.resolve("results.csv"));
        List<CampaignPlots.Plot> plots = CampaignPlots.write(rows, outDir.resolve("plots"));
        String md = CampaignMarkdown.render(result, rows, plots, outDir);
        Files.writeString(outDir.resolve("report.md"), md);
        return md;
    }
}
