package dev.unroll.solvers.experiments;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every reproduction experiment, by name. */
public final class Experiments {
    private static final List<Experiment> ALL = List.of(new OracleIstaFigure(), new LearnedStepsFigure(),
            new WeightCouplingFigure(), NetworkComparisonFigure.simulated(0.1), NetworkComparisonFigure.simulated(0.8),
            NetworkComparisonFigure.digits(0.1), NetworkComparisonFigure.digits(0.8), new SupportLipschitzFigure(),
            new SuperEfficiencyFigure(), new JacobianFigure(), new GradientEstimationFigure(), new OptimPathFigure(),
            new Neurips2020TvFigure(), new Neurips2020RatesFigure(), new Neurips2020FmriFigure(),
            new DenoisingFigure());

    private Experiments() {
    }

    /** All of them, in the paper's order. */
    public static List<Experiment> all() {
        return ALL;
    }

    /** The experiment called {@code name}. */
    public static Experiment byName(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new InvalidArgumentException("no experiment is called '" + name + "'; the known ones are "
                        + ALL.stream().map(Experiment::name).toList() + " (reproduce --list describes them)"));
    }

    /** The experiments {@code names} name ({@code all} for every one), in order. */
    public static List<Experiment> resolve(List<String> names) {
        List<Experiment> chosen = new ArrayList<>();
        for (String n : names) {
            if (n.equals("all")) {
                chosen.addAll(ALL);
            } else {
                chosen.add(byName(n));
            }
        }
        if (chosen.isEmpty()) {
            throw new InvalidArgumentException("name an experiment or 'all'; reproduce --list shows them");
        }
        return chosen;
    }

    /** Prints one line per experiment: its name and what it reproduces. */
    public static void list(PrintStream out) {
        for (Experiment e : ALL) {
            out.printf("%-22s %s%n", e.name(), e.description());
        }
    }

    /** Runs {@code chosen} one after the other on {@code backend}, each writing into {@code root/NAME}. */
    public static void run(List<Experiment> chosen, Backend backend, Path root, boolean full, PrintStream out)
            throws IOException {
        out.println("backend: " + backend.name() + (full ? ", the papers' sizes (--full)" : ", default sizes"));
        for (Experiment e : chosen) {
            long start = System.nanoTime();
            out.println();
            out.println("== " + e.name() + ": " + e.description());
            e.run(new ExperimentContext(backend, root.resolve(e.name()), full, out));
            out.printf("== %s done in %.1f s%n", e.name(), (System.nanoTime() - start) / 1e9);
        }
    }
}
