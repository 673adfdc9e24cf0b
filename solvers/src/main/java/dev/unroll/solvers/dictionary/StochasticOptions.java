package dev.unroll.solvers.dictionary;

import dev.unroll.engine.InvalidArgumentException;

/**
 * The mini-batch schedule of stochastic DDL (PLIPY {@code StoDeepDictionaryLearning.fit}).
 *
 * @param miniBatch          samples per mini-batch
 * @param epochs             epochs on D
 * @param iterationsPerEpoch mini-batches per epoch, or 0 for a full pass over the data
 * @param stepEpochs         epochs on D and the steps afterwards (DDL+step only)
 * @param etaMax             the first step of every epoch-0 search (PLIPY: 1)
 * @param beta               backtracking factor (0.5)
 * @param gamma              decay: after epoch 0 each search starts at η·γ^(miniBatch/batchSize) (0.5)
 * @param armijo             c of the test F_new &lt; F − c·η·‖∇‖², or NaN for PLIPY's 10/miniBatch
 * @param seed               the shuffling seed
 */
public record StochasticOptions(int miniBatch, int epochs, int iterationsPerEpoch, int stepEpochs, double etaMax,
                                double beta, double gamma, double armijo, long seed) {
    /** Checks the values. */
    public StochasticOptions {
        if (miniBatch < 1 || epochs < 0 || iterationsPerEpoch < 0 || stepEpochs < 0 || !(etaMax > 0)
                || !(beta > 0 && beta < 1) || !(gamma > 0 && gamma <= 1) || armijo < 0) {
            throw new InvalidArgumentException("stochastic options need miniBatch ≥ 1, epochs ≥ 0, iterations ≥ 0, "
                    + "η_max > 0, β and γ in (0, 1) and c ≥ 0, but got " + this);
        }
    }

    /** PLIPY's defaults: mini-batches of {@code miniBatch}, 10 + 10 epochs, η_max 1, β = γ = 0.5, c = 10/mbs. */
    public static StochasticOptions plipy(int miniBatch, int iterationsPerEpoch, long seed) {
        return new StochasticOptions(miniBatch, 10, iterationsPerEpoch, 10, 1, 0.5, 0.5, Double.NaN, seed);
    }
}
