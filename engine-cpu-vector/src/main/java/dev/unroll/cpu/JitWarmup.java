package dev.unroll.cpu;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OptimizerState;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the backend's vector kernels compiled by C2 before the caller's real work needs them, once per JVM.
 *
 * <p>Why: until C2 compiles a kernel, its Vector API calls run as plain Java that allocates a vector object
 * per operation, some 100–1000 times slower than the compiled kernel. A real workload calls the GEMM
 * micro-kernels with long inner loops, so they reach C2's thresholds only after seconds of that slow code,
 * and a branch the early calls never took (the accumulating epilogue, a column edge) later sends the
 * compiled kernel back to the slow code (an "uncommon trap") until it is compiled again. Measured on one
 * core, F64, m = 256, n = 64, batch 1 000, a 20-layer LISTA-CP: the first forward-backward step took 14–16 s
 * and steps reached their steady 0.08 s only after some 20 s, where the full reference protocol (300 accepted
 * line-search iterations) costs about 30 s in steady state.
 *
 * <p>What: on the first backend created in a JVM, a daemon thread runs every kernel, in both precisions, on
 * small operands whose shapes take every branch (row blocks and row edges, 6- and 4-column blocks and single
 * columns, packed and unpacked A, all transposes, α = 1 and not, β = 0, 1 and other, masks, per-row
 * thresholds, every parametrization forward and backward), through a private single-thread backend. Small
 * operands make each slow call cheap, so C2's call-count thresholds are reached in a fraction of a second,
 * and the recorded branch profile is complete, so the compiled kernels are not thrown away later. It stops
 * once a sweep runs {@link #SPEEDUP} times faster than the first (the kernels are compiled) or after
 * {@link #BUDGET_NANOS}. Setting {@code unroll.cpu.warmup=off} turns it off; {@code wait} makes the first
 * {@code create} wait for it (benchmarks of the first call).
 */
final class JitWarmup {
    /** The setting: {@code background} (default), {@code wait} or {@code off}. */
    static final String KEY = "cpu.warmup";
    /** The name of the warm-up thread. */
    static final String THREAD_NAME = "unroll-cpu-warmup";
    /** A sweep this many times faster than the first means the kernels run compiled. */
    private static final int SPEEDUP = 20;
    /** At least this many sweeps: the first records the profile, later ones reach the call-count thresholds. */
    private static final int MIN_SWEEPS = 4;
    /** The most a warm-up runs, whatever happens. */
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final System.Logger LOG = System.getLogger(JitWarmup.class.getName());

    private JitWarmup() {
    }

    /** How the warm-up runs, from the backend's settings. */
    enum Mode {
        BACKGROUND, WAIT, OFF;

        static Mode of(BackendConfig config) {
            String v = config.get(KEY).orElse("background").trim().toLowerCase(java.util.Locale.ROOT);
            return switch (v) {
                case "background", "on", "true" -> BACKGROUND;
                case "wait" -> WAIT;
                case "off", "false" -> OFF;
                default -> throw new InvalidArgumentException("setting unroll." + KEY + " must be background, wait or "
                        + "off, but is '" + v + "'");
            };
        }
    }

    /** Starts the warm-up unless this JVM has already started one or {@code mode} is off. */
    static void startOnce(Mode mode) {
        if (mode == Mode.OFF || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = Thread.ofPlatform().daemon().name(THREAD_NAME).priority(Thread.MIN_PRIORITY)
                .unstarted(JitWarmup::runQuietly);
        t.start();
        if (mode == Mode.WAIT) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The warm-up never disturbs its JVM: a failure only means the kernels compile later. */
    private static void runQuietly() {
        try {
            run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.DEBUG,
                    "cpu-vector warm-up stopped early: " + e);
        }
    }

    /** Sweeps until compiled or out of budget; returns the sweeps run. */
    static int run() {
        BackendConfig config = BackendConfig.defaults().with("threads", "1").with(KEY, "off");
        try (Backend be = Backends.open(VectorProvider.NAME, config)) {
            long start = System.nanoTime();
            long first = 0;
            int sweeps = 0;
            while (true) {
                long t0 = System.nanoTime();
                sweep(be, DType.F32);
                sweep(be, DType.F64);
                long took = System.nanoTime() - t0;
                sweeps++;
                if (sweeps == 1) {
                    first = took;
                }
                boolean compiled = sweeps >= MIN_SWEEPS && took * SPEEDUP <= first;
                if (compiled || System.nanoTime() - start > BUDGET_NANOS || Thread.currentThread().isInterrupted()) {
                    LOG.log(System.Logger.Level.DEBUG, String.format(java.util.Locale.ROOT,
                            "cpu-vector warm-up: %d sweeps in %.0f ms (first %.1f ms, last %.2f ms)%s", sweeps,
                            (System.nanoTime() - start) / 1e6, first / 1e6, took / 1e6,
                            compiled ? "" : ", stopped by its time budget"));
                    return sweeps;
                }
            }
        }
    }

    /** One pass over every kernel in {@code dt}, on shapes that take every branch. */
    private static void sweep(Backend be, DType dt) {
        int lanes = dt == DType.F32 ? Species.F32.length() : Species.F64.length();
        int block = 4 * lanes;             // rows of one micro-kernel block
        int rows = block + 3;              // one block and an edge
        int[] widths = {1, 2, 3, 5, 17, 53}; // single columns, dot form, 6- and 4-column blocks, packed A (≥ 48)
        Blas serial = new Blas(Workers.SERIAL);
        try (Matrix a = filled(be, dt, rows, 5, 0.25);
             Matrix at = filled(be, dt, 5, rows, -0.5)) {
            for (int w : widths) {
                try (Matrix b = filled(be, dt, 5, w, 0.75);
                     Matrix bt = filled(be, dt, w, 5, 0.125);
                     Matrix c = filled(be, dt, rows, w, 1)) {
                    be.gemm(Transpose.NO, Transpose.NO, 1, a, b, 0, c);
                    be.gemm(Transpose.NO, Transpose.NO, -0.5, a, b, 1, c);
                    be.gemm(Transpose.YES, Transpose.NO, 1, at, b, 0.5, c);
                    be.gemm(Transpose.NO, Transpose.YES, 2, a, bt, 1, c);
                    be.gemm(Transpose.YES, Transpose.YES, 1, at, bt, 0, c);
                    Mat am = Mat.of(a);
                    serial.gemmReusingA(-1 - w, false, false, 1, am, Mat.of(b), 1, Mat.of(c));
                    serial.gemmReusingA(-1 - w, false, false, -1, am, Mat.of(b), 0, Mat.of(c));
                    serial.gemmReusingA(-100 - w, true, false, 1, Mat.of(at), Mat.of(b), 1, Mat.of(c));
                    elementwise(be, dt, c);
                }
            }
        }
        // The passes' own loops (masked gradients, per-layer sums) and their driver code; the products inside
        // take the branches above, so the network stays tiny: the interpreter runs it at a vector op a µs.
        for (Parametrization p : Parametrization.values()) {
            network(be, dt, p, lanes + 1, 3, 5);
        }
    }

    /** The elementwise kernels on {@code u}. */
    private static void elementwise(Backend be, DType dt, Matrix u) {
        int rows = u.rows();
        int cols = u.cols();
        try (Matrix out = be.allocate(dt, rows, cols);
             Matrix mask = be.allocate(dt, rows, cols);
             Matrix tau = filled(be, dt, rows, 1, 0.3)) {
            be.softThreshold(u, 0.2, out, null);
            be.softThreshold(u, 0.2, out, mask);
            be.softThreshold(u, tau, 0.5, out, mask);
            be.axpy(-0.5, out, mask);
            be.scale(1.5, mask);
            be.copy(u, out);
            be.dot(u, out);
            be.sum(u);
            be.maxAbs(u);
            be.norm(u);
        }
    }

    /** A {@code layers}-layer network of {@code p}: forward with and without tape, loss, backward, Adam. */
    private static void network(Backend be, DType dt, Parametrization p, int m, int n, int batch) {
        int layers = 2;
        NetworkSpec spec = new NetworkSpec(p, layers, n, m, dt);
        try (Matrix d = filled(be, dt, n, m, 0.1);
             Matrix analytic = filled(be, dt, n, m, 0.05);
             Matrix x = filled(be, dt, n, batch, 1);
             Matrix z = be.allocate(dt, m, batch);
             Matrix gradZ = be.allocate(dt, m, batch);
             Matrix gradD = be.allocate(dt, n, m);
             Matrix perSample = be.allocate(dt, 1, batch);
             ParameterSet params = be.newParameters(spec);
             ParameterSet grads = be.newParameters(spec);
             Tape tape = be.newTape(spec, batch);
             OptimizerState adam = be.newOptimizerState(new Optimizer.Adam(1e-3), spec)) {
            for (Matrix q : params.all()) {
                be.fill(q, 0.05);
            }
            UnrolledModel model = new UnrolledModel(params, d, p == Parametrization.ALISTA ? analytic : null, 0.1);
            be.unrolledForward(model, x, null, z);
            be.unrolledForward(model, x, tape, z);
            be.lassoObjective(d, x, z, 0.1, perSample, gradZ, gradD);
            be.supervisedLoss(z, gradZ, perSample, null);
            be.unrolledBackward(model, tape, gradZ, grads, gradD);
            be.unrolledBackward(model, tape, gradZ, grads, null, 1);
            be.optimizerStep(adam, params, grads);
        }
    }

    private static Matrix filled(Backend be, DType dt, int rows, int cols, double scale) {
        Matrix m = be.allocate(dt, rows, cols);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (((i * 7919) % 23) - 11) / 11.0; // signs and zeros mixed, deterministic
        }
        if (dt == DType.F64) {
            be.upload(v, m);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            be.upload(f, m);
        }
        return m;
    }
}
