package dev.unroll.bench.peers;

import java.util.ArrayList;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.unroll.bench.Workload;
import dev.unroll.engine.DType;

/**
 * The unrolled networks of {@code UnrolledBenchmark} written on libtorch through DJL's NDArray API, as
 * {@code bench/peers/torch_unrolled.py} writes them in PyTorch: signals as rows (x B×n, z B×m), a T-layer
 * LISTA (W_z m×m, W_x, one threshold per layer) or SLISTA (one step per layer, D fixed), started as ISTA,
 * the Lasso loss (mean over the batch of ½‖x − Dz‖² + λ‖z‖₁), libtorch's autograd, and Adam.
 *
 * <p>Adam is written here with in-place NDArray operations in the order {@code torch.optim.Adam} runs them
 * (m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε)) instead of DJL's own
 * {@code Adam}, which clones the gradient and applies a zero weight decay first (two more passes over
 * memory) and would handicap the peer. libtorch accumulates gradients and DJL cannot drop them as
 * {@code zero_grad(set_to_none=True)} does, so each step zeroes them after use: one pass over the parameters.
 * Every intermediate array of a step lives in a manager of its own, closed at the end of the step, so
 * nothing accumulates across steps.
 */
final class DjlPytorchPeer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private DjlPytorchPeer() {
    }

    /**
     * The forward pass (or, with {@code train}, one training step) of the network on libtorch.
     *
     * @param variant   {@code lista} or {@code step}
     * @param dict      D, n×m column-major (the benchmark's); {@code signals} n×batch column-major
     * @param lipschitz L = ‖D‖₂², for the ISTA start
     * @param threads   libtorch's intra-op threads
     */
    static Workload unrolled(boolean train, String variant, DType dtype, int layers, int n, int m, int batch,
                             double[] dict, double[] signals, double lipschitz, double lambda, double learningRate,
                             int threads) {
        Engine engine = DjlPytorch.engine(threads);
        NDManager base = engine.newBaseManager();
        try {
            Network net = new Network(base, variant, dtype, layers, n, m, dict, lipschitz, lambda);
            // Column-major n×batch is row-major batch×n: one signal per row, as the PyTorch script holds them.
            NDArray x = array(base, dtype, signals, new Shape(batch, n));
            if (!train) {
                return Workload.of(() -> {
                    try (NDManager step = base.newSubManager()) {
                        x.tempAttach(step);
                        net.tempAttach(step);
                        return net.forward(x).getShape();       // libtorch's CPU operations are eager: done here
                    }
                }, base);
            }
            Adam adam = new Adam(base, net.parameters(), learningRate);
            return Workload.of(() -> {
                try (NDManager step = base.newSubManager()) {
                    x.tempAttach(step);
                    net.tempAttach(step);
                    try (GradientCollector tape = engine.newGradientCollector()) {
                        NDArray z = net.forward(x);
                        NDArray residual = z.matMul(net.dT).sub(x);
                        NDArray objective = residual.square().sum().mul(0.5 / batch)
                                .add(z.abs().sum().mul(lambda / batch));
                        tape.backward(objective);
                    }
                    adam.step(step);           // outside the collector: libtorch's grad mode is off again
                    return adam;
                }
            }, base);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    private static NDArray array(NDManager mgr, DType dtype, double[] values, Shape shape) {
        if (dtype == DType.F64) {
            return mgr.create(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return mgr.create(f, shape);
    }

    private static NDArray scalar(NDManager mgr, DType dtype, double value) {
        return dtype == DType.F64 ? mgr.create(value) : mgr.create((float) value);
    }

    /** The network's parameters (with gradients) and D; {@link #forward} records on libtorch's tape. */
    private static final class Network {
        final NDArray d;       // n×m: x·Dᵀ-side products read z·Dᵀ as z.matMul(dT)
        final NDArray dT;      // m×n
        final boolean lista;
        final double lambda;
        final List<NDArray> wz = new ArrayList<>();   // m×m, applied as z·W_z
        final List<NDArray> wx = new ArrayList<>();   // n×m, applied as x·W_x
        final List<NDArray> theta = new ArrayList<>();
        final List<NDArray> alpha = new ArrayList<>();

        Network(NDManager mgr, String variant, DType dtype, int layers, int n, int m, double[] dict, double lip,
                double lambda) {
            this.lambda = lambda;
            // Column-major n×m data is row-major m×n: Dᵀ as a row-major array.
            dT = array(mgr, dtype, dict, new Shape(m, n));
            d = dT.transpose().duplicate();
            switch (variant) {
                case "lista" -> {
                    lista = true;
                    NDArray gram = dT.matMul(d);                         // DᵀD, m×m
                    NDArray istaWz = mgr.eye(m, m, 0, gram.getDataType()).sub(gram.div(lip));
                    NDArray istaWx = d.div(lip);                          // x·(D/L) = (Dᵀx/L)ᵀ
                    for (int t = 0; t < layers; t++) {
                        wz.add(parameter(istaWz.duplicate()));
                        wx.add(parameter(istaWx.duplicate()));
                        theta.add(parameter(scalar(mgr, dtype, lambda / lip)));
                    }
                    gram.close();
                    istaWz.close();
                    istaWx.close();
                }
                case "step" -> {
                    lista = false;
                    for (int t = 0; t < layers; t++) {
                        alpha.add(parameter(scalar(mgr, dtype, 1 / lip)));
                    }
                }
                default -> throw new IllegalArgumentException("djl-pytorch runs the variants lista and step, not "
                        + variant);
            }
        }

        private static NDArray parameter(NDArray a) {
            a.setRequiresGradient(true);
            return a;
        }

        List<NDArray> parameters() {
            List<NDArray> all = new ArrayList<>(wz);
            all.addAll(wx);
            all.addAll(theta);
            all.addAll(alpha);
            return all;
        }

        /** Makes the results of operations on the parameters and D belong to {@code step} until it closes. */
        void tempAttach(NDManager step) {
            d.tempAttach(step);
            dT.tempAttach(step);
            parameters().forEach(p -> p.tempAttach(step));
        }

        NDArray forward(NDArray x) {
            if (lista) {
                NDArray z = softThreshold(x.matMul(wx.getFirst()), theta.getFirst());
                for (int t = 1; t < wz.size(); t++) {
                    z = softThreshold(z.matMul(wz.get(t)).add(x.matMul(wx.get(t))), theta.get(t));
                }
                return z;
            }
            NDArray z = softThreshold(x.matMul(d).mul(alpha.getFirst()), alpha.getFirst().mul(lambda));
            for (int t = 1; t < alpha.size(); t++) {
                NDArray gradient = z.matMul(dT).sub(x).matMul(d);
                z = softThreshold(z.sub(gradient.mul(alpha.get(t))), alpha.get(t).mul(lambda));
            }
            return z;
        }

        /** ST(u, τ) = relu(u − τ) − relu(−u − τ), as the PyTorch script writes it. */
        private static NDArray softThreshold(NDArray u, NDArray tau) {
            return Activation.relu(u.sub(tau)).sub(Activation.relu(u.neg().sub(tau)));
        }
    }

    /** Adam's moments per parameter and its step count. */
    private static final class Adam {
        final List<NDArray> params;
        final List<NDArray> first = new ArrayList<>();
        final List<NDArray> second = new ArrayList<>();
        final double rate;
        int steps;

        Adam(NDManager mgr, List<NDArray> params, double rate) {
            this.params = params;
            this.rate = rate;
            for (NDArray p : params) {
                first.add(mgr.zeros(p.getShape(), p.getDataType()));
                second.add(mgr.zeros(p.getShape(), p.getDataType()));
            }
        }

        /** One update of every parameter from its gradient; temporaries go to {@code step}'s manager. */
        void step(NDManager step) {
            steps++;
            double correction1 = 1 - Math.pow(BETA1, steps);
            double correction2 = Math.sqrt(1 - Math.pow(BETA2, steps));
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient();                  // a view of libtorch's .grad, in step's manager
                NDArray m1 = first.get(i);
                NDArray m2 = second.get(i);
                m1.tempAttach(step);
                m2.tempAttach(step);
                m1.muli(BETA1).addi(g.mul(1 - BETA1));
                m2.muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray denominator = m2.sqrt().divi(correction2).addi(EPSILON);
                p.subi(m1.div(denominator).muli(rate / correction1));
                g.subi(g);                                    // libtorch accumulates: drop this step's gradient
            }
        }
    }
}
