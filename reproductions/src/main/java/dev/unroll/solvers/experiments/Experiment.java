package dev.unroll.solvers.experiments;

import java.io.IOException;

/**
 * A reproduction of one figure of the reference papers: it computes the figure's numbers on the context's
 * backend, prints its table beside the paper's numbers, and writes a CSV and a PNG into the context's
 * output folder.
 */
public interface Experiment {
    /** The name {@code reproduce NAME} takes, e.g. {@code fig2-oista}. */
    String name();

    /** One line: which figure, which paper, what it shows. */
    String description();

    /** Runs it. */
    void run(ExperimentContext context) throws IOException;
}
