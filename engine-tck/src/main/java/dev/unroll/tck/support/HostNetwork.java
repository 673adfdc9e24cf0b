package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Parametrization.LayerKind;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The parameters of an unrolled network on the heap, in double, with an independent forward pass: the
 * TCK's oracle for {@link Backend#unrolledForward}. Layer formulas follow docs/science.md §3.1.
 */
public final class HostNetwork {
    public final NetworkSpec spec;
    public final List<List<HostMatrix>> layers;

    public HostNetwork(NetworkSpec spec, List<List<HostMatrix>> layers) {
        this.spec = spec;
        this.layers = layers;
    }

    /** The initialisation under which every parametrization but ALISTA equals ISTA with step 1/L. */
    public static HostNetwork istaEquivalent(NetworkSpec spec, HostMatrix d, double lipschitz) {
        HostMatrix dt = d.transpose();
        HostMatrix wx = dt.combine(1 / lipschitz, 0, dt);
        HostMatrix wz = HostMatrix.identity(spec.atoms()).combine(1, -1 / lipschitz, dt.times(d));
        List<List<HostMatrix>> layers = new ArrayList<>();
        for (int t = 0; t < spec.layers(); t++) {
            List<HostMatrix> layer = new ArrayList<>();
            for (ParamKind kind : spec.parametrization().layout(t)) {
                layer.add(switch (kind) {
                    case W_Z -> wz.copy();
                    case W_X, W_COUPLED -> wx.copy();
                    case THRESHOLDS -> HostMatrix.constant(spec.atoms(), 1, 1 / lipschitz);
                    case THRESHOLD, STEP_SIZE -> HostMatrix.scalar(1 / lipschitz);
                });
            }
            layers.add(layer);
        }
        return new HostNetwork(spec, layers);
    }

    /**
     * The ISTA-equivalent initialisation with every entry multiplied by (1 + jitter·N(0,1)), so layers differ
     * and gradients are generic; ALISTA's analytic weights are given separately.
     */
    public static HostNetwork perturbed(NetworkSpec spec, HostMatrix d, double lipschitz, double jitter,
                                        SplittableRandom rng) {
        HostNetwork base = istaEquivalent(spec, d, lipschitz);
        for (List<HostMatrix> layer : base.layers) {
            for (HostMatrix p : layer) {
                for (int i = 0; i < p.data.length; i++) {
                    p.data[i] *= 1 + jitter * Gaussian.next(rng);
                }
            }
        }
        return base;
    }

    public HostMatrix get(int layer, ParamKind kind) {
        return layers.get(layer).get(spec.parametrization().layout(layer).indexOf(kind));
    }

    /** The same values in {@code spec}'s precision (rounded for F32). */
    public HostNetwork roundedTo(dev.unroll.engine.DType dtype) {
        List<List<HostMatrix>> copy = new ArrayList<>();
        for (List<HostMatrix> layer : layers) {
            copy.add(layer.stream().map(p -> p.roundedTo(dtype)).toList());
        }
        return new HostNetwork(spec, copy);
    }

    /** New backend parameters holding these values. */
    public ParameterSet upload(Backend backend) {
        ParameterSet set = backend.newParameters(spec);
        for (int t = 0; t < spec.layers(); t++) {
            for (int s = 0; s < layers.get(t).size(); s++) {
                layers.get(t).get(s).uploadInto(backend, set.layer(t).get(s));
            }
        }
        return set;
    }

    /** Result of an oracle forward pass: z_0..z_k and u_1..u_k (u_0 is null). */
    public record Trace(HostMatrix[] z, HostMatrix[] u) {
        public HostMatrix output() {
            return z[z.length - 1];
        }
    }

    /**
     * The first {@code layers} layers on X from Z₀ (zeros when null), in double.
     *
     * @param analytic W̃ for ALISTA, else ignored
     */
    public Trace forward(HostMatrix d, HostMatrix analytic, HostMatrix x, HostMatrix z0, double lambda, int layers) {
        HostMatrix[] z = new HostMatrix[layers + 1];
        HostMatrix[] u = new HostMatrix[layers + 1];
        z[0] = z0 == null ? new HostMatrix(spec.atoms(), x.cols) : z0.copy();
        Parametrization p = spec.parametrization();
        for (int t = 1; t <= layers; t++) {
            int l = t - 1;
            LayerKind kind = p.layerKind(l);
            HostMatrix prev = z[t - 1];
            HostMatrix pre = switch (kind) {
                case LISTA -> get(l, ParamKind.W_Z).times(prev).combine(1, 1, get(l, ParamKind.W_X).times(x));
                case COUPLED, COUPLED_SCALAR_THRESHOLD ->
                        prev.combine(1, -1, get(l, ParamKind.W_COUPLED).times(Oracle.residual(d, prev, x)));
                case ALISTA -> prev.combine(1, -get(l, ParamKind.STEP_SIZE).data[0],
                        analytic.transpose().times(Oracle.residual(d, prev, x)));
                case STEP -> prev.combine(1, -get(l, ParamKind.STEP_SIZE).data[0],
                        d.transpose().times(Oracle.residual(d, prev, x)));
            };
            double[] tau = thresholds(l, lambda);
            u[t] = pre;
            z[t] = new HostMatrix(pre.rows, pre.cols);
            for (int j = 0; j < pre.cols; j++) {
                for (int i = 0; i < pre.rows; i++) {
                    z[t].set(i, j, Oracle.softThreshold(pre.get(i, j), tau[i]));
                }
            }
        }
        return new Trace(z, u);
    }

    /** The thresholds τ (per atom) of layer {@code l}. */
    public double[] thresholds(int l, double lambda) {
        double[] tau = new double[spec.atoms()];
        switch (spec.parametrization().layerKind(l)) {
            case LISTA, COUPLED -> fillPerAtom(tau, lambda, get(l, ParamKind.THRESHOLDS));
            case COUPLED_SCALAR_THRESHOLD, ALISTA ->
                    java.util.Arrays.fill(tau, lambda * get(l, ParamKind.THRESHOLD).data[0]);
            case STEP -> java.util.Arrays.fill(tau, lambda * get(l, ParamKind.STEP_SIZE).data[0]);
        }
        return tau;
    }

    /**
     * The smallest distance ||u| − τ| over every layer and sample: how far the pass is from a kink of the
     * soft-threshold, where finite differences and F32/F64 comparisons of masks stop being meaningful.
     */
    public double kinkMargin(Trace trace, double lambda) {
        double margin = Double.POSITIVE_INFINITY;
        for (int t = 1; t < trace.u().length; t++) {
            double[] tau = thresholds(t - 1, lambda);
            HostMatrix u = trace.u()[t];
            for (int j = 0; j < u.cols; j++) {
                for (int i = 0; i < u.rows; i++) {
                    margin = Math.min(margin, Math.abs(Math.abs(u.get(i, j)) - tau[i]));
                }
            }
        }
        return margin;
    }

    private static void fillPerAtom(double[] tau, double lambda, HostMatrix theta) {
        for (int i = 0; i < tau.length; i++) {
            tau[i] = lambda * theta.data[i];
        }
    }
}
