package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Unsupervised training of a {@link TvNetwork} on the mean objective P at its output, with CARPET's
 * full-batch backtracking line search (docs/science.md §4.2): each stage starts at learning rate 1; a step
 * is accepted only on a strict decrease, after which the rate grows ×8; a rejection moves back and halves
 * it; below 1e-20 the stage ends at the last accepted point. Recursive stages k = first..T train the
 * sub-network of the first k layers with the loss at layer k.
 *
 * <p>Why not the project's {@code training.Trainer}: it drives the SPI's fused unrolled-Lasso kernels
 * through {@code ParameterSet}/{@code Tape}, which have no TV layer kinds; this is the minimal adapter with
 * the same rule on {@link Param}s until the composed layer path takes the TV layers.
 */
public final class TvTrainer {
    /** Growth of the rate after an accepted step (CARPET; ADOPTY uses 4). */
    static final double GROWTH = 8;
    /** Below this rate a stage has converged. */
    static final double MIN_RATE = 1e-20;

    private TvTrainer() {
    }

    /** Which gradient of P at the output the reverse pass starts from. */
    public enum Gradient {
        /** Autograd's subgradient, sign(0) = 0 ({@link TvProblem#objective(Matrix, Matrix, Matrix)}). */
        SUBGRADIENT,
        /** CARPET's gradient mapping ({@link TvProblem#gradientMapping}), its default for LPGD-taut-string. */
        MOREAU
    }

    /**
     * Trains layers {@code firstStage..T} recursively on the signals {@code x} (m×N), {@code maxIterations}
     * accepted steps split evenly over the stages; returns the training loss at the end.
     */
    public static double train(TvNetwork net, HostMatrix x, int maxIterations, int firstStage) {
        return train(net, x, maxIterations, firstStage, Gradient.SUBGRADIENT);
    }

    /** As {@link #train(TvNetwork, HostMatrix, int, int)}, the reverse pass starting from {@code gradient}. */
    public static double train(TvNetwork net, HostMatrix x, int maxIterations, int firstStage, Gradient gradient) {
        if (gradient == null) {
            throw new InvalidArgumentException("training needs a gradient kind");
        }
        if (net == null || x == null || x.cols() == 0) {
            throw new InvalidArgumentException("training needs a network and at least one signal");
        }
        if (firstStage < 1 || firstStage > net.layers()) {
            throw new InvalidArgumentException("the first stage must be in 1.." + net.layers() + ", but is "
                    + firstStage);
        }
        TvProblem p = net.problem();
        Backend be = p.backend();
        List<Param> params = net.trainable();
        List<Matrix> saved = new ArrayList<>();
        double loss = Double.NaN;
        try (Matrix xd = p.upload(x); Matrix u = p.zeros(x.cols()); Matrix gu = p.zeros(x.cols())) {
            for (Param q : params) {
                saved.add(be.allocate(p.dtype(), q.value().rows(), q.value().cols()));
            }
            int stages = net.layers() - firstStage + 1;
            int done = 0;
            for (int s = 0; s < stages; s++) {
                int depth = firstStage + s;
                int budget = (int) ((long) maxIterations * (s + 1) / stages) - done;
                done += budget;
                loss = stage(net, params, saved, xd, u, gu, depth, budget, gradient);
            }
            return loss;
        } finally {
            saved.forEach(Matrix::close);
        }
    }

    private static double stage(TvNetwork net, List<Param> params, List<Matrix> saved, Matrix x, Matrix u,
                                Matrix gu, int depth, int budget, Gradient gradient) {
        TvProblem p = net.problem();
        Backend be = p.backend();
        net.forward(x, depth, u);
        double loss = p.objective(x, u);
        double lr = 1;
        for (int it = 0; it < budget; it++) {
            net.zeroGradients();
            net.forward(x, depth, u);
            if (gradient == Gradient.MOREAU) {
                p.gradientMapping(x, u, gu);
            } else {
                p.objective(x, u, gu);
            }
            net.backward(gu);
            for (int i = 0; i < params.size(); i++) {
                be.copy(params.get(i).value(), saved.get(i));
            }
            double next;
            while (true) {
                for (int i = 0; i < params.size(); i++) {
                    be.copy(saved.get(i), params.get(i).value());
                    be.axpy(-lr, params.get(i).grad(), params.get(i).value());
                }
                net.forward(x, depth, u);
                next = p.objective(x, u);
                if (next < loss) {
                    break;
                }
                lr /= 2;
                if (lr < MIN_RATE) {
                    for (int i = 0; i < params.size(); i++) {
                        be.copy(saved.get(i), params.get(i).value());
                    }
                    return loss;
                }
            }
            boolean stalled = loss - next < 1e-20;
            loss = next;
            lr *= GROWTH;
            if (stalled) {
                break;
            }
        }
        return loss;
    }
}
