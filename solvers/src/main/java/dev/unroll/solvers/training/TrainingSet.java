package dev.unroll.solvers.training;

import dev.unroll.engine.ParameterSet;
import dev.unroll.solvers.data.NumpyRandom;

/**
 * The training signals as {@link Trainer} sees them: losses and gradients at the network's current
 * parameters, whole-set or by mini-batch. The trainer owns the update rules (the line search, Adam, the
 * stages); a training set only evaluates, so the same rules run on signals held on one backend
 * ({@link Trainer#train(dev.unroll.solvers.network.UnrolledNetwork, dev.unroll.solvers.HostMatrix,
 * TrainingOptions)}) or spread over the partitions of a cluster, where an evaluation is one aggregation.
 * Every loss is the mean over the signals it covers. Not thread-safe: one trainer calls it.
 */
public interface TrainingSet extends AutoCloseable {
    /** The number of training signals N (a long: a set spread over a cluster may hold more than 2³¹). */
    long signals();

    /** The largest |x| of the training signals: the scale the message about a non-finite start names. */
    double largestAbs();

    /**
     * The mean loss over every training signal at the output of layer {@code outputLayers}, recording what
     * {@link #gradient} needs.
     */
    double evaluate(int outputLayers);

    /**
     * ∂loss/∂p of the last {@link #evaluate} or {@link #evaluateBatch} into {@code grads}; layers from
     * {@code trainableLayers} on get 0.
     */
    void gradient(ParameterSet grads, int trainableLayers);

    /** The mean loss over every training signal at layer {@code outputLayers}, recording nothing. */
    double loss(int outputLayers);

    /** How many mini-batches one epoch has (at least 1). */
    int batchesPerEpoch();

    /** Starts an epoch: a new order of the mini-batches drawn from {@code rng}. */
    void shuffle(NumpyRandom rng);

    /**
     * The mean loss over mini-batch {@code batch} (0 ≤ batch &lt; {@link #batchesPerEpoch()}) of the current
     * epoch at layer {@code outputLayers}, recording what {@link #gradient} needs.
     */
    double evaluateBatch(int batch, int outputLayers);

    /** Frees what the set holds; the network stays the caller's. */
    @Override
    void close();
}
