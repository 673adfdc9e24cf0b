package dev.unroll.engine.reference;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization.LayerKind;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;

import java.util.List;

/**
 * The unrolled ISTA forward pass and its reverse mode, one sample at a time, written as the formulas of
 * docs/science.md §3.1 and §5 read. With r = Dz − x, ū = M ⊙ ḡ (M = 1{|u| > τ}) and s = sign(u) ⊙ ū:
 * <pre>
 * lista    u = W_z z + W_x x             Ŵ_z += ū zᵀ, Ŵ_x += ū xᵀ, θ̂ += −λ s        z̄ = W_zᵀ ū
 * coupled  u = z − W r                   Ŵ += −ū rᵀ, θ̂ += −λ s                     z̄ = ū − Dᵀ Wᵀ ū      D̂ += −(Wᵀū) zᵀ
 * alista   u = z − α W̃ᵀ r                α̂ += −⟨ū, W̃ᵀ r⟩, θ̂ += −λ Σ s              z̄ = ū − α Dᵀ W̃ ū     D̂ += −α (W̃ū) zᵀ
 * step     u = z − α Dᵀ r, τ = λα        α̂ += −⟨ū, Dᵀ r⟩ − λ Σ s                   z̄ = ū − α DᵀD ū      D̂ += −α (r ūᵀ + (Dū) zᵀ)
 * </pre>
 * Values are rounded to the model's precision wherever a real backend would store them (u and z of every
 * layer), so the F32 reference behaves like an F32 backend that accumulates exactly.
 */
final class ReferenceUnrolled {
    private ReferenceUnrolled() {
    }

    static void forward(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        NetworkSpec spec = model.spec();
        Dense xd = Dense.of(x);
        Dense z0d = Dense.orNull(z0);
        Dense out = Dense.orNull(zOut);
        Layer[] net = layers(model, layers);
        for (int b = 0; b < x.cols(); b++) {
            double[] z = z0d == null ? new double[spec.atoms()] : z0d.column(b);
            if (tape != null) {
                Dense.of(tape.z(0)).setColumn(b, z);
            }
            for (int t = 1; t <= layers; t++) {
                Layer layer = net[t - 1];
                double[] u = round(spec.dtype(), layer.preActivation(z, xd, b));
                double[] tau = layer.thresholds();
                z = new double[u.length];
                for (int i = 0; i < u.length; i++) {
                    z[i] = ReferenceKernels.softThreshold(u[i], tau[i]);
                }
                round(spec.dtype(), z);
                if (tape != null) {
                    Dense.of(tape.u(t)).setColumn(b, u);
                    Dense.of(tape.z(t)).setColumn(b, z);
                }
            }
            if (out != null) {
                out.setColumn(b, z);
            }
        }
    }

    static void backward(UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers, ParameterSet grads,
                         Matrix gradD) {
        NetworkSpec spec = model.spec();
        int k = tape.layersRun();
        Layer[] net = layers(model, k);
        double[][][][] acc = new double[spec.layers()][][][];
        for (int l = 0; l < spec.layers(); l++) {
            List<Matrix> slots = grads.layer(l);
            acc[l] = new double[slots.size()][][];
            for (int s = 0; s < slots.size(); s++) {
                acc[l][s] = new double[slots.get(s).rows()][slots.get(s).cols()];
            }
        }
        double[][] gd = new double[spec.signalDim()][spec.atoms()];
        Dense xd = Dense.of(tape.input());
        Dense gz = Dense.of(gradZ);
        for (int b = 0; b < tape.batch(); b++) {
            double[] g = gz.column(b);
            for (int t = k; t > k - lastLayers; t--) {
                g = net[t - 1].backward(Dense.of(tape.u(t)).column(b), Dense.of(tape.z(t - 1)).column(b), xd, b, g,
                        acc[t - 1], gd);
            }
        }
        for (int l = 0; l < spec.layers(); l++) {
            for (int s = 0; s < acc[l].length; s++) {
                ReferenceKernels.store(acc[l][s], Dense.of(grads.layer(l).get(s)));
            }
        }
        if (gradD != null) {
            ReferenceKernels.store(gd, Dense.of(gradD));
        }
    }

    private static Layer[] layers(UnrolledModel model, int count) {
        Layer[] net = new Layer[count];
        for (int t = 0; t < count; t++) {
            net[t] = new Layer(model, t);
        }
        return net;
    }

