package dev.unroll.solvers.dictionary;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.gradients.UnrolledLassoLoss;

/**
 * The loss h(D, s) = F(D, z_N(D, s)) that the outer optimisers step on, with host parameters (D, the
 * per-iteration step factors s) and the unrolled encoder on the backend. Values and gradients are on
 * PLIPY's scale, the sum over the batch (the backend's mean times B), so the line search's step t means
 * what it means in PLIPY.
 */
final class DlObjective implements AutoCloseable {
    private final Backend be;
    private final DlOptions options;
    private final UnrolledLassoLoss loss;
    private final Matrix d;
    private final Matrix gradD;

    DlObjective(Backend be, DlOptions options, int signalDim, int atoms, int capacity) {
        this.be = be;
        this.options = options;
        this.loss = UnrolledLassoLoss.create(be, options.dtype(), options.algorithm(), signalDim, atoms, capacity,
                options.iterations(), options.effectiveDepth());
        this.d = be.allocate(options.dtype(), signalDim, atoms);
        this.gradD = be.allocate(options.dtype(), signalDim, atoms);
    }

    private double[] alphas(HostMatrix dict, double[] s) {
        double l = options.bound().of(dict);
        double[] a = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            a[i] = s[i] / l;
        }
        return a;
    }

    /** h(D, s) on the batch {@code x}. */
    double value(HostMatrix dict, double[] s, Matrix x) {
        Uploads.write(be, dict, d);
        return x.cols() * loss.value(d, x, options.lambda(), alphas(dict, s));
    }

    /**
     * h(D, s) and its gradient estimate at back-propagation depth {@code depth} (0 = g¹): ∂/∂D into
     * {@code gD} (n·m, column-major), ∂/∂s into {@code gS} (may be null).
     */
    double gradient(HostMatrix dict, double[] s, Matrix x, int depth, double[] gD, double[] gS) {
        Uploads.write(be, dict, d);
        double l = options.bound().of(dict);
        double[] a = alphas(dict, s);
        double[] ga = gS == null ? null : new double[s.length];
        double f = loss.valueAndGradient(d, x, options.lambda(), a, depth, gradD, ga);
        double b = x.cols();
        double[] g = be.toDoubleArray(gradD);
        for (int i = 0; i < g.length; i++) {
            gD[i] = b * g[i];
        }
        if (gS != null) {
            for (int i = 0; i < s.length; i++) {
                gS[i] = b * ga[i] / l; // α_i = s_i/L with L held constant (PLIPY computes L without grad)
            }
        }
        return b * f;
    }

    /** The codes of the last pass. */
    Matrix codes() {
        return loss.codes();
    }

    @Override
    public void close() {
        loss.close();
        d.close();
        gradD.close();
    }
}
