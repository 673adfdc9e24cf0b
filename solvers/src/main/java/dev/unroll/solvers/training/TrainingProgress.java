package dev.unroll.solvers.training;

import java.time.Duration;

/**
 * One progress report of a training run.
 *
 * @param stage          the stage (1-based; recursive and greedy training have one per layer)
 * @param stages         number of stages
 * @param iteration      accepted iterations (optimizer steps) so far, over all stages
 * @param iterations     the iteration budget over all stages
 * @param loss           the training loss at the current parameters
 * @param learningRate   the learning rate in use
 * @param elapsed        time since training started
 */
public record TrainingProgress(int stage, int stages, int iteration, int iterations, double loss, double learningRate,
                               Duration elapsed) {
    /** Fraction of the iteration budget done, in [0, 1]. */
    public double fraction() {
        return iterations == 0 ? 1 : Math.min(1, (double) iteration / iterations);
    }
}
