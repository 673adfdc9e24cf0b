package dev.unroll.solvers.training;

import java.time.Duration;

/**
 * The outcome of a training run; the network holds the best parameters it reached.
 *
 * @param lossHistory the training loss at every accepted iteration (and its starting value first)
 * @param iterations  accepted iterations (optimizer steps)
 * @param finalLoss   the training loss at the parameters the network holds now
 * @param reason      why it stopped
 * @param elapsed     wall time
 */
public record TrainingResult(double[] lossHistory, int iterations, double finalLoss, StopReason reason,
                             Duration elapsed) {
}
