package dev.unroll.solvers.data;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;

/**
 * A sparse-coding data set: a dictionary D (n×m) and signals X (n×N), column convention, with the
 * reference code's split: the first {@code trainCount} columns train, the rest test.
 *
 * @param dictionary D, n×m, unit-norm atoms unless the generator says otherwise
 * @param signals    X, n×N, one signal per column
 * @param trainCount how many of the first columns are training signals
 * @param name       a short description for reports
 */
public record CodingData(HostMatrix dictionary, HostMatrix signals, int trainCount, String name) {
    /** Checks the shapes. */
    public CodingData {
        if (dictionary.rows() != signals.rows()) {
            throw new InvalidArgumentException("D has " + dictionary.rows() + " rows but the signals have "
                    + signals.rows() + "; both must have n rows");
        }
        if (trainCount < 0 || trainCount > signals.cols()) {
            throw new InvalidArgumentException("trainCount must be in 0.." + signals.cols() + ", but is " + trainCount);
        }
    }

    /** The training signals (the first {@code trainCount} columns). */
    public HostMatrix train() {
        return signals.columns(0, trainCount);
    }

    /** The test signals (the remaining columns). */
    public HostMatrix test() {
        return signals.columns(trainCount, signals.cols());
    }
}
