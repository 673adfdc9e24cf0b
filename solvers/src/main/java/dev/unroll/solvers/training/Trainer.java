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
        TrainingMode mode = options.mode().resolve(net.parametrization());
        List<Stage> stages = Stage.plan(mode, net.layers(), options.maxIterations());
        int batch = options.optimizer() == TrainingOptions.OptimizerKind.ADAM && options.batchSize() > 0
                ? Math.min(options.batchSize(), x.cols()) : x.cols();
        try (Session s = new Session(net, x, targets, batch, options)) {
            return options.optimizer() == TrainingOptions.OptimizerKind.LINE_SEARCH
                    ? s.lineSearch(stages) : s.adam(stages);
        }
    }

    /** Everything one run allocates on the backend, freed together. */
    private static final class Session implements AutoCloseable {
        private final UnrolledNetwork net;
        private final LassoProblem problem;
        private final Backend be;
        private final HostMatrix hostX;
        private final HostMatrix hostTargets;
        private final TrainingOptions options;
        private final int batch;
        private final List<AutoCloseable> owned = new ArrayList<>();
        private final Matrix x;
        private final Matrix targets;
        private final TrainingLoss lossFn;
        private final ParameterSet grads;
        private final long started = System.nanoTime();
        private final List<Double> history = new ArrayList<>();
        private int accepted;
        private int budget;

        Session(UnrolledNetwork net, HostMatrix hostX, HostMatrix hostTargets, int batch, TrainingOptions options) {
            this.net = net;
            this.problem = net.problem();
            this.be = problem.backend();
            this.hostX = hostX;
            this.hostTargets = hostTargets;
            this.options = options;
            this.batch = batch;
            try {
                this.x = keep(problem.uploadSignals(hostX));
                this.targets = hostTargets == null ? null : keep(Uploads.upload(be, problem.dtype(), hostTargets));
                this.lossFn = keep(new TrainingLoss(net, batch));
                this.grads = keep(be.newParameters(net.spec()));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private <T extends AutoCloseable> T keep(T resource) {
            owned.add(resource);
            return resource;
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
                double loss = requireFiniteStart(evaluate(x, targets, stage.outputLayers()), si);
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
                        loss = evaluate(x, targets, stage.outputLayers());
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
                    loss = evaluate(x, targets, stage.outputLayers());
                }
            }
            return result(last, reason);
        }

        // ------------------------------------------------------------ mini-batch Adam

        TrainingResult adam(List<Stage> stages) {
            budget = stages.stream().mapToInt(Stage::iterations).sum();
            int n = hostX.cols();
            int perEpoch = Math.max(1, n / batch);
            NumpyRandom rng = new NumpyRandom(options.seed() & 0xffffffffL);
            StopReason reason = StopReason.BUDGET;
            double finalLoss = Double.NaN;
            try (OptimizerState state = be.newOptimizerState(new Optimizer.Adam(options.learningRate()), net.spec());
                 ParameterSet best = be.newParameters(net.spec());
                 Matrix shuffledX = be.allocate(problem.dtype(), problem.signalDim(), n);
                 Matrix shuffledT = targets == null ? null : be.allocate(problem.dtype(), problem.atoms(), n);
                 Matrix zAll = be.allocate(problem.dtype(), problem.atoms(), n)) {
                for (int si = 0; si < stages.size() && reason == StopReason.BUDGET; si++) {
                    Stage stage = stages.get(si);
                    double bestLoss = requireFiniteStart(fullLoss(stage, zAll), si);
                    be.copy(net.parameters(), best);
                    history.add(bestLoss);
                    report(si, stages.size(), bestLoss, options.learningRate());
                    int steps = 0;
                    while (steps < stage.iterations() && reason == StopReason.BUDGET) {
                        shuffleInto(rng, shuffledX, shuffledT);
                        for (int b = 0; b < perEpoch && steps < stage.iterations(); b++) {
                            Matrix xb = shuffledX.columns(b * batch, (b + 1) * batch);
                            Matrix tb = shuffledT == null ? null : shuffledT.columns(b * batch, (b + 1) * batch);
                            if (!Double.isFinite(evaluate(xb, tb, stage.outputLayers()))) {
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
                        double loss = fullLoss(stage, zAll);
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

        private void shuffleInto(NumpyRandom rng, Matrix xOut, Matrix tOut) {
            int[] order = rng.permutation(hostX.cols());
            Uploads.write(be, gather(hostX, order), xOut);
            if (tOut != null) {
                Uploads.write(be, gather(hostTargets, order), tOut);
            }
        }

        private static HostMatrix gather(HostMatrix m, int[] order) {
            double[] out = new double[m.values().length];
            int rows = m.rows();
            for (int j = 0; j < order.length; j++) {
                System.arraycopy(m.values(), order[j] * rows, out, j * rows, rows);
            }
            return new HostMatrix(rows, m.cols(), out);
        }

        private double fullLoss(Stage stage, Matrix zAll) {
            be.unrolledForward(net.model(), x, null, stage.outputLayers(), null, zAll);
            return targets == null ? problem.objective(x, zAll) : be.supervisedLoss(zAll, targets, null, null);
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
                    + "likely cause (largest |x| = " + hostX.maxAbs() + ", L = ‖D‖₂² = " + problem.lipschitz()
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

        private double evaluate(Matrix xb, Matrix tb, int layers) {
            return lossFn.evaluate(xb, tb, layers);
        }

        private void backward(Stage stage) {
            lossFn.gradient(grads, stage.trainableLayers());
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

        @Override
        public void close() {
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception ignored) {
                    // Closing backend memory does not fail in a way the caller could act on.
                }
            }
        }
    }
}
