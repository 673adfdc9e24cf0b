package dev.unroll.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.unroll.bench.peers.Peers;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OptimizerState;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused unrolled network, as {@code bench/peers/torch_unrolled.py} measures it in PyTorch: a
 * T-layer LISTA (per-layer W_z, W_x, per-atom θ) or SLISTA ({@code step}: one learned step per layer, D
 * fixed), m atoms, signals of dimension n, the unsupervised Lasso loss with λ, and Adam.
 *
 * <p>Set-up as in the peer: D (n×m) is a seeded Gaussian with unit-norm columns, L = ‖D‖₂² (power
 * iteration), the parameters start as ISTA (W_z = I − DᵀD/L, W_x = Dᵀ/L, θ = 1/L per atom so the layer
 * thresholds at λ/L; step α = 1/L), and each input column is Gaussian divided by max|Dᵀx| (so λ_max = 1 and
 * λ = 0.1 keeps codes sparse but not empty). The random numbers differ from numpy's; the shapes, the
 * scaling and therefore the work do not.
 *
 * <ul>
 * <li>{@link #forward}: {@code unrolledForward} without a tape into Z (the peer's "inference").</li>
 * <li>{@link #trainingStep}: forward with the tape, {@code lassoObjective} with ∂F/∂Z, {@code unrolledBackward}
 *     and one Adam step (the peer's "train_step": zero_grad, loss, backward, step). The parameters move
 *     each step, as they do in the peer.</li>
 * <li>{@link #optimizerStep}: the Adam update alone over every parameter of the network (the SPI's
 *     {@code optimizerStep}), with the gradients left as they are; {@link FlopModel#adam} counts it.</li>
 * </ul>
 *
 * <p>The reference backend is measured only where one operation costs at most
 * {@value BenchSupport#DEFAULT_REFERENCE_MAX_FLOP} FLOPs in {@link FlopModel}'s count (by default: batch 16
 * only); the others fail in setup with a "SKIPPED" message ({@link BenchSupport#guardReference}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Longer than the others: the fused kernels are large and C2 needs about 4–5 s on 2 busy cores before a
// LISTA training step reaches its steady time (measured: 1.8 s, 1.25 s, 0.17 s, 0.03 s per step in
// successive 1 s warm-up iterations at batch 16).
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
// The --sun-misc flag silences JDK 24+'s warning about JMH's own use of sun.misc.Unsafe in every fork; native
// access is for libtorch (the djl-pytorch peer).
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class UnrolledBenchmark {
    /** PyTorch's learning rate in torch_unrolled.py; it changes the values, not the work. */
    static final double LEARNING_RATE = 1e-4;

    /** The backend to measure, or the peer {@value Peers#DJL_PYTORCH} (libtorch through DJL). */
    @Param({"cpu-vector", "reference"})
    public String backend;
    /**
     * Threads of the backend or peer: a number, or {@code all} (the backend's default, one per CPU; for
     * djl-pytorch one per CPU).
     */
    @Param({"all"})
    public String threads;
    /** Precision of parameters, data and tape. */
    @Param({"F32", "F64"})
    public DType dtype;
    /** {@code lista} or {@code step} (SLISTA), as {@link Parametrization#id()} spells them. */
    @Param({"lista", "step"})
    public String variant;
    /** Layers T. */
    @Param({"20"})
    public int layers;
    /** Signal dimension n. */
    @Param({"64"})
    public int n;
    /** Atoms m. */
    @Param({"256"})
    public int m;
    /** Samples per batch. */
    @Param({"16", "256", "4096"})
    public int batch;
    /** Regularisation λ. */
    @Param({"0.1"})
    public double lambda;

    private Backend be;
    private Matrix d;
    private Matrix x;
    private Matrix z;
    private Matrix gradZ;
    private ParameterSet params;
    private ParameterSet grads;
    private Tape tape;
    private OptimizerState adam;
    private UnrolledModel model;
    private Workload peerForward;
    private Workload peerTrainingStep;

    /** Builds D, the ISTA-initialised network, the inputs and every workspace on the backend (or the peer). */
    @Setup(Level.Trial)
    public void setup() {
        if (Peers.isPeer(backend)) {
            setupPeer();
            return;
        }
        Parametrization p = Parametrization.fromId(variant);
        // The guard uses the larger of the two methods' counts: setup cannot tell which one runs.
        BenchSupport.guardReference(backend, batch * FlopModel.unrolledPerSample(p, FlopModel.Mode.TRAIN, layers, n, m),
                variant + " with batch " + batch);
        NetworkSpec spec = new NetworkSpec(p, layers, n, m, dtype);
        double[] dict = dictionary(n, m, 0);
        double lip = lipschitz(dict, n, m);
        be = BenchSupport.open(backend, threads);
        d = BenchSupport.upload(be, dtype, dict, n, m);
        x = BenchSupport.upload(be, dtype, signals(dict, n, m, batch, 1), n, batch);
        z = be.allocate(dtype, m, batch);
        gradZ = be.allocate(dtype, m, batch);
        params = be.newParameters(spec);
        initialiseAsIsta(p, dict, lip);
        grads = be.newParameters(spec);
        tape = be.newTape(spec, batch);
        adam = be.newOptimizerState(new Optimizer.Adam(LEARNING_RATE), spec);
        model = new UnrolledModel(params, d, lambda);
    }

    /**
     * The peer's network on the same D, signals and ISTA start. Both the forward pass and the training step
     * are built (setup cannot tell which method runs); only one of them runs in a fork.
     */
    private void setupPeer() {
        double[] dict = dictionary(n, m, 0);
        double lip = lipschitz(dict, n, m);
        double[] xs = signals(dict, n, m, batch, 1);
        int t = BenchReport.threadCount(threads);
        peerForward = Peers.unrolled(backend, false, variant, dtype, layers, n, m, batch, dict, xs, lip, lambda,
                LEARNING_RATE, t);
        peerTrainingStep = Peers.unrolled(backend, true, variant, dtype, layers, n, m, batch, dict, xs, lip, lambda,
                LEARNING_RATE, t);
    }

    /** Frees every workspace, then the backend (or the peer's arrays). */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(peerForward, peerTrainingStep, adam, tape, grads, params, gradZ, z, x, d, be);
    }

    /** Inference: all T layers from z₀ = 0, no tape. */
    @Benchmark
    public Object forward() {
        if (peerForward != null) {
            return peerForward.run();
        }
        be.unrolledForward(model, x, null, z);
        return z;
    }

    /**
     * A forward pass that records the tape the reverse mode reads: each trial point of the line search runs
     * one (the accepted one's gradient then needs no second pass). Against {@link #forward}, the cost of the
     * recording.
     */
    @Benchmark
    public Object recordedForward() {
        if (be == null) {
            throw new IllegalStateException("SKIPPED (not an error): the peer " + backend + " has no recorded forward pass");
        }
        be.unrolledForward(model, x, tape, z);
        return z;
    }

    /** One unsupervised training step: recorded forward, loss and ∂F/∂Z, reverse mode, Adam. */
    @Benchmark
    public Object trainingStep() {
        if (peerTrainingStep != null) {
            return peerTrainingStep.run();
        }
        be.unrolledForward(model, x, tape, z);
        double loss = be.lassoObjective(d, x, z, lambda, null, gradZ, null);
        be.unrolledBackward(model, tape, gradZ, grads, null);
        be.optimizerStep(adam, params, grads);
        return loss;
    }

    /** One Adam step over all T layers' parameters (gradients fixed at zero; the arithmetic is the same). */
    @Benchmark
    public Object optimizerStep() {
        if (be == null) {
            throw new IllegalStateException("SKIPPED (not an error): the peer " + backend + " has no separate Adam step");
        }
        be.optimizerStep(adam, params, grads);
        return params;
    }

    private void initialiseAsIsta(Parametrization p, double[] dict, double lip) {
        double[] wz = null;
        double[] wx = null;
        double[] theta = null;
        if (p == Parametrization.LISTA || p == Parametrization.COUPLED) {
            if (p == Parametrization.LISTA) {
                wz = new double[m * m];                     // I − DᵀD/L, m×m column-major
                for (int j = 0; j < m; j++) {
                    for (int i = 0; i < m; i++) {
                        double s = 0;
                        for (int r = 0; r < n; r++) {
                            s += dict[r + i * n] * dict[r + j * n];
                        }
                        wz[i + j * m] = (i == j ? 1 : 0) - s / lip;
                    }
                }
            }
            wx = new double[m * n];                     // Dᵀ/L, m×n column-major
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    wx[i + j * m] = dict[j + i * n] / lip;
                }
            }
            theta = new double[m];
            java.util.Arrays.fill(theta, 1 / lip);
        }
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : p.layout(t)) {
                Matrix target = params.get(t, kind);
                switch (kind) {
                    case W_Z -> BenchSupport.upload(be, wz, target);
                    case W_X -> BenchSupport.upload(be, wx, target);
                    case W_COUPLED -> BenchSupport.upload(be, wx, target); // LISTA-CP's ISTA start: W = Dᵀ/L
                    case THRESHOLDS -> BenchSupport.upload(be, theta, target);
                    case STEP_SIZE -> BenchSupport.upload(be, new double[]{1 / lip}, target);
                    default -> throw new IllegalStateException("the benchmark does not initialise " + kind
                            + " (parametrization " + variant + "); use lista, coupled or step");
                }
            }
        }
    }

    /** D (n×m, column-major): Gaussian from {@code seed}, every column scaled to unit norm. */
    static double[] dictionary(int n, int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] dict = new double[n * m];
        for (int j = 0; j < m; j++) {
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double v = r.nextGaussian();
                dict[i + j * n] = v;
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                dict[i + j * n] /= norm;
            }
        }
        return dict;
    }

    /**
     * L = ‖D‖₂² = the largest eigenvalue of D·Dᵀ (n×n, smaller than DᵀD), by power iteration in double until
     * the estimate changes by less than 1e-13 relative.
     */
    static double lipschitz(double[] dict, int n, int m) {
        double[] g = new double[n * n];                 // D·Dᵀ
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += dict[a + j * n] * dict[b + j * n];
                }
                g[a + b * n] = s;
            }
        }
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1 / Math.sqrt(n));
        double estimate = 0;
        for (int it = 0; it < 10_000; it++) {
            double[] w = new double[n];
            for (int b = 0; b < n; b++) {
                for (int a = 0; a < n; a++) {
                    w[a] += g[a + b * n] * v[b];
                }
            }
            double norm = 0;
            for (double e : w) {
                norm += e * e;
            }
            norm = Math.sqrt(norm);
            for (int a = 0; a < n; a++) {
                v[a] = w[a] / norm;
            }
            if (Math.abs(norm - estimate) <= 1e-13 * norm) {
                return norm;
            }
            estimate = norm;
        }
        return estimate;
    }

    /** X (n×batch): Gaussian columns, each divided by max_j |d_jᵀ x| as the peer does. */
    static double[] signals(double[] dict, int n, int m, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] xs = new double[n * batch];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                xs[i + b * n] = r.nextGaussian();
            }
            double max = 0;
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += dict[i + j * n] * xs[i + b * n];
                }
                max = Math.max(max, Math.abs(s));
            }
            for (int i = 0; i < n; i++) {
                xs[i + b * n] /= max;
            }
        }
        return xs;
    }
}
