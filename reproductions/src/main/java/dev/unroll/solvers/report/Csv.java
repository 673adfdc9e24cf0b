package dev.unroll.solvers.report;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A CSV table built row by row and written atomically, for results people open in Python (pandas, numpy)
 * or a spreadsheet. Doubles are written with {@link Double#toString(double)}, the shortest text that reads
 * back to the same double, and non-finite values as {@code nan}, {@code inf}, {@code -inf}, which Python's
 * {@code float()}, numpy and pandas all read. Text is quoted (RFC 4180) only when it holds a comma, a quote,
 * a line break or leading/trailing blanks; {@code null} is an empty field. Lines end with {@code \n}.
 *
 * <pre>{@code
 * Csv csv = new Csv("T", "ista", "lista");
 * csv.row(1, 0.31, 0.12).row(2, 0.22, 0.05);
 * csv.rowOf("paper", 0.30, null); // mixed cells
 * csv.write(Path.of("target/loss.csv"));
 * }</pre>
 */
public final class Csv {
    private final List<String> header;
    private final List<List<Object>> rows = new ArrayList<>();

    /**
     * A table with these column names.
     *
     * @throws InvalidArgumentException when there is no column or a name is null
     */
    public Csv(String... header) {
        Objects.requireNonNull(header, "header");
        if (header.length == 0) {
            throw new InvalidArgumentException("a CSV table needs at least one column name");
        }
        for (String h : header) {
            if (h == null) {
                throw new InvalidArgumentException("CSV column names must not be null: " + Arrays.toString(header));
            }
        }
        this.header = List.of(header);
    }

    /** A table with these column names (see {@link #Csv(String...)}). */
    public Csv(List<String> header) {
        this(header.toArray(String[]::new));
    }

    /**
     * Appends a row of mixed cells: numbers, strings, booleans or null, one per column. (A separate name from
     * {@link #row(double...)}: with one overloaded name, {@code row(1, 0.5)} would be ambiguous in Java.)
     *
     * @return this table, for chaining
     * @throws InvalidArgumentException when the row does not have one value per column
     */
    public Csv rowOf(Object... values) {
        Objects.requireNonNull(values, "values");
        if (values.length != header.size()) {
            throw new InvalidArgumentException("CSV row has " + values.length + " values but the table has "
                    + header.size() + " columns " + header + "; give one value per column (null for none)");
        }
        rows.add(Arrays.asList(values.clone()));
        return this;
    }

    /**
     * Appends a row of numbers, one per column ({@code csv.row(t, loss)}; ints widen exactly).
     *
     * @return this table, for chaining
     * @throws InvalidArgumentException when the row does not have one value per column
     */
    public Csv row(double... values) {
        Objects.requireNonNull(values, "values");
        return rowOf(Arrays.stream(values).boxed().toArray());
    }

    /** The column names. */
    public List<String> header() {
        return header;
    }

    /** Number of data rows (the header not counted). */
    public int rowCount() {
        return rows.size();
    }

    /** The whole table as CSV text, header first. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        appendLine(sb, new ArrayList<>(header));
        for (List<Object> r : rows) {
            appendLine(sb, r);
        }
        return sb.toString();
    }

    /**
     * Writes the table to {@code file} (UTF-8) atomically: readers never see a half-written file.
     *
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public void write(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, render().getBytes(StandardCharsets.UTF_8));
    }

    /** The text of one value as this class writes it. */
    public static String format(Object value) {
        return switch (value) {
            case null -> "";
            case Double d -> formatDouble(d);
            case Float f -> Float.isFinite(f) ? Float.toString(f) : formatDouble(f);
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> quote(value.toString());
        };
    }

    private static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    private static String quote(String s) {
        boolean needs = s.isEmpty() ? false : s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
                || s.indexOf('\r') >= 0 || Character.isWhitespace(s.charAt(0))
                || Character.isWhitespace(s.charAt(s.length() - 1));
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void appendLine(StringBuilder sb, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(format(values.get(i)));
        }
        sb.append('\n');
    }

    /**
     * Reads a CSV file (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks) into its
     * rows of fields, the header row first.
     *
     * @throws InvalidArgumentException when a quoted field is not closed
     * @throws IOException when the file cannot be read
     */
    public static List<List<String>> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Splits CSV text into rows of fields (see {@link #read(Path)}); a trailing line break ends the last row.
     *
     * @throws InvalidArgumentException when a quoted field is not closed
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        boolean rowOpen = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.isEmpty()) {
                int start = i;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new InvalidArgumentException("CSV quoted field opened at character " + start
                                + " is never closed; close it with '\"' (a quote inside is written '\"\"')");
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(q);
                    }
                }
                rowOpen = true;
                continue;
            }
            if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                rowOpen = true;
            } else if (c == '\n' || c == '\r') {
                row.add(field.toString());
                field.setLength(0);
                out.add(row);
                row = new ArrayList<>();
                rowOpen = false;
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                field.append(c);
                rowOpen = true;
            }
            i++;
        }
        if (rowOpen) {
            row.add(field.toString());
            out.add(row);
        }
        return out;
    }
}
