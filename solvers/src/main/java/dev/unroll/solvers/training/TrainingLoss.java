package dev.unroll.solvers.training;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Tape;
import dev.unroll.solvers.network.UnrolledNetwork;

/**
 * The training loss of a network and its gradient with respect to every parameter, through the backend's
 * tape and reverse mode: the unsupervised Lasso objective at a layer's output, or the supervised
 * ½‖z − z*‖² (both averaged over the batch). The trainer's building block, public so the gradient can be
 * checked (finite differences) and used by other optimizers. Holds a tape for batches of up to
 * {@code capacity} signals; close it to free it.
 */
public final class TrainingLoss implements AutoCloseable {
    private final UnrolledNetwork net;
    private final Backend be;
    private final Tape tape;
    private final Matrix gradZ;

    /** Work space for batches of up to {@code capacity} signals. */
    public TrainingLoss(UnrolledNetwork net, int capacity) {
        this.net = net;
        this.be = net.problem().backend();
        this.tape = be.newTape(net.spec(), capacity);
        try {
            this.gradZ = be.allocate(net.problem().dtype(), net.problem().atoms(), capacity);
        } catch (RuntimeException e) {
            tape.close();
            throw e;
        }
    }

    /**
     * The loss at the output of layer {@code layers} on the batch {@code x}, recording what
     * {@link #gradient} needs.
     *
     * @param targets the codes z* for the supervised loss, or null for the Lasso objective
     */
    public double evaluate(Matrix x, Matrix targets, int layers) {
        be.unrolledForward(net.model(), x, null, layers, tape, null);
        Matrix z = tape.z(layers).columns(0, x.cols());
        Matrix g = gradZ.columns(0, x.cols());
        return targets == null
                ? be.lassoObjective(net.problem().dictionary(), x, z, net.problem().lambda(), null, g, null)
                : be.supervisedLoss(z, targets, null, g);
    }

    /**
     * ∂loss/∂p of the last {@link #evaluate} into {@code grads}; layers from {@code trainableLayers} on get 0
     * (greedy training moves only the first layers).
     */
    public void gradient(ParameterSet grads, int trainableLayers) {
        be.unrolledBackward(net.model(), tape, gradZ.columns(0, tape.batch()), grads, null);
        for (int t = trainableLayers; t < net.layers(); t++) {
            for (Matrix g : grads.layer(t)) {
                be.fill(g, 0);
            }
        }
    }

    /** Frees the tape and the work matrix. */
    @Override
    public void close() {
        tape.close();
        gradZ.close();
    }
}
