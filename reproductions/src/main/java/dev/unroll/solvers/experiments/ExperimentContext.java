package dev.unroll.solvers.experiments;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an experiment runs and writes: the backend, the output folder, the size (the paper's with
 * {@code full}, otherwise a default that finishes on a 2-core machine) and the console.
 *
 * @param backend the backend every computation goes through (the caller's; not closed here)
 * @param output  the folder the CSV and PNG files go to (created when missing)
 * @param full    the paper's sizes instead of the default ones
 * @param out     where tables and progress lines are printed
 */
public record ExperimentContext(Backend backend, Path output, boolean full, PrintStream out) {

    /** Writes {@code csv} as {@code output/name} and says so. */
    public Path write(String name, Csv csv) throws IOException {
        Files.createDirectories(output);
        Path file = output.resolve(name);
        csv.write(file);
        out.println("wrote " + file);
        return file;
    }

    /** Writes {@code plot} as {@code output/name} and says so. */
    public Path write(String name, LinePlot plot) throws IOException {
        Files.createDirectories(output);
        Path file = output.resolve(name);
        plot.write(file);
        out.println("wrote " + file);
        return file;
    }

    /** Prints a table with a heading line. */
    public void print(String heading, TextTable table) {
        out.println();
        out.println(heading);
        table.print(out);
    }

    /** Prints one progress line, flushed, so long runs show they are alive. */
    public void log(String line) {
        out.println(line);
        out.flush();
    }
}
