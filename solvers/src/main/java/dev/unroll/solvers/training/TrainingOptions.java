package dev.unroll.solvers.training;

import dev.unroll.engine.InvalidArgumentException;
import java.time.Duration;

/**
 * How to train: the mode, the optimizer (full-batch gradient descent with ADOPTY's backtracking rule by
 * default, or mini-batch Adam), the budget and how to report. Immutable; build with {@link #defaults()} and
 * the {@code with…} methods.
 *
 * @param mode          which layers are trained when
 * @param objective     unsupervised (Lasso) or supervised (needs targets)
 * @param optimizer     the update rule
 * @param maxIterations accepted iterations (optimizer steps) over all stages
 * @param learningRate  Adam's learning rate (the line search starts at 1 per stage and ignores it)
 * @param batchSize     Adam's mini-batch size (0 = the whole training set)
 * @param seed          seeds the mini-batch order: a run repeats exactly on one backend
 * @param timeBudget    wall-time limit (null = none)
 * @param listener      progress reports
 * @param stop          a stop request from another thread (null = none)
 */
public record TrainingOptions(TrainingMode mode, TrainingObjective objective, OptimizerKind optimizer,
                              int maxIterations, double learningRate, int batchSize, long seed, Duration timeBudget,
                              ProgressListener listener, StopSignal stop) {
    /** The reference's full-batch line search: the learning rate ×4 after each accepted step, ÷2 on a rejection. */
    public static final double LINE_SEARCH_GROWTH = 4;
    /** The largest learning rate the line search reaches. */
    public static final double LINE_SEARCH_MAX_RATE = 1e12;
    /** Below this learning rate a stage of the line search has converged. */
    public static final double LINE_SEARCH_MIN_RATE = 1e-20;

    /** Checks the values. */
    public TrainingOptions {
        if (mode == null || objective == null || optimizer == null || listener == null) {
            throw new InvalidArgumentException("training options need a mode, an objective, an optimizer and a listener");
        }
        if (maxIterations < 0) {
            throw new InvalidArgumentException("maxIterations must be ≥ 0, but is " + maxIterations);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidArgumentException("the learning rate must be a finite number > 0, but is " + learningRate);
        }
        if (batchSize < 0) {
            throw new InvalidArgumentException("batchSize must be ≥ 0 (0 = full batch), but is " + batchSize);
        }
        if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
            throw new InvalidArgumentException("the time budget must be positive, but is " + timeBudget);
        }
    }

    /** The reference protocol: AUTO mode, unsupervised, line search, 100 iterations, seed 0. */
    public static TrainingOptions defaults() {
        return new TrainingOptions(TrainingMode.AUTO, TrainingObjective.UNSUPERVISED, OptimizerKind.LINE_SEARCH,
                100, 1e-3, 0, 0, null, ProgressListener.NONE, null);
    }

    /** With another mode. */
    public TrainingOptions withMode(TrainingMode m) {
        return new TrainingOptions(m, objective, optimizer, maxIterations, learningRate, batchSize, seed, timeBudget,
                listener, stop);
    }

    /** With another objective. */
    public TrainingOptions withObjective(TrainingObjective o) {
        return new TrainingOptions(mode, o, optimizer, maxIterations, learningRate, batchSize, seed, timeBudget,
                listener, stop);
    }

    /** Full-batch line search. */
    public TrainingOptions withLineSearch() {
        return new TrainingOptions(mode, objective, OptimizerKind.LINE_SEARCH, maxIterations, learningRate, batchSize,
                seed, timeBudget, listener, stop);
    }

    /** Mini-batch Adam with this learning rate and batch size (0 = full batch). */
    public TrainingOptions withAdam(double rate, int batch) {
        return new TrainingOptions(mode, objective, OptimizerKind.ADAM, maxIterations, rate, batch, seed, timeBudget,
                listener, stop);
    }

    /** With another iteration budget. */
    public TrainingOptions withMaxIterations(int n) {
        return new TrainingOptions(mode, objective, optimizer, n, learningRate, batchSize, seed, timeBudget, listener,
                stop);
    }

    /** With another seed. */
    public TrainingOptions withSeed(long s) {
        return new TrainingOptions(mode, objective, optimizer, maxIterations, learningRate, batchSize, s, timeBudget,
                listener, stop);
    }

    /** With a wall-time limit. */
    public TrainingOptions withTimeBudget(Duration d) {
        return new TrainingOptions(mode, objective, optimizer, maxIterations, learningRate, batchSize, seed, d, listener,
                stop);
    }

    /** With a progress listener. */
    public TrainingOptions withListener(ProgressListener l) {
        return new TrainingOptions(mode, objective, optimizer, maxIterations, learningRate, batchSize, seed, timeBudget,
                l, stop);
    }

    /** With a stop signal. */
    public TrainingOptions withStopSignal(StopSignal s) {
        return new TrainingOptions(mode, objective, optimizer, maxIterations, learningRate, batchSize, seed, timeBudget,
                listener, s);
    }

    /** The update rule. */
    public enum OptimizerKind {
        /** Full-batch gradient descent with the backtracking learning rate of docs/science.md §4.1. */
        LINE_SEARCH,
        /** Adam on mini-batches (PyTorch's form), the best parameters by full training loss kept. */
        ADAM
    }
}
