package dev.unroll.solvers.dictionary;

import dev.unroll.solvers.HostMatrix;

/**
 * The loss h(D, s) that full-batch dictionary learning steps on, and its gradient, wherever the training
 * signals are: on one backend ({@link DictionaryLearning#fit(dev.unroll.engine.Backend, HostMatrix, HostMatrix,
 * DlOptions)}) or spread over a cluster, where each value is a sum of partial sums ({@link DlChunkLoss} computes
 * one). Values and gradients are sums over the signals, PLIPY's scale, so the line search's step t means what it
 * means there. Not thread-safe: one run calls it.
 */
public interface DlLoss extends AutoCloseable {
    /** h(D, s) over every training signal. */
    double value(HostMatrix d, double[] s);

    /**
     * h(D, s) and its gradient estimate at back-propagation depth {@code depth} (0 = g¹): ∂/∂D into {@code gD}
     * (n·m, column-major), ∂/∂s into {@code gS} (null: not wanted).
     */
    double gradient(HostMatrix d, double[] s, int depth, double[] gD, double[] gS);

    /** Frees what the loss holds. */
    @Override
    void close();
}
