package dev.unroll.cli;

import dev.unroll.solvers.training.ProgressListener;
import dev.unroll.solvers.training.TrainingProgress;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Shows a training run's progress: on a terminal, one bar redrawn in place (iterations, loss, learning
 * rate, iterations per second, ETA); otherwise — a log file, CI — a plain line every 10 % or 10 seconds.
 */
final class ProgressPrinter implements ProgressListener {
    private static final int WIDTH = 28;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private long lastLine;
    private int lastTenth = -1;
    private boolean drawn;

    ProgressPrinter(PrintStream out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** Whether standard output is an interactive terminal (JDK 22+: {@code Console.isTerminal}). */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onProgress(TrainingProgress p) {
        double seconds = p.elapsed().toNanos() / 1e9;
        double rate = seconds > 0 ? p.iteration() / seconds : 0;
        String eta = rate > 0 && p.iterations() > p.iteration()
                ? format(Duration.ofSeconds((long) ((p.iterations() - p.iteration()) / rate))) : "0:00";
        String stage = p.stages() > 1 ? String.format(" stage %d/%d", p.stage(), p.stages()) : "";
        if (terminal) {
            int filled = (int) Math.round(p.fraction() * WIDTH);
            out.printf("\r%s [%s%s] %3.0f%% %d/%d%s loss %.6g lr %.2g %.1f it/s ETA %s  ", label,
                    "#".repeat(filled), " ".repeat(WIDTH - filled), 100 * p.fraction(), p.iteration(), p.iterations(),
                    stage, p.loss(), p.learningRate(), rate, eta);
            out.flush();
            drawn = true;
            return;
        }
        int tenth = (int) Math.floor(p.fraction() * 10);
        long now = System.nanoTime();
        if (tenth != lastTenth || now - lastLine > 10_000_000_000L) {
            lastTenth = tenth;
            lastLine = now;
            out.printf("%s %3.0f%% iteration %d/%d%s loss %.6g lr %.2g %.1f it/s ETA %s%n", label, 100 * p.fraction(),
                    p.iteration(), p.iterations(), stage, p.loss(), p.learningRate(), rate, eta);
        }
    }

    /** Ends the bar's line (on a terminal). */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
