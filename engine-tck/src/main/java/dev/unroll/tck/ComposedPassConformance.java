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
import dev.unroll.tck.support.NetworkFixture;
import dev.unroll.tck.providers.PrimitivesOnlyTestProvider;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backend's unrolled passes against the SPI's composed definition of every layer kind, which the reference
 * backend runs (it is the composed default on plain loops): for every parametrization, tape window and
 * truncation depth, the output, the tape's record and every gradient, in F64 to 1e-10 and in F32 to 2e-4 of
 * the reference's F64. A tape that records a window of the last layers must give the same bits as a full tape,
 * and leave the layers before its window unrecorded. The TCK's primitives-only backend, the reference's primitives
 * with every pass inherited, must give the reference's bits.
 */
public class ComposedPassConformance extends ConformanceBase {
    static final int N = 13;
    static final int M = 21;
    static final int LAYERS = 4;
    static final double LAMBDA = 0.2;

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (Parametrization p : Parametrization.values()) {
            for (int window : new int[]{LAYERS, 2, 1}) {
                for (int batch : new int[]{17, 300}) {
                    args.add(Arguments.of(p, window, batch));
                }
            }
        }
        return args.stream();
    }

    /** One forward and reverse pass: the output, the tape's record (z_t, u_t of the window) and the gradients. */
    record Pass(HostMatrix output, List<HostMatrix> record, List<HostMatrix> gradients) {
    }

    @ParameterizedTest(name = "{0} window {1} batch {2}")
    @MethodSource("combinations")
    void passesMatchTheComposedDefinition(Parametrization p, int window, int batch) {
        // Pre-activations kept away from their thresholds, so that F32 and F64 agree on every mask.
        NetworkFixture f64 = NetworkFixture.create(p, DType.F64, N, M, batch, LAYERS, LAMBDA, 0.15, 90 + p.ordinal(), 0);
        NetworkFixture f32 = NetworkFixture.create(p, DType.F32, N, M, batch, LAYERS, LAMBDA, 0.15, 90 + p.ordinal(),
                batch > 100 ? 1e-6 : 1e-5);
        try (Backend reference = TckBackend.reference()) {
            for (int last = window; last >= 1; last--) {
                String what = p.id() + " window " + window + " last " + last + " batch " + batch;
                Pass full = pass(backend, f64, DType.F64, LAYERS, last);
                Pass windowed = pass(backend, f64, DType.F64, window, last);
                same(full, windowed, what + ": F64 windowed tape vs full tape");
                Pass composed = pass(reference, f64, DType.F64, window, last);
                compare(composed, windowed, 1e-10, what + ": F64");
                if (backend.name().equals(PrimitivesOnlyTestProvider.NAME)) {
                    // The same primitives composed the same way: the reference has no pass of its own.
                    same(composed, windowed, what + ": primitives-only vs reference");
                }
                compare(pass(reference, f32, DType.F64, window, last), pass(backend, f32, DType.F32, window, last), 2e-4,
                        what + ": F32 vs reference F64");
            }
        }
    }

    /** Forward with a tape of {@code window} layers, the Lasso loss, reverse through the last {@code last}. */
    static Pass pass(Backend be, NetworkFixture f, DType dtype, int window, int last) {
        int batch = f.x.cols;
        NetworkSpec spec = new NetworkSpec(f.spec.parametrization(), LAYERS, N, M, dtype);
        try (NetworkFixture.Uploaded up = f.upload(be, dtype);
             Tape tape = be.newTape(spec, batch, window);
             Matrix z = be.allocate(dtype, M, batch);
             Matrix gradZ = be.allocate(dtype, M, batch);
             Matrix gradD = be.allocate(dtype, N, M);
             ParameterSet grads = be.newParameters(spec)) {
            UnrolledModel model = up.model();
            be.unrolledForward(model, up.x(), tape, z);
            int first = LAYERS - window;
            Assertions.assertEquals(first, tape.recordedFrom(), "a tape of window " + window + " starts its record there");
            List<HostMatrix> record = new ArrayList<>();
            for (int t = 0; t <= LAYERS; t++) {
                if (t < first) {
                    Assertions.assertNull(tape.z(t), "z_" + t + " lies before the window of " + window + " layers");
                    continue;
                }
                if (t > first) { // u_t before z_t, so that a window's record is the tail of a full one
                    record.add(HostMatrix.download(be, tape.u(t)));
                } else if (t > 0) {
                    Assertions.assertNull(tape.u(t), "u_" + t + " lies before the window of " + window + " layers");
                }
                record.add(HostMatrix.download(be, tape.z(t)));
            }
            be.lassoObjective(model.dictionary(), up.x(), z, f.lambda, null, gradZ, null);
            be.unrolledBackward(model, tape, gradZ, grads, gradD, last);
            List<HostMatrix> g = new ArrayList<>();
            for (Matrix mat : grads.all()) {
                g.add(HostMatrix.download(be, mat));
            }
            g.add(HostMatrix.download(be, gradD));
            return new Pass(HostMatrix.download(be, z), record, g);
        }
    }

    /** The windowed pass gives the full pass's output, the same record where both have one, and the same gradients. */
    private static void same(Pass full, Pass windowed, String what) {
        Assertions.assertArrayEquals(full.output().data, windowed.output().data, what + ": output");
        List<HostMatrix> tail = full.record().subList(full.record().size() - windowed.record().size(), full.record().size());
        for (int i = 0; i < tail.size(); i++) {
            Assertions.assertArrayEquals(tail.get(i).data, windowed.record().get(i).data, what + ": record " + i);
        }
        for (int i = 0; i < full.gradients().size(); i++) {
            Assertions.assertTrue(Arrays.equals(full.gradients().get(i).data, windowed.gradients().get(i).data),
                    what + ": gradient " + i);
        }
    }

    private static void compare(Pass expected, Pass actual, double rel, String what) {
        Close.normwise(expected.output(), actual.output(), rel, 1, what + ": output");
        for (int i = 0; i < expected.record().size(); i++) {
            Close.normwise(expected.record().get(i), actual.record().get(i), rel, 1, what + ": record " + i);
        }
        for (int i = 0; i < expected.gradients().size(); i++) {
            Close.normwise(expected.gradients().get(i), actual.gradients().get(i), rel, 1e-3, what + ": gradient " + i
                    + (i == expected.gradients().size() - 1 ? " (∂/∂D through the layers)" : ""));
        }
    }
}
