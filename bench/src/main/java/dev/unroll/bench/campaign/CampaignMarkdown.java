package dev.unroll.bench.campaign;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The campaign's Markdown report: what ran where, one table per operation with every backend's and peer's
 * figure side by side and the speed-ups of each Unroll backend over every other column (ratios of medians
 * measured in this run), a summary of how far each backend is from the peers, the plots, and every
 * configuration that was not measured with the reason.
 */
public final class CampaignMarkdown {
    private static final String DASH = "—";

    private CampaignMarkdown() {
    }

    /**
     * The report's text.
     *
     * @param plots  the plots written, linked from their operation's section
     * @param outDir the folder the report is written to (plot links are relative to it)
     */
    public static String render(CampaignResult r, List<Measurement> rows, List<CampaignPlots.Plot> plots, Path outDir) {
        StringBuilder md = new StringBuilder();
        Campaign c = r.campaign();
        md.append("# Benchmark campaign `").append(c.name()).append("`\n\n");
        if (!c.description().isEmpty()) {
            md.append(c.description()).append("\n\n");
        }
        md.append("Run ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                        .format(r.started())).append(" on ").append(machine()).append("; took ")
                .append(r.took().toSeconds()).append(" s. JMH: ").append(c.settings().describe()).append(".\n\n")
                .append("Figures are medians over the measured iterations: GFLOP/s (matrix-product FLOPs as PyTorch "
                        + "counts them; `FlopModel` documents every count) or, for the unrolled networks, samples/s. "
                        + "`A ÷ B` is B's median time over A's, both measured in this run: above 1, A is faster.\n\n");

        md.append("## Backends and peers\n\n| name | kind | here | what it is, or why it was skipped |\n|---|---|---|---|\n");
        for (Target t : r.targets().values()) {
            md.append("| ").append(t.name()).append(" | ").append(t.peer() ? "peer" : "backend").append(" | ")
                    .append(t.available() ? "available" : "**skipped**").append(" | ").append(cell(t.detail()))
                    .append(" |\n");
        }
        if (r.torch() != null) {
            md.append("| ").append(Measurement.PYTORCH).append(" | peer | ")
                    .append(r.torch().skipped() == null ? "available" : "**skipped**").append(" | ")
                    .append(r.torch().skipped() == null ? cell(r.torch().describe()) + ", `bench/peers/torch_unrolled.py` "
                            + "(n = 64, m = 256), tuned environment" : cell(r.torch().skipped())).append(" |\n");
        }
        md.append('\n');

        List<String> order = targetOrder(r, rows);
        summary(md, rows, order, r);

        Map<String, List<Measurement>> byOp = new LinkedHashMap<>();
        rows.stream().filter(Measurement::measured).forEach(m -> byOp.computeIfAbsent(m.op(), k -> new ArrayList<>())
                .add(m));
        for (Map.Entry<String, List<Measurement>> e : byOp.entrySet()) {
            opTable(md, e.getKey(), e.getValue(), order, r);
            for (CampaignPlots.Plot p : plots) {
                if (p.title().startsWith(e.getKey() + " ")) {
                    md.append("![").append(p.title()).append("](")
                            .append(outDir.relativize(p.file()).toString().replace('\\', '/')).append(")\n\n");
                }
            }
        }

        List<Measurement> missing = rows.stream().filter(m -> !m.measured()).toList();
        if (!missing.isEmpty()) {
            md.append("## Not measured\n\n| op | backend | dtype | shape | batch | status | reason |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (Measurement m : missing) {
                md.append("| ").append(m.op()).append(" | ").append(m.backend()).append(" | ").append(m.dtype())
                        .append(" | ").append(m.shape()).append(" | ").append(m.batch() < 0 ? "" : m.batch())
                        .append(" | ").append(m.status().name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(m.detail())).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** One table per operation: a row per (precision, shape, batch), a column per target, then the ratios. */
    private static void opTable(StringBuilder md, String op, List<Measurement> ms, List<String> order, CampaignResult r) {
        Set<String> present = new LinkedHashSet<>();
        order.stream().filter(t -> ms.stream().anyMatch(m -> m.backend().equals(t))).forEach(present::add);
        List<String> subjects = present.stream().filter(t -> isUnrollBackend(t, r) && !t.equals("reference")).toList();
        List<String[]> ratios = new ArrayList<>();
        for (String s : subjects) {
            for (String o : present) {
                if (!o.equals(s) && !(subjects.contains(o) && subjects.indexOf(o) < subjects.indexOf(s))) {
                    ratios.add(new String[]{s, o});     // not both A ÷ B and B ÷ A
                }
            }
        }
        String unit = ms.getFirst().perSample() ? "samples/s" : "GFLOP/s";
        md.append("## ").append(op).append(" (").append(unit).append(")\n\n| dtype | shape | batch |");
        present.forEach(t -> md.append(' ').append(t).append(" |"));
        ratios.forEach(p -> md.append(' ').append(p[0]).append(" ÷ ").append(p[1]).append(" |"));
        md.append("\n|---|---|---:|").append("---:|".repeat(present.size() + ratios.size())).append('\n');
        Map<String, Map<String, Measurement>> cases = new LinkedHashMap<>();
        ms.forEach(m -> cases.computeIfAbsent(m.caseKey(), k -> new LinkedHashMap<>()).put(m.backend(), m));
        for (Map<String, Measurement> row : cases.values()) {
            Measurement any = row.values().iterator().next();
            md.append("| ").append(any.dtype()).append(" | ").append(any.shape()).append(" | ")
                    .append(any.batch() < 0 ? "" : Long.toString(any.batch())).append(" |");
            for (String t : present) {
                Measurement m = row.get(t);
                md.append(' ').append(m == null ? DASH : num(m.figure())).append(" |");
            }
            for (String[] p : ratios) {
                Measurement a = row.get(p[0]);
                Measurement b = row.get(p[1]);
                md.append(' ').append(a == null || b == null ? DASH : num(b.medianSeconds() / a.medianSeconds()) + "×")
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** For each Unroll backend and each other target: how many cases compare, and the geometric mean speed-up. */
    private static void summary(StringBuilder md, List<Measurement> rows, List<String> order, CampaignResult r) {
        Map<String, Map<String, Measurement>> cases = new LinkedHashMap<>();
        rows.stream().filter(Measurement::measured)
                .forEach(m -> cases.computeIfAbsent(m.caseKey(), k -> new LinkedHashMap<>()).put(m.backend(), m));
        StringBuilder t = new StringBuilder();
        List<String> subjects = order.stream().filter(x -> isUnrollBackend(x, r) && !x.equals("reference")).toList();
        for (String s : subjects) {
            for (String o : order) {
                if (o.equals(s) || subjects.contains(o) && subjects.indexOf(o) < subjects.indexOf(s)) {
                    continue;
                }
                List<Double> ratios = new ArrayList<>();
                Set<String> ops = new LinkedHashSet<>();
                for (Map<String, Measurement> row : cases.values()) {
                    if (row.containsKey(s) && row.containsKey(o)) {
                        ratios.add(row.get(o).medianSeconds() / row.get(s).medianSeconds());
                        ops.add(row.get(s).op());
                    }
                }
                if (ratios.isEmpty()) {
                    continue;
                }
                double logSum = ratios.stream().mapToDouble(Math::log).sum();
                t.append("| ").append(s).append(" | ").append(o).append(" | ").append(ratios.size()).append(" | ")
                        .append(num(Math.exp(logSum / ratios.size()))).append("× | ")
                        .append(num(ratios.stream().mapToDouble(x -> x).min().orElseThrow())).append("× | ")
                        .append(num(ratios.stream().mapToDouble(x -> x).max().orElseThrow())).append("× | ")
                        .append(String.join(", ", ops)).append(" |\n");
            }
        }
        if (!t.isEmpty()) {
            md.append("## How far each backend is from the alternatives\n\n"
                            + "Speed-up of the backend over each alternative on the cases both ran (above 1: the "
                            + "backend is faster).\n\n"
                            + "| backend | against | cases | geometric mean | min | max | ops |\n"
                            + "|---|---|---:|---:|---:|---:|---|\n").append(t).append('\n');
        }
    }

    /** Backends (by priority), then peers, then PyTorch: the column order of every table. */
    private static List<String> targetOrder(CampaignResult r, List<Measurement> rows) {
        Set<String> order = new LinkedHashSet<>(r.targets().keySet());
        order.add(Measurement.PYTORCH);
        rows.forEach(m -> order.add(m.backend()));
        return List.copyOf(order);
    }

    private static boolean isUnrollBackend(String name, CampaignResult r) {
        Target t = r.targets().get(name);
        return t != null && !t.peer();
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.name") + ")";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** About three significant digits. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return DASH;
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
        return String.format(Locale.ROOT, f, v);
    }
}
