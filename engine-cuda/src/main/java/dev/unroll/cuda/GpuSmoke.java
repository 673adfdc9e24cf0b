package dev.unroll.cuda;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OptimizerState;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The end-to-end check of the GPU path for a GPU machine ({@code SMOKE_MAIN=dev.unroll.cuda.GpuSmoke bash
 * .gpu-bundle/run-gpu.sh}): the probe, then for each cuBLAS binding (FFM, JCublas2) a GEMM and a 20-layer
 * forward pass checked against the reference backend, then timings: cuBLAS GEMM TFLOP/s through the backend, the
 * fused and layer-by-layer forward, the B = 1 latency and the 20-layer training step in samples/s. The last
 * line is "SMOKE OK" or "SMOKE FAILED: ..." (run-gpu.sh copies it into its summary).
 */
public final class GpuSmoke {
    private final List<String> failures = new ArrayList<>();
    private final SmokeNetwork net = new SmokeNetwork(64, 256, 11);

    private GpuSmoke() {
    }

    /** Runs the smoke test; exits with 1 when a check failed. */
    public static void main(String[] args) {
        GpuSmoke smoke = new GpuSmoke();
        try {
            smoke.run();
        } catch (RuntimeException | LinkageError e) {
            smoke.failures.add("unexpected " + e);
            e.printStackTrace(System.out);
        }
        if (smoke.failures.isEmpty()) {
            System.out.println("SMOKE OK");
        } else {
            System.out.println("SMOKE FAILED: " + String.join("; ", smoke.failures));
            System.exit(1);
        }
    }

    private void run() {
        BackendStatus cuda = Backends.survey().stream().filter(s -> s.name().equals(CudaProvider.NAME)).findFirst()
                .orElseThrow();
        System.out.println("probe: " + cuda.availability().explain() + " " + cuda.availability().details());
        if (!cuda.availability().available()) {
            failures.add("cuda unavailable: " + cuda.availability().reason());
            return;
        }
        for (String binding : List.of("ffm", "jcublas2")) {
            BackendConfig config = BackendConfig.fromSystemProperties().with("cuda.cublas", binding);
            try (Backend be = Backends.open(CudaProvider.NAME, config)) {
                System.out.println("== cuBLAS binding " + binding + ": " + be.capabilities().details());
                checks(be, binding);
                if (binding.equals("ffm")) {
                    timings(be);
                }
            } catch (RuntimeException e) {
                failures.add(binding + ": " + e.getMessage());
                System.out.println(binding + " failed: " + e);
            }
        }
        try (Backend be = Backends.open(CudaProvider.NAME, BackendConfig.fromSystemProperties().with("cuda.fused", "false"))) {
            System.out.println("== layer by layer (cuda.fused=false)");
            forwardTimings(be, "unfused");
            trainingTimings(be);
        }
    }

    // ------------------------------------------------------------------ correctness against the reference

    private void checks(Backend be, String binding) {
        try (Backend ref = Backends.open("reference", BackendConfig.defaults())) {
            for (DType dt : DType.values()) {
                double tol = dt == DType.F32 ? 1e-5 : 1e-13;
                for (Transpose ta : Transpose.values()) {
                    double err = gemmError(be, ref, dt, ta, 257, 65, 131);
                    report(binding + " gemm " + dt + " transA=" + ta, err, tol);
                }
                for (Parametrization p : Parametrization.values()) {
                    double err = forwardError(be, ref, p, dt, 33);
                    report(binding + " forward " + p.id() + " " + dt, err, dt == DType.F32 ? 1e-4 : 1e-11);
                }
            }
        }
    }

    private void report(String what, double err, double tol) {
        boolean ok = err <= tol;
        System.out.printf(Locale.ROOT, "%-40s max rel error %.3e %s%n", what, err, ok ? "ok" : "> " + tol);
        if (!ok) {
            failures.add(what + " error " + err);
        }
    }

