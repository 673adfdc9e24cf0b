package dev.unroll.solvers.experiments;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.InvalidArgumentException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs reproduction experiments by name: {@code reproduce [--full] [--out DIR] NAME... | all | --list}.
 * Each writes its CSV and PNG into {@code DIR/NAME} (default {@code results/NAME}) on the backend
 * {@link Backends#open()} selects (system property {@code unroll.backend}, {@code UNROLL_BACKEND}, else
 * the best available).
 */
public final class Reproduce {
    private Reproduce() {
    }

    /** Runs from the command line; exits 0, 1 (an experiment failed) or 2 (bad arguments). */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the experiments {@code args} names and returns the exit status.
     *
     * @throws InvalidArgumentException for a bad command line (unknown name or option)
     */
    public static int run(String[] args, PrintStream out) {
        boolean full = false;
        Path root = Path.of("results");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--list" -> {
                    Experiments.list(out);
                    return 0;
                }
                case "--full" -> full = true;
                case "--out" -> {
                    if (i + 1 == args.length) {
                        throw new InvalidArgumentException("--out needs a folder, e.g. --out results");
                    }
                    root = Path.of(args[++i]);
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new InvalidArgumentException("unknown option '" + a + "'; reproduce takes --list, "
                                + "--full and --out DIR before the experiment names");
                    }
                    names.add(a);
                }
            }
        }
        List<Experiment> chosen = Experiments.resolve(names);
        try (Backend backend = Backends.open()) {
            Experiments.run(chosen, backend, root, full, out);
        } catch (IOException e) {
            out.println("reproduce: could not write the results: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
