package dev.unroll.tck;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.HostNetwork;
import dev.unroll.tck.support.NetworkFixture;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reverse mode through the unrolled network. In F64 every parameter of every layer and every entry of D is
 * checked against central finite differences of the Lasso objective at the output, with full and
 * truncated back-propagation (truncated: layers before the window get exactly 0, and D's gradient is the
 * derivative with z at the window's start held fixed). In F32 the gradients are compared with the reference
 * backend's F64 gradients on the same data.
 */
public class ReverseModeConformance extends ConformanceBase {
    static final int N = 5;
    static final int M = 8;
    static final int BATCH = 4;
    static final int LAYERS = 3;
    static final double LAMBDA = 0.2;
    static final double H = 1e-6;

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (Parametrization p : Parametrization.values()) {
            for (int lastLayers : new int[]{LAYERS, 2, 1}) {
                args.add(Arguments.of(p, lastLayers));
            }
        }
        return args.stream();
    }

    /** Gradients from one forward + loss + backward pass. */
    record Gradients(List<List<HostMatrix>> params, HostMatrix dTotal, HostMatrix zStart) {
    }

    static Gradients gradients(Backend be, NetworkFixture f, DType dtype, int lastLayers) {
        int layers = f.spec.layers();
        int n = f.spec.signalDim();
        int m = f.spec.atoms();
        int batch = f.x.cols;
        NetworkSpec spec = new NetworkSpec(f.spec.parametrization(), layers, n, m, dtype);
        try (NetworkFixture.Uploaded up = f.upload(be, dtype);
             Tape tape = be.newTape(spec, batch);
             Matrix z = be.allocate(dtype, m, batch);
             Matrix gradZ = be.allocate(dtype, m, batch);
             Matrix gradDLoss = be.allocate(dtype, n, m);
             Matrix gradDLayers = be.allocate(dtype, n, m);
             ParameterSet grads = be.newParameters(spec)) {
            UnrolledModel model = up.model();
            be.unrolledForward(model, up.x(), tape, z);
            be.lassoObjective(model.dictionary(), up.x(), z, f.lambda, null, gradZ, gradDLoss);
            be.unrolledBackward(model, tape, gradZ, grads, gradDLayers, lastLayers);
            List<List<HostMatrix>> g = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                g.add(grads.layer(l).stream().map(mat -> HostMatrix.download(be, mat)).toList());
            }
            HostMatrix dTotal = HostMatrix.download(be, gradDLoss).combine(1, 1, HostMatrix.download(be, gradDLayers));
            return new Gradients(g, dTotal, HostMatrix.download(be, tape.z(layers - lastLayers)));
        }
    }

    @ParameterizedTest(name = "F64 {0} last {1} of 3 layers")
    @MethodSource("combinations")
    void gradientsMatchFiniteDifferences(Parametrization p, int lastLayers) {
        NetworkFixture f = NetworkFixture.create(p, DType.F64, N, M, BATCH, LAYERS, LAMBDA, 0.15, 7 + p.ordinal(), 1e-4);
        Gradients g = gradients(backend, f, DType.F64, lastLayers);
        int first = LAYERS - lastLayers;
        String what = p.id() + " (last " + lastLayers + " layers)";
        for (int l = 0; l < LAYERS; l++) {
            for (int s = 0; s < g.params().get(l).size(); s++) {
                HostMatrix analytic = g.params().get(l).get(s);
                String name = what + " layer " + l + " " + p.layout(l).get(s).id();
                if (l < first) {
                    Assertions.assertEquals(0.0, analytic.maxAbs(), name + ": outside the truncation window the gradient must be 0");
                    continue;
                }
                HostMatrix param = f.net.layers.get(l).get(s);
                HostMatrix fd = new HostMatrix(param.rows, param.cols);
                for (int i = 0; i < param.data.length; i++) {
                    double keep = param.data[i];
                    param.data[i] = keep + H;
                    double plus = objective(f.net, f.d, f.analytic, f.x, null, f.lambda);
                    param.data[i] = keep - H;
                    double minus = objective(f.net, f.d, f.analytic, f.x, null, f.lambda);
                    param.data[i] = keep;
                    fd.data[i] = (plus - minus) / (2 * H);
                }
                Close.normwise(fd, analytic, 1e-6, 1e-2, name + " vs finite differences");
            }
        }
        // D: the loss's own derivative plus what flows through the differentiated layers, z_first fixed.
        HostNetwork tail = tail(f.net, first);
        HostMatrix zStart = first == 0 ? null : g.zStart();
        HostMatrix fdD = new HostMatrix(N, M);
        for (int i = 0; i < f.d.data.length; i++) {
            double keep = f.d.data[i];
            f.d.data[i] = keep + H;
            double plus = objective(tail, f.d, f.analytic, f.x, zStart, f.lambda);
            f.d.data[i] = keep - H;
            double minus = objective(tail, f.d, f.analytic, f.x, zStart, f.lambda);
            f.d.data[i] = keep;
            fdD.data[i] = (plus - minus) / (2 * H);
        }
        Close.normwise(fdD, g.dTotal(), 1e-6, 1e-2, what + " ∂F/∂D vs finite differences");
    }

    @ParameterizedTest(name = "F32 {0}")
    @EnumSource(Parametrization.class)
    void singlePrecisionGradientsMatchTheReference(Parametrization p) {
        NetworkFixture f = NetworkFixture.create(p, DType.F32, N, M, BATCH, LAYERS, LAMBDA, 0.15, 50 + p.ordinal(), 1e-3);
        try (Backend reference = TckBackend.reference()) {
            for (int lastLayers : new int[]{LAYERS, 1}) {
                Gradients expected = gradients(reference, f, DType.F64, lastLayers);
                Gradients actual = gradients(backend, f, DType.F32, lastLayers);
                compare(p, expected, actual, 2e-4, "F32 vs reference F64, last " + lastLayers);
                if (!backend.name().equals(TckBackend.REFERENCE)) {
                    compare(p, expected, gradients(backend, f, DType.F64, lastLayers), 1e-10,
                            "F64 vs reference F64, last " + lastLayers);
                }
            }
        }
    }

    /**
     * A batch of 300 (three tiles of 132, the last partial) through a network large enough that cpu-vector
     * splits the reverse pass into parts of the batch on separate threads and adds their weight gradients
     * afterwards: every gradient, full and truncated, against the reference backend's in F64, and F32 against
     * those too.
     */
    @ParameterizedTest(name = "large batch {0}")
    @EnumSource(Parametrization.class)
    void largeBatchGradientsMatchTheReference(Parametrization p) {
        int layers = 5;
        NetworkFixture f64 = NetworkFixture.create(p, DType.F64, 13, 21, 300, layers, LAMBDA, 0.15, 70 + p.ordinal(), 0);
        NetworkFixture f32 = NetworkFixture.create(p, DType.F32, 13, 21, 300, layers, LAMBDA, 0.15, 70 + p.ordinal(), 1e-6);
        try (Backend reference = TckBackend.reference()) {
            for (int lastLayers : new int[]{layers, 2}) {
                compare(p, gradients(reference, f64, DType.F64, lastLayers), gradients(backend, f64, DType.F64, lastLayers),
                        1e-10, "batch 300 F64 vs reference F64, last " + lastLayers);
                compare(p, gradients(reference, f32, DType.F64, lastLayers), gradients(backend, f32, DType.F32, lastLayers),
                        2e-4, "batch 300 F32 vs reference F64, last " + lastLayers);
            }
        }
    }

    /**
     * At an exact tie |u| = τ the mask is 0 (PyTorch's relu'(0) = 0): a one-layer coupled network with
     * D = I, W = I/2, θ = 1/4, λ = 1/2 and x = (1/4, 1/2) puts u₁ exactly on its threshold (binary fractions,
     * exact in both precisions), so θ₁ and row 1 of W get no gradient, while coordinate 2 does.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void maskIsStrictAtExactTies(DType t) {
        NetworkSpec spec = new NetworkSpec(Parametrization.COUPLED, 1, 2, 2, t);
        HostMatrix identity = HostMatrix.identity(2);
        HostNetwork net = new HostNetwork(spec, List.of(List.of(identity.combine(0.5, 0, identity),
                HostMatrix.constant(2, 1, 0.25))));
        HostMatrix x = new HostMatrix(2, 1, new double[]{0.25, 0.5});
        try (ParameterSet params = net.upload(backend);
             ParameterSet grads = backend.newParameters(spec);
             Matrix d = identity.upload(backend, t);
             Matrix xm = x.upload(backend, t);
             Matrix z = backend.allocate(t, 2, 1);
             Matrix gradZ = backend.allocate(t, 2, 1);
             Tape tape = backend.newTape(spec, 1)) {
            UnrolledModel model = new UnrolledModel(params, d, 0.5);
            backend.unrolledForward(model, xm, tape, z);
            backend.lassoObjective(d, xm, z, 0.5, null, gradZ, null);
            backend.unrolledBackward(model, tape, gradZ, grads, null);
            HostMatrix theta = HostMatrix.download(backend, grads.get(0, dev.unroll.engine.ParamKind.THRESHOLDS));
            HostMatrix w = HostMatrix.download(backend, grads.get(0, dev.unroll.engine.ParamKind.W_COUPLED));
            Assertions.assertEquals(0.0, theta.get(0, 0), t + ": θ₁ at the tie |u₁| = τ₁ must get no gradient (strict mask)");
            Assertions.assertEquals(0.0, w.get(0, 0), t + ": W₁₁ at the tie must get no gradient");
            Assertions.assertEquals(0.0, w.get(0, 1), t + ": W₁₂ at the tie must get no gradient");
            Assertions.assertNotEquals(0.0, theta.get(1, 0), t + ": θ₂ (|u₂| > τ₂) must get a gradient");
        }
    }

    private static void compare(Parametrization p, Gradients expected, Gradients actual, double rel, String what) {
        for (int l = 0; l < expected.params().size(); l++) {
            for (int s = 0; s < expected.params().get(l).size(); s++) {
                Close.normwise(expected.params().get(l).get(s), actual.params().get(l).get(s), rel, 1e-3,
                        p.id() + " " + what + ": layer " + l + " " + p.layout(l).get(s).id());
            }
        }
        Close.normwise(expected.dTotal(), actual.dTotal(), rel, 1e-3, p.id() + " " + what + ": ∂F/∂D");
    }

    /** The layers from {@code first} on, as a network of their own (FIRST_STEP's tail is step-only). */
    static HostNetwork tail(HostNetwork net, int first) {
        if (first == 0) {
            return net;
        }
        Parametrization p = net.spec.parametrization() == Parametrization.FIRST_STEP ? Parametrization.STEP
                : net.spec.parametrization();
        NetworkSpec spec = new NetworkSpec(p, net.spec.layers() - first, net.spec.signalDim(), net.spec.atoms(),
                net.spec.dtype());
        return new HostNetwork(spec, net.layers.subList(first, net.layers.size()));
    }

    /** F at the output of the oracle network (double precision throughout). */
    static double objective(HostNetwork net, HostMatrix d, HostMatrix analytic, HostMatrix x, HostMatrix z0,
                            double lambda) {
        HostNetwork.Trace trace = net.forward(d, analytic, x, z0, lambda, net.spec.layers());
        return dev.unroll.tck.support.Oracle.lasso(d, x, trace.output(), lambda);
    }
}
