package dev.unroll.solvers.report;

import dev.unroll.engine.InvalidArgumentException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A fixed-width table for the console, e.g. our results next to a paper's:
 *
 * <pre>
 *   T | ISTA ours | ISTA paper | LISTA ours
 * ----+-----------+------------+-----------
 *   1 |     0.153 |      0.150 |   0.0812
 *  16 |  3.21e-04 |   3.00e-04 |  1.05e-05
 * </pre>
 *
 * Numbers are right-aligned and written compactly by {@link #formatNumber(double)}; other cells are
 * left-aligned text; {@code null} prints as "–" (no value, e.g. a layer count the paper did not report).
 */
public final class TextTable {
    private static final String MISSING = "–";

    private final List<String> header;
    private final List<Object[]> rows = new ArrayList<>();

    /**
     * A table with these column headers.
     *
     * @throws InvalidArgumentException when there is no column or a header is null
     */
    public TextTable(String... header) {
        Objects.requireNonNull(header, "header");
        if (header.length == 0 || Arrays.stream(header).anyMatch(Objects::isNull)) {
            throw new InvalidArgumentException("a table needs at least one column and no null header, got "
                    + Arrays.toString(header));
        }
        this.header = List.of(header);
    }

    /**
     * Appends a row, one cell per column: numbers (right-aligned, compact), text, or null for "no value".
     *
     * @return this table, for chaining
     * @throws InvalidArgumentException when the row does not have one cell per column
     */
    public TextTable row(Object... cells) {
        Objects.requireNonNull(cells, "cells");
        if (cells.length != header.size()) {
            throw new InvalidArgumentException("table row has " + cells.length + " cells but the table has "
                    + header.size() + " columns " + header + "; give one cell per column (null for none)");
        }
        rows.add(cells.clone());
        return this;
    }

    /** Number of data rows. */
    public int rowCount() {
        return rows.size();
    }

    /** The table as text: header, a rule, then one line per row, each line ended by {@code \n}. */
    public String render() {
        int cols = header.size();
        String[][] text = new String[rows.size()][cols];
        boolean[] numeric = new boolean[cols];
        Arrays.fill(numeric, true);
        int[] width = new int[cols];
        for (int j = 0; j < cols; j++) {
            width[j] = header.get(j).length();
        }
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols; j++) {
                Object cell = rows.get(i)[j];
                text[i][j] = cell(cell);
                if (cell != null && !(cell instanceof Number)) {
                    numeric[j] = false; // a text column aligns left, header included
                }
                width[j] = Math.max(width[j], text[i][j].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header.toArray(String[]::new), width, numeric);
        for (int j = 0; j < cols; j++) {
            // a cell is " text " between bars, without the blank before the first or after the last bar
            int blanks = (j == 0 ? 0 : 1) + (j == cols - 1 ? 0 : 1);
            sb.append(j == 0 ? "" : "+").append("-".repeat(width[j] + blanks));
        }
        sb.append('\n');
        for (String[] r : text) {
            line(sb, r, width, numeric);
        }
        return sb.toString();
    }

    /** Prints {@link #render()} to {@code out}. */
    public void print(PrintStream out) {
        out.print(render());
    }

    @Override
    public String toString() {
        return render();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] rightAlign) {
        for (int j = 0; j < cells.length; j++) {
            sb.append(j == 0 ? "" : " | ");
            String pad = " ".repeat(width[j] - cells[j].length());
            sb.append(rightAlign[j] ? pad + cells[j] : cells[j] + pad);
        }
        // No trailing blanks: they show up in diffs and terminals that mark them.
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }

    private static String cell(Object value) {
        return switch (value) {
            case null -> MISSING;
            case Double d -> formatNumber(d);
            case Float f -> formatNumber(f);
            case BigDecimal b -> formatNumber(b.doubleValue());
            case Number n -> n.toString(); // integers print whole: layer counts, sizes, seeds
            default -> value.toString();
        };
    }

    /**
     * A number in at most about 8 characters: 3 significant digits in plain notation for
     * 1e-3 ≤ |x| &lt; 100 (trailing zeros kept: they state the precision), a whole number for
     * 100 ≤ |x| &lt; 1e5, and scientific ({@code 1.23e-04}) beyond; {@code 0}, {@code nan}, {@code inf}.
     */
    public static String formatNumber(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return "0";
        }
        double a = Math.abs(x);
        if (a < 1e-3 || a >= 1e5) {
            return String.format(Locale.ROOT, "%.2e", x);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(3, RoundingMode.HALF_EVEN));
        if (rounded.abs().compareTo(BigDecimal.valueOf(100)) >= 0) {
            return rounded.setScale(0, RoundingMode.HALF_EVEN).toPlainString(); // 99.96 rounds up to 100
        }
        // Pad to 3 significant digits (1.5 → 1.50): precision − scale is the number of integer digits.
        int scale = Math.max(0, 3 - (rounded.precision() - rounded.scale()));
        return rounded.setScale(Math.max(scale, rounded.scale()), RoundingMode.HALF_EVEN).toPlainString();
    }
}
