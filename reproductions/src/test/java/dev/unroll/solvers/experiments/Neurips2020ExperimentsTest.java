package dev.unroll.solvers.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.report.Csv;
import dev.unroll.tck.support.TckBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NeurIPS 2020 experiments run in their default (quick) size and write their CSV and PNG files. */
class Neurips2020ExperimentsTest {
    @TempDir
    Path dir;

    @Test
    void ratesFollowTheTheoremsOrder() throws Exception {
        try (Backend be = TckBackend.open()) {
            run(be, new Neurips2020RatesFigure());
        }
        List<List<String>> rows = Csv.read(dir.resolve("neurips2020-rates.csv"));
        assertTrue(Files.exists(dir.resolve("neurips2020-rates.png")));
        for (List<String> row : rows.subList(1, rows.size())) {
            double mean = Double.parseDouble(row.get(1));
            double bound = Double.parseDouble(row.get(3));
            assertTrue(mean > 0.5 * bound, "ρ̃/ρ of the order of the bound at k = " + row.get(0));
        }
    }

    @Test
    void tvComparisonRunsAndTheLearnedNetworksBeatIsta() throws Exception {
        String out;
        try (Backend be = TckBackend.open()) {
            out = run(be, new Neurips2020TvFigure());
        }
        assertTrue(out.contains("lpgd-taut"), out);
        assertTrue(Files.exists(dir.resolve("neurips2020-tv-lambda0.1.png")));
        List<List<String>> rows = Csv.read(dir.resolve("neurips2020-tv.csv"));
        for (String lambda : List.of("0.1", "0.8")) {
            // The paper's orderings at the deepest network of the quick run (11 layers).
            double lpgd = gap(rows, lambda, "lpgd-taut", "11");
            double synthesisNet = gap(rows, lambda, "coupled-synthesis", "11");
            assertTrue(lpgd < gap(rows, lambda, "Analysis FISTA", "11"), "LPGD-taut beats analysis FISTA, λ " + lambda);
            assertTrue(synthesisNet < gap(rows, lambda, "Synthesis FISTA", "11"), "LISTA beats synthesis FISTA");
            assertTrue(lpgd < synthesisNet, "analysis beats synthesis, λ " + lambda);
            assertTrue(gap(rows, lambda, "Analysis ISTA", "11") < gap(rows, lambda, "Synthesis ISTA", "11"));
            // Trained, the primal–dual and dual networks beat the algorithms they unroll.
            assertTrue(gap(rows, lambda, "coupled-condat-vu", "11") < gap(rows, lambda, "Condat-Vu", "11"));
            assertTrue(gap(rows, lambda, "coupled-chambolle", "11") < gap(rows, lambda, "Chambolle dual", "11"));
        }
    }

    @Test
    void fmriDeconvolutionRunsAndLpgdBeatsPgdPerLayer() throws Exception {
        String out;
        try (Backend be = TckBackend.open()) {
            out = run(be, new Neurips2020FmriFigure());
        }
        assertTrue(out.contains("ran in"), out);
        assertTrue(Files.exists(dir.resolve("neurips2020-fmri.png")));
        List<List<String>> rows = Csv.read(dir.resolve("neurips2020-fmri.csv"));
        for (String t : List.of("1", "2", "4")) {
            double lpgd = fmriGap(rows, "lpgd-taut", t);
            double pgd = fmriGap(rows, "PGD", t);
            assertTrue(lpgd < pgd, "LPGD-taut below PGD at " + t + " layers: " + lpgd + " vs " + pgd);
            assertTrue(fmriGap(rows, "FISTA", t) <= pgd + 1e-12, "FISTA no worse than PGD");
            assertTrue(pgd > 0, "the reference is below the iterates");
        }
    }

    private static double fmriGap(List<List<String>> rows, String method, String layers) {
        for (List<String> r : rows) {
            if (r.get(0).equals(method) && r.get(1).equals(layers)) {
                return Double.parseDouble(r.get(2));
            }
        }
        throw new AssertionError("no row for " + method + " at " + layers + " layers: " + rows);
    }

    private static double gap(List<List<String>> rows, String lambda, String method, String layers) {
        for (List<String> r : rows) {
            if (r.get(0).equals(lambda) && r.get(1).equals(method) && r.get(2).equals(layers)) {
                return Double.parseDouble(r.get(3));
            }
        }
        throw new AssertionError("no row for " + method + " at λ " + lambda + ", " + layers + " layers: " + rows);
    }

    private String run(Backend be, Experiment e) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            e.run(new ExperimentContext(be, dir, false, ps));
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
