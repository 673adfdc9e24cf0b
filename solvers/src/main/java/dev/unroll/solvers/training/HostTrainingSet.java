package dev.unroll.solvers.training;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * Training signals (and target codes) uploaded to the network's backend: the single-machine
 * {@link TrainingSet}. Mini-batches are {@code batch} consecutive columns of a copy shuffled once per epoch,
 * NumPy's permutation order, so a seeded run repeats exactly.
 */
final class HostTrainingSet implements TrainingSet {
    private final LassoProblem problem;
    private final Backend be;
    private final UnrolledNetwork net;
    private final HostMatrix hostX;
    private final HostMatrix hostTargets;
    private final int batch;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Matrix x;
    private final Matrix targets;
    private final TrainingLoss lossFn;
    // Allocated on the first epoch: the line search never needs them.
    private Matrix shuffledX;
    private Matrix shuffledT;
    private Matrix zAll;

    /** {@code hostTargets} is null for the unsupervised objective; {@code batch} is the mini-batch size. */
    HostTrainingSet(UnrolledNetwork net, HostMatrix hostX, HostMatrix hostTargets, int batch) {
        this.net = net;
        this.problem = net.problem();
        this.be = problem.backend();
        this.hostX = hostX;
        this.hostTargets = hostTargets;
        this.batch = batch;
        try {
            this.x = keep(problem.uploadSignals(hostX));
            this.targets = hostTargets == null ? null : keep(Uploads.upload(be, problem.dtype(), hostTargets));
            this.lossFn = keep(new TrainingLoss(net, batch));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override
    public long signals() {
        return hostX.cols();
    }

    @Override
    public double largestAbs() {
        return hostX.maxAbs();
    }

    @Override
    public double evaluate(int outputLayers) {
        return lossFn.evaluate(x, targets, outputLayers);
    }

    @Override
    public void gradient(ParameterSet grads, int trainableLayers) {
        lossFn.gradient(grads, trainableLayers);
    }

    @Override
    public double loss(int outputLayers) {
        if (zAll == null) {
            zAll = keep(be.allocate(problem.dtype(), problem.atoms(), hostX.cols()));
        }
        be.unrolledForward(net.model(), x, null, outputLayers, null, zAll);
        return targets == null ? problem.objective(x, zAll) : be.supervisedLoss(zAll, targets, null, null);
    }

    @Override
    public int batchesPerEpoch() {
        return Math.max(1, hostX.cols() / batch);
    }

    @Override
    public void shuffle(NumpyRandom rng) {
        if (shuffledX == null) {
            shuffledX = keep(be.allocate(problem.dtype(), problem.signalDim(), hostX.cols()));
            shuffledT = targets == null ? null : keep(be.allocate(problem.dtype(), problem.atoms(), hostX.cols()));
        }
        int[] order = rng.permutation(hostX.cols());
        Uploads.write(be, gather(hostX, order), shuffledX);
        if (shuffledT != null) {
            Uploads.write(be, gather(hostTargets, order), shuffledT);
        }
    }

    @Override
    public double evaluateBatch(int b, int outputLayers) {
        Matrix xb = shuffledX.columns(b * batch, (b + 1) * batch);
        Matrix tb = shuffledT == null ? null : shuffledT.columns(b * batch, (b + 1) * batch);
        return lossFn.evaluate(xb, tb, outputLayers);
    }

    private static HostMatrix gather(HostMatrix m, int[] order) {
        double[] out = new double[m.values().length];
        int rows = m.rows();
        for (int j = 0; j < order.length; j++) {
            System.arraycopy(m.values(), order[j] * rows, out, j * rows, rows);
        }
        return new HostMatrix(rows, m.cols(), out);
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
        owned.clear();
    }
}