    private static double gemmError(Backend be, Backend ref, DType dt, Transpose ta, int m, int k, int n) {
        SplittableRandom rng = new SplittableRandom(3);
        int ar = ta == Transpose.NO ? m : k;
        int ac = ta == Transpose.NO ? k : m;
        double[] a = random(rng, ar * ac);
        double[] b = random(rng, k * n);
        double[] c = random(rng, m * n);
        double[] got = gemm(be, dt, ta, a, ar, ac, b, k, n, c, m);
        double[] want = gemm(ref, DType.F64, ta, a, ar, ac, b, k, n, c, m);
        return relError(got, want);
    }

    private static double[] gemm(Backend be, DType dt, Transpose ta, double[] a, int ar, int ac, double[] b, int k,
                                 int n, double[] c, int m) {
        try (Matrix am = be.allocate(dt, ar, ac); Matrix bm = be.allocate(dt, k, n); Matrix cm = be.allocate(dt, m, n)) {
            SmokeNetwork.upload(be, a, am);
            SmokeNetwork.upload(be, b, bm);
            SmokeNetwork.upload(be, c, cm);
            be.gemm(ta, Transpose.NO, 1.5, am, bm, -0.5, cm);
            return be.toDoubleArray(cm);
        }
    }

    private double forwardError(Backend be, Backend ref, Parametrization p, DType dt, int batch) {
        double[] x = net.signals(batch, 5);
        double[] got = forward(be, p, dt, x, batch);
        double[] want = forward(ref, p, DType.F64, x, batch);
        return relError(got, want);
    }

    private double[] forward(Backend be, Parametrization p, DType dt, double[] x, int batch) {
        NetworkSpec spec = new NetworkSpec(p, 20, net.n, net.m, dt);
        try (Matrix d = net.dictionary(be, dt); ParameterSet params = net.parameters(be, spec);
             Matrix xm = be.allocate(dt, net.n, batch); Matrix z = be.allocate(dt, net.m, batch);
             Tape tape = be.newTape(spec, batch); Matrix z2 = be.allocate(dt, net.m, batch)) {
            SmokeNetwork.upload(be, x, xm);
            UnrolledModel model = net.model(be, params, d);
            be.unrolledForward(model, xm, null, z);
            be.unrolledForward(model, xm, tape, z2);
            double[] a = be.toDoubleArray(z);
            double[] b = be.toDoubleArray(z2);
            if (relError(a, b) > 0) {
                failures.add(p.id() + " " + dt + ": forward with and without tape differ by " + relError(a, b));
            }
            return a;
        }
    }

    // ------------------------------------------------------------------ timings

    private void timings(Backend be) {
        try (Matrix a = be.allocate(DType.F32, 4096, 4096); Matrix b = be.allocate(DType.F32, 4096, 4096);
             Matrix c = be.allocate(DType.F32, 4096, 4096); Matrix one = be.allocate(DType.F32, 1, 1)) {
            be.fill(a, 0.5);
            be.fill(b, 0.25);
            double s = time(be, one, 3, 10, () -> be.gemm(1, a, b, 0, c));
            System.out.printf(Locale.ROOT, "gemm F32 4096³ through the backend: %.3f ms, %.1f TFLOP/s%n", s * 1e3,
                    2.0 * 4096 * 4096 * 4096 / s / 1e12);
            Matrix ab = a.view(0, 0, 256, 64);
            Matrix bb = b.view(0, 0, 64, 4096);
            Matrix cb = c.view(0, 0, 256, 4096);
            double s2 = time(be, one, 5, 50, () -> be.gemm(1, ab, bb, 0, cb));
            System.out.printf(Locale.ROOT, "gemm F32 256×64·64×4096 through the backend: %.1f µs, %.2f TFLOP/s%n",
                    s2 * 1e6, 2.0 * 256 * 64 * 4096 / s2 / 1e12);
        }
        forwardTimings(be, "fused where possible");
        trainingTimings(be);
    }