    private static double[] round(DType dtype, double[] v) {
        if (dtype == DType.F32) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    /** One layer's parameters read as doubles, with its forward and reverse step for one sample. */
    private static final class Layer {
        private final LayerKind kind;
        private final double lambda;
        private final Dense d;
        private final Dense analytic;
        private final Dense w;
        private final Dense wx;
        private final double alpha;
        private final double[] tau;

        Layer(UnrolledModel model, int t) {
            ParameterSet p = model.params();
            int m = model.spec().atoms();
            this.kind = model.spec().parametrization().layerKind(t);
            this.lambda = model.lambda();
            this.d = Dense.of(model.dictionary());
            this.analytic = Dense.orNull(model.analyticWeights());
            this.tau = new double[m];
            switch (kind) {
                case LISTA -> {
                    w = Dense.of(p.get(t, ParamKind.W_Z));
                    wx = Dense.of(p.get(t, ParamKind.W_X));
                    alpha = 0;
                    perAtom(Dense.of(p.get(t, ParamKind.THRESHOLDS)));
                }
                case COUPLED -> {
                    w = Dense.of(p.get(t, ParamKind.W_COUPLED));
                    wx = null;
                    alpha = 0;
                    perAtom(Dense.of(p.get(t, ParamKind.THRESHOLDS)));
                }
                case COUPLED_SCALAR_THRESHOLD -> {
                    w = Dense.of(p.get(t, ParamKind.W_COUPLED));
                    wx = null;
                    alpha = 0;
                    java.util.Arrays.fill(tau, lambda * Dense.of(p.get(t, ParamKind.THRESHOLD)).scalar());
                }
                case ALISTA -> {
                    w = null;
                    wx = null;
                    alpha = Dense.of(p.get(t, ParamKind.STEP_SIZE)).scalar();
                    java.util.Arrays.fill(tau, lambda * Dense.of(p.get(t, ParamKind.THRESHOLD)).scalar());
                }
                case STEP -> {
                    w = null;
                    wx = null;
                    alpha = Dense.of(p.get(t, ParamKind.STEP_SIZE)).scalar();
                    java.util.Arrays.fill(tau, lambda * alpha);
                }
                default -> throw new AssertionError(kind);
            }
        }

        private void perAtom(Dense theta) {
            for (int i = 0; i < tau.length; i++) {
                tau[i] = lambda * theta.get(i, 0);
            }
        }

        double[] thresholds() {
            return tau;
        }

        /** u for input codes z and signal b. */
        double[] preActivation(double[] z, Dense x, int b) {
            if (kind == LayerKind.LISTA) {
                double[] u = w.times(z);
                double[] v = wx.times(x.column(b));
                for (int i = 0; i < u.length; i++) {
                    u[i] += v[i];
                }
                return u;
            }
            double[] r = ReferenceKernels.residual(d, z, x, b);
            double[] step = switch (kind) {
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> w.times(r);
                case ALISTA -> scaled(alpha, analytic.transposeTimes(r));
                case STEP -> scaled(alpha, d.transposeTimes(r));
                default -> throw new AssertionError(kind);
            };
            double[] u = z.clone();
            for (int i = 0; i < u.length; i++) {
                u[i] -= step[i];
            }
            return u;
        }

        /**
         * Accumulates this layer's parameter gradients for one sample into {@code acc} (layout order) and its
         * D gradient into {@code gd}; returns the adjoint of its input codes.
         */
        double[] backward(double[] u, double[] zPrev, Dense x, int b, double[] g, double[][][] acc, double[][] gd) {
            int m = u.length;
            double[] ubar = new double[m];
            double[] s = new double[m];
            double sumS = 0;
            for (int i = 0; i < m; i++) {
                if (Math.abs(u[i]) > tau[i]) {
                    ubar[i] = g[i];
                    s[i] = Math.signum(u[i]) * g[i];
                    sumS += s[i];
                }
            }
            switch (kind) {
                case LISTA -> {
                    ReferenceKernels.addOuter(acc[0], 1, ubar, zPrev);
                    ReferenceKernels.addOuter(acc[1], 1, ubar, x.column(b));
                    addPerAtom(acc[2], s);
                    return w.transposeTimes(ubar);
                }
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                    double[] r = ReferenceKernels.residual(d, zPrev, x, b);
                    ReferenceKernels.addOuter(acc[0], -1, ubar, r);
                    if (kind == LayerKind.COUPLED) {
                        addPerAtom(acc[1], s);
                    } else {
                        acc[1][0][0] += -lambda * sumS;
                    }
                    double[] wu = w.transposeTimes(ubar);
                    ReferenceKernels.addOuter(gd, -1, wu, zPrev);
                    return minus(ubar, d.transposeTimes(wu), 1);
                }
                case ALISTA -> {
                    double[] r = ReferenceKernels.residual(d, zPrev, x, b);
                    acc[0][0][0] += -dot(ubar, analytic.transposeTimes(r));
                    acc[1][0][0] += -lambda * sumS;
                    double[] wu = analytic.times(ubar);
                    ReferenceKernels.addOuter(gd, -alpha, wu, zPrev);
                    return minus(ubar, d.transposeTimes(wu), alpha);
                }
                case STEP -> {
                    double[] r = ReferenceKernels.residual(d, zPrev, x, b);
                    acc[0][0][0] += -dot(ubar, d.transposeTimes(r)) - lambda * sumS;
                    double[] du = d.times(ubar);
                    ReferenceKernels.addOuter(gd, -alpha, r, ubar);
                    ReferenceKernels.addOuter(gd, -alpha, du, zPrev);
                    return minus(ubar, d.transposeTimes(du), alpha);
                }
                default -> throw new AssertionError(kind);
            }
        }

        private void addPerAtom(double[][] theta, double[] s) {
            for (int i = 0; i < s.length; i++) {
                theta[i][0] += -lambda * s[i];
            }
        }

        private static double[] scaled(double a, double[] v) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= a;
            }
            return v;
        }

        private static double[] minus(double[] a, double[] b, double scale) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] - scale * b[i];
            }
            return out;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }
    }
}
