package dev.unroll.solvers.experiments;

import dev.unroll.engine.InvalidArgumentException;
import java.util.List;

/** Every reproduction experiment, by name. */
public final class Experiments {
    private static final List<Experiment> ALL = List.of(new OracleIstaFigure(), new LearnedStepsFigure(),
            new WeightCouplingFigure(), NetworkComparisonFigure.simulated(0.1), NetworkComparisonFigure.simulated(0.8),
            NetworkComparisonFigure.digits(0.1), NetworkComparisonFigure.digits(0.8), new SupportLipschitzFigure(),
            new SuperEfficiencyFigure(), new JacobianFigure(), new GradientEstimationFigure(), new OptimPathFigure(),
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
}