    private void forwardTimings(Backend be, String label) {
        for (Parametrization p : List.of(Parametrization.STEP, Parametrization.LISTA)) {
            for (int batch : new int[]{1, 256, 4096, 65536}) {
                NetworkSpec spec = new NetworkSpec(p, 20, net.n, net.m, DType.F32);
                try (Matrix d = net.dictionary(be, DType.F32); ParameterSet params = net.parameters(be, spec);
                     Matrix x = be.allocate(DType.F32, net.n, batch); Matrix z = be.allocate(DType.F32, net.m, batch);
                     Matrix one = be.allocate(DType.F32, 1, 1)) {
                    SmokeNetwork.upload(be, net.signals(batch, 9), x);
                    UnrolledModel model = net.model(be, params, d);
                    double s = time(be, one, 3, batch >= 65536 ? 5 : 30, () -> be.unrolledForward(model, x, null, z));
                    System.out.printf(Locale.ROOT, "forward %-6s 20 layers B=%-6d %-22s %10.1f µs %12.0f samples/s%n",
                            p.id(), batch, label, s * 1e6, batch / s);
                    if (batch == 1) {
                        float[] host = new float[net.n];
                        float[] out = new float[net.m];
                        long t0 = System.nanoTime();
                        int reps = 50;
                        for (int r = 0; r < reps; r++) {
                            be.upload(host, x);
                            be.unrolledForward(model, x, null, z);
                            be.download(z, out);
                        }
                        System.out.printf(Locale.ROOT, "  B=1 round trip (upload, forward, download): %.1f µs%n",
                                (System.nanoTime() - t0) / 1e3 / reps);
                    }
                }
            }
        }
    }

    private void trainingTimings(Backend be) {
        for (Parametrization p : List.of(Parametrization.STEP, Parametrization.LISTA)) {
            for (int batch : new int[]{256, 4096, 65536}) {
                NetworkSpec spec = new NetworkSpec(p, 20, net.n, net.m, DType.F32);
                try (Matrix d = net.dictionary(be, DType.F32); ParameterSet params = net.parameters(be, spec);
                     ParameterSet grads = be.newParameters(spec);
                     OptimizerState adam = be.newOptimizerState(new Optimizer.Adam(1e-3), spec);
                     Tape tape = be.newTape(spec, batch);
                     Matrix x = be.allocate(DType.F32, net.n, batch); Matrix z = be.allocate(DType.F32, net.m, batch);
                     Matrix gz = be.allocate(DType.F32, net.m, batch); Matrix one = be.allocate(DType.F32, 1, 1)) {
                    SmokeNetwork.upload(be, net.signals(batch, 13), x);
                    UnrolledModel model = net.model(be, params, d);
                    double s = time(be, one, 2, batch >= 65536 ? 3 : 10, () -> {
                        be.unrolledForward(model, x, tape, z);
                        be.lassoObjective(d, x, z, net.lambda, null, gz, null);
                        be.unrolledBackward(model, tape, gz, grads, null);
                        be.optimizerStep(adam, params, grads);
                    });
                    System.out.printf(Locale.ROOT, "training step %-6s 20 layers B=%-6d %10.1f µs %12.0f samples/s%n",
                            p.id(), batch, s * 1e6, batch / s);
                }
            }
        }
    }

    /** Seconds per call of {@code op} after {@code warmup} calls, synchronised by a 1×1 reduction. */
    private static double time(Backend be, Matrix sync, int warmup, int reps, Runnable op) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        be.maxAbs(sync);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            op.run();
        }
        be.maxAbs(sync);
        return (System.nanoTime() - t0) / 1e9 / reps;
    }

    private static double[] random(SplittableRandom rng, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rng.nextDouble(-1, 1);
        }
        return v;
    }

    private static double relError(double[] got, double[] want) {
        double scale = 1e-30;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            double e = Math.abs(got[i] - want[i]);
            err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
        }
        return err / scale;
    }
}
