package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.HostNetwork;
import dev.unroll.tck.support.NetworkFixture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The unrolled forward pass of every parametrization against the oracle's double-precision pass: the
 * output, every recorded z_t and u_t on the tape, from zeros and from a given z₀, over all layers and over
 * a prefix of them, on a tape larger than the batch; and the tape-less (inference) pass gives the same
 * output.
 */
public class UnrolledForwardConformance extends ConformanceBase {
    static final int N = 13;
    static final int M = 21;
    static final int BATCH = 17;
    static final int LAYERS = 5;

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Parametrization p : Parametrization.values()) {
                for (boolean fromZ0 : new boolean[]{false, true}) {
                    for (int layers : new int[]{LAYERS, LAYERS - 2}) {
                        args.add(Arguments.of(t, p, fromZ0, layers));
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1} fromZ0={2} layers={3}")
    @MethodSource("combinations")
    void forwardMatchesOracle(DType t, Parametrization p, boolean fromZ0, int layers) {
        checkForward(t, p, fromZ0, layers, BATCH);
    }

    /**
     * Batches of a hundred columns and more, one with a partial last block, so that a backend which runs large
     * batches differently (cpu-vector runs tiles of the batch through every layer on separate threads) is
     * checked there too.
     */
    static final int[] LARGE_BATCHES = {150, 300};

    static Stream<Arguments> largeCombinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Parametrization p : Parametrization.values()) {
                for (int batch : LARGE_BATCHES) {
                    args.add(Arguments.of(t, p, p.ordinal() % 2 == 0, LAYERS, batch));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1} fromZ0={2} layers={3} batch={4}")
    @MethodSource("largeCombinations")
    void largeBatchMatchesOracle(DType t, Parametrization p, boolean fromZ0, int layers, int batch) {
        checkForward(t, p, fromZ0, layers, batch);
    }

    /** The pass on a tape and without one, over {@code layers} of {@value #LAYERS} layers, against the oracle. */
    private void checkForward(DType t, Parametrization p, boolean fromZ0, int layers, int batch) {
        NetworkFixture f = NetworkFixture.create(p, t, N, M, batch, LAYERS, 0.3, 0.2, 100 + p.ordinal(), 0);
        HostMatrix z0 = fromZ0 ? HostMatrix.uniform(M, batch, -0.5, 0.5, new SplittableRandom(5)).roundedTo(t) : null;
        HostNetwork.Trace expected = f.net.forward(f.d, f.analytic, f.x, z0, f.lambda, layers);
        double rel = t == DType.F32 ? 2e-5 * layers : 1e-12 * layers;
        String what = t + " " + p.id() + (fromZ0 ? " from z0" : "") + " " + layers + "/" + LAYERS + " layers";
        try (NetworkFixture.Uploaded up = f.upload(backend);
             Tape tape = backend.newTape(f.spec, batch + 15);
             Matrix z0m = z0 == null ? null : z0.upload(backend, t);
             Matrix out = backend.allocate(t, M, batch);
             Matrix inference = backend.allocate(t, M, batch)) {
            backend.unrolledForward(up.model(), up.x(), z0m, layers, tape, out);
            Assertions.assertEquals(layers, tape.layersRun());
            Assertions.assertEquals(batch, tape.batch());
            Close.normwise(expected.output(), HostMatrix.download(backend, out), rel, 1, what + ": output z_T");
            for (int l = 0; l <= layers; l++) {
                Close.normwise(expected.z()[l], HostMatrix.download(backend, tape.z(l)), rel, 1, what + ": tape z_" + l);
                if (l > 0) {
                    Close.normwise(expected.u()[l], HostMatrix.download(backend, tape.u(l)), rel, 1, what + ": tape u_" + l);
                }
            }
            backend.unrolledForward(up.model(), up.x(), z0m, layers, null, inference);
            Close.normwise(expected.output(), HostMatrix.download(backend, inference), rel, 1,
                    what + ": output of the pass without a tape");
        }
    }
}
