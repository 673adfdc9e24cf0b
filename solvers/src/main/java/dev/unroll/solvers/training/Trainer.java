package dev.unroll.solvers.training;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OptimizerState;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains an unrolled network on the SPI alone, so it trains the same way on every backend: forward with a
 * tape, the loss and its gradient, reverse mode, then either ADOPTY's full-batch line search (docs/science.md
 * §4.1) or mini-batch Adam, stage by stage as the mode says. It always leaves the network at the best
 * parameters it accepted, and those always give a finite loss: a step to a non-finite loss is rejected (the
 * line search backs off from the accepted point; Adam stops with {@link StopReason#DIVERGED} and keeps its
 * best), and a loss that is not finite at the start fails with {@link NonFiniteInputException} naming the
 * data's scale, the likely cause.
 */
public final class Trainer {
    private Trainer() {
    }

    /** Unsupervised training on the signals {@code x} (n×N). */
    public static TrainingResult train(UnrolledNetwork net, HostMatrix x, TrainingOptions options) {
        return train(net, x, null, options);
    }

    /**
     * Training on the signals {@code x} (n×N); {@code targets} (m×N, the codes z*) are required for the
     * supervised objective and must be null otherwise.
     */
    public static TrainingResult train(UnrolledNetwork net, HostMatrix x, HostMatrix targets, TrainingOptions options) {
        if (net == null || x == null || options == null) {
            throw new InvalidArgumentException("train needs a network, training signals and options");
        }
        LassoProblem problem = net.problem();
        if (x.cols() == 0) {
            throw new ShapeMismatchException("the training set is empty: give at least one signal (one per column)");
        }
        boolean supervised = options.objective() == TrainingObjective.SUPERVISED;
        if (supervised != (targets != null)) {
            throw new InvalidArgumentException(supervised
                    ? "supervised training needs target codes z* (m×N, one column per training signal)"
                    : "target codes were given but the objective is unsupervised; use withObjective(SUPERVISED) or pass null");
        }
        if (targets != null && (targets.rows() != problem.atoms() || targets.cols() != x.cols())) {
            throw new ShapeMismatchException("target codes must be " + problem.atoms() + "×" + x.cols()
                    + " (m atoms × the training signals), but are " + targets.rows() + "×" + targets.cols());
        }
        if (targets != null) {
            targets.requireFinite("the target codes z*");
        }
        int batch = options.optimizer() == TrainingOptions.OptimizerKind.ADAM && options.batchSize() > 0
                ? Math.min(options.batchSize(), x.cols()) : x.cols();
        try (HostTrainingSet set = new HostTrainingSet(net, x, targets, batch)) {
            return train(net, set, options);
        }
    }

    /**
     * Training on the signals of {@code set}, which defines the loss (its objective and targets) and the
     * mini-batches; {@code options} give the mode, the optimizer, the budget and the reports (their objective
     * and batch size are the set's business). The update rules are the same as for signals on one backend, so
     * a set whose evaluations are sums over a cluster trains the same network to rounding.
     */
    public static TrainingResult train(UnrolledNetwork net, TrainingSet set, TrainingOptions options) {
        if (net == null || set == null || options == null) {
            throw new InvalidArgumentException("train needs a network, a training set and options");
        }
        if (set.signals() == 0) {
            throw new ShapeMismatchException("the training set is empty: give at least one signal (one per column)");
        }
        TrainingMode mode = options.mode().resolve(net.parametrization());
        List<Stage> stages = Stage.plan(mode, net.layers(), options.maxIterations());
        try (Session s = new Session(net, set, options)) {
            return options.optimizer() == TrainingOptions.OptimizerKind.LINE_SEARCH
                    ? s.lineSearch(stages) : s.adam(stages);
        }
    }

    /** One run: the update rules over a training set, and the gradient they step along. */
    private static final class Session implements AutoCloseable {
        private final UnrolledNetwork net;
        private final LassoProblem problem;
        private final Backend be;
        private final TrainingSet set;
        private final TrainingOptions options;
        private final ParameterSet grads;
        private final long started = System.nanoTime();
        private final List<Double> history = new ArrayList<>();
        private int accepted;
        private int budget;

        Session(UnrolledNetwork net, TrainingSet set, TrainingOptions options) {
            this.net = net;
            this.problem = net.problem();
            this.be = problem.backend();
            this.set = set;
            this.options = options;
            this.grads = be.newParameters(net.spec());
        }

        // ------------------------------------------------------------ full-batch line search

        TrainingResult lineSearch(List<Stage> stages) {
            try (ParameterSet acceptedPoint = be.newParameters(net.spec())) {
                return lineSearch(stages, acceptedPoint);
            }
        }

        /** The line search; {@code acceptedPoint} holds a copy of the last accepted parameters. */
        private TrainingResult lineSearch(List<Stage> stages, ParameterSet acceptedPoint) {
            budget = stages.stream().mapToInt(Stage::iterations).sum();
            StopReason reason = StopReason.BUDGET;
            double last = Double.NaN;
            for (int si = 0; si < stages.size() && reason == StopReason.BUDGET; si++) {
                Stage stage = stages.get(si);
                double lr = 1;
                int steps = 0;
                // Each stage starts from the last accepted point, which it accepts as is.
                double loss = requireFiniteStart(set.evaluate(stage.outputLayers()), si);
                boolean fresh = true;
                while (true) {
                    if (!fresh && !(loss <= last)) {
                        // Rejected (a NaN loss too): halve the rate and move back.
                        lr /= 2;
                        if (Double.isFinite(loss)) {
                            // p_acc − lr·g + (lr/2)·g = p_acc − (lr/2)·g.
                            be.axpy(lr, grads, net.parameters());
                        } else {
                            // The step may have made parameters non-finite, which no step back repairs: start
                            // again from the accepted point's copy. A non-finite gradient gives no step at all.
                            be.copy(acceptedPoint, net.parameters());
                            if (!isFinite(grads)) {
                                reason = StopReason.DIVERGED;
                                break;
                            }
                            be.axpy(-lr, grads, net.parameters());
                        }
                        if (lr < TrainingOptions.LINE_SEARCH_MIN_RATE) {
                            // Back to the accepted point exactly: the steps back by ±lr·g lose it to rounding
                            // wherever lr·g dwarfs the parameters (a gradient of 1e298 from badly scaled data).
                            be.copy(acceptedPoint, net.parameters());
                            if (si == stages.size() - 1) {
                                reason = StopReason.CONVERGED;
                            }
                            break;
                        }
                        loss = set.evaluate(stage.outputLayers());
                        continue;
                    }
                    fresh = false;
                    last = loss;
                    be.copy(net.parameters(), acceptedPoint);
                    history.add(loss);
                    report(si, stages.size(), loss, lr);
                    StopReason stop = stopRequested();
                    if (stop != null) {
                        reason = stop;
                        break;
                    }
                    if (steps >= stage.iterations()) {
                        break;
                    }
                    backward(stage);
                    lr = Math.min(TrainingOptions.LINE_SEARCH_GROWTH * lr, TrainingOptions.LINE_SEARCH_MAX_RATE);
                    be.axpy(-lr, grads, net.parameters());
                    steps++;
                    accepted++;
                    loss = set.evaluate(stage.outputLayers());
                }
            }
            return result(last, reason);
        }

        // ------------------------------------------------------------ mini-batch Adam

        TrainingResult adam(List<Stage> stages) {
            budget = stages.stream().mapToInt(Stage::iterations).sum();
            int perEpoch = set.batchesPerEpoch();
            NumpyRandom rng = new NumpyRandom(options.seed() & 0xffffffffL);
            StopReason reason = StopReason.BUDGET;
            double finalLoss = Double.NaN;
            try (OptimizerState state = be.newOptimizerState(new Optimizer.Adam(options.learningRate()), net.spec());
                 ParameterSet best = be.newParameters(net.spec())) {
                for (int si = 0; si < stages.size() && reason == StopReason.BUDGET; si++) {
                    Stage stage = stages.get(si);
                    double bestLoss = requireFiniteStart(set.loss(stage.outputLayers()), si);
                    be.copy(net.parameters(), best);
                    history.add(bestLoss);
                    report(si, stages.size(), bestLoss, options.learningRate());
                    int steps = 0;
                    while (steps < stage.iterations() && reason == StopReason.BUDGET) {
                        set.shuffle(rng);
                        for (int b = 0; b < perEpoch && steps < stage.iterations(); b++) {
                            if (!Double.isFinite(set.evaluateBatch(b, stage.outputLayers()))) {
                                reason = StopReason.DIVERGED; // the best parameters are kept below
                                break;
                            }
                            backward(stage);
                            be.optimizerStep(state, net.parameters(), grads);
                            steps++;
                            accepted++;
                            StopReason stop = stopRequested();
                            if (stop != null) {
                                reason = stop;
                                break;
                            }
                        }
                        if (reason == StopReason.DIVERGED) {
                            break;
                        }
                        double loss = set.loss(stage.outputLayers());
                        if (!Double.isFinite(loss)) {
                            reason = StopReason.DIVERGED;
                            break;
                        }
                        if (loss < bestLoss) {
                            bestLoss = loss;
                            be.copy(net.parameters(), best);
                        }
                        history.add(loss);
                        report(si, stages.size(), loss, options.learningRate());
                    }
                    be.copy(best, net.parameters());
                    finalLoss = bestLoss;
                }
            }
            return result(finalLoss, reason);
        }

        // ------------------------------------------------------------ shared steps

        /**
         * The loss at the start of stage {@code stage}, which must be finite: from a non-finite start no step
         * can be judged, and no parameters worth keeping exist.
         */
        private double requireFiniteStart(double loss, int stage) {
            if (Double.isFinite(loss)) {
                return loss;
            }
            throw new NonFiniteInputException("the training loss is " + loss + " at the start"
                    + (stage == 0 ? "" : " of stage " + (stage + 1)) + ", before any step: the data's scale is the "
                    + "likely cause (largest |x| = " + set.largestAbs() + ", L = ‖D‖₂² = " + problem.lipschitz()
                    + "); scale the signals (and D) to entries of order 1");
        }

        /** Whether every value of {@code p} is finite; a download, so only for the rare non-finite step. */
        private boolean isFinite(ParameterSet p) {
            for (Matrix m : p.all()) {
                for (double v : Uploads.download(be, m).values()) {
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void backward(Stage stage) {
            set.gradient(grads, stage.trainableLayers());
        }

        private StopReason stopRequested() {
            if (options.stop() != null && options.stop().isRequested()) {
                return StopReason.REQUESTED;
            }
            if (options.timeBudget() != null && elapsed().compareTo(options.timeBudget()) >= 0) {
                return StopReason.TIME;
            }
            return null;
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        private void report(int stageIndex, int stages, double loss, double lr) {
            options.listener().onProgress(new TrainingProgress(stageIndex + 1, stages, accepted, budget, loss, lr,
                    elapsed()));
        }

        private TrainingResult result(double finalLoss, StopReason reason) {
            double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
            return new TrainingResult(h, accepted, finalLoss, reason, elapsed());
        }

        /** Frees the gradient; the training set is the caller's. */
        @Override
        public void close() {
            grads.close();
        }
    }
}
