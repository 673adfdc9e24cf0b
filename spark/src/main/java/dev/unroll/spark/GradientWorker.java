package dev.unroll.spark;

import dev.unroll.solvers.Closing;
import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.TrainingLoss;
import java.util.Iterator;

/**
 * One task's share of a training step on an executor: a copy of the network on the JVM's backend, set to
 * the broadcast parameters, and the {@link TrainingLoss} of the single-machine trainer, run over the
 * partition's chunks of signals. Returns sums, not means, so partitions of any size add up: {@code [count,
 * Σ count_c·loss_c, Σ count_c·∂loss_c/∂p …]}. Kept between steps by {@link ExecutorWorkers}.
 */
final class GradientWorker implements AutoCloseable {
    private final Backend be;
    private final LassoProblem problem;
    private final UnrolledNetwork net;
    private final TrainingLoss loss;
    private final Matrix x;
    private final ParameterSet grads;
    private final ParameterSet sum;
    private final int capacity;

    /** A worker for chunks of up to {@code capacity} signals. */
    GradientWorker(Backend be, NetworkShape shape, int capacity) {
        this.be = be;
        this.capacity = capacity;
        this.problem = shape.problem(be);
        UnrolledNetwork n = null;
        TrainingLoss l = null;
        Matrix xm = null;
        ParameterSet g = null;
        try {
            n = shape.network(problem);
            l = new TrainingLoss(n, capacity);
            xm = be.allocate(shape.dtype(), shape.n(), capacity);
            g = be.newParameters(n.spec());
            this.sum = be.newParameters(n.spec());
        } catch (RuntimeException e) {
            Closing.quietly(g, xm, l, n, problem);
            throw e;
        }
        this.net = n;
        this.loss = l;
        this.x = xm;
        this.grads = g;
    }

    /**
     * The sums over the chunks of {@code chunks} (column-major n×c blocks, c ≤ capacity) at the parameters
     * {@code params}, the loss taken at layer {@code layers}; with the gradient when {@code withGradient}.
     */
    double[] evaluate(double[] params, Iterator<double[]> chunks, int layers, boolean withGradient) {
        ParameterVector.write(be, params, net.parameters());
        for (Matrix m : sum.all()) {
            be.fill(m, 0);
        }
        int n = problem.signalDim();
        long count = 0;
        double lossSum = 0;
        while (chunks.hasNext()) {
            double[] chunk = chunks.next();
            int c = chunk.length / n;
            if (c == 0) {
                continue;
            }
            Matrix xs = x.columns(0, c);
            Uploads.write(be, new HostMatrix(n, c, chunk), xs);
            if (withGradient) {
                lossSum += c * loss.evaluate(xs, null, layers);
                loss.gradient(grads, net.layers());
                be.axpy(c, grads, sum);
            } else {
                try (Matrix z = be.allocate(problem.dtype(), problem.atoms(), c)) {
                    be.unrolledForward(net.model(), xs, null, layers, null, z);
                    lossSum += c * problem.objective(xs, z);
                }
            }
            count += c;
        }
        double[] g = withGradient ? ParameterVector.of(be, sum) : new double[0];
        double[] out = new double[2 + g.length];
        out[0] = count;
        out[1] = lossSum;
        System.arraycopy(g, 0, out, 2, g.length);
        return out;
    }

    /** The largest chunk this worker takes. */
    int capacity() {
        return capacity;
    }

    @Override
    public void close() {
        Closing.quietly(sum, grads, x, loss, net, problem);
    }

}
