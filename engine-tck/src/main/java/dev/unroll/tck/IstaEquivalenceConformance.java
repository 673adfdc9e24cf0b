package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.HostNetwork;
import dev.unroll.tck.support.Oracle;
import dev.unroll.tck.support.Problems;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * ADOPTY's first unit test ({@code test_lista_init}, docs/science.md §3.1): an untrained network of every
 * parametrization but ALISTA, initialised as ISTA, gives ISTA's cost after T iterations, for
 * reg ∈ {.1, .3, .5, 2} and T ∈ {1, 10, 50, 100} on make_coding(1000, 10 atoms, 20 dims).
 */
public class IstaEquivalenceConformance extends ConformanceBase {
    static final double[] REGS = {0.1, 0.3, 0.5, 2};
    static final int[] DEPTHS = {1, 10, 50, 100};
    static final int SAMPLES = 1000;
    static final int ATOMS = 10;
    static final int DIM = 20;

    private Problems.Coding coding;
    private double lipschitz;
    private final Map<Double, double[]> istaCosts = new HashMap<>();

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Parametrization p : Parametrization.values()) {
                if (p == Parametrization.ALISTA) {
                    continue;
                }
                for (double reg : REGS) {
                    for (int depth : DEPTHS) {
                        args.add(Arguments.of(t, p, reg, depth));
                    }
                }
            }
        }
        return args.stream();
    }

    @BeforeAll
    void problem() {
        coding = Problems.makeCoding(SAMPLES, ATOMS, DIM, 42);
        lipschitz = Oracle.lipschitz(coding.d());
    }

    private double[] ista(double reg) {
        return istaCosts.computeIfAbsent(reg, r -> Oracle.istaCosts(coding.d(), coding.x(), r, lipschitz,
                DEPTHS[DEPTHS.length - 1]));
    }

    @ParameterizedTest(name = "{0} {1} reg={2} T={3}")
    @MethodSource("combinations")
    void untrainedNetworkEqualsIsta(DType t, Parametrization p, double reg, int depth) {
        NetworkSpec spec = new NetworkSpec(p, depth, DIM, ATOMS, t);
        HostMatrix d = coding.d();
        HostMatrix x = coding.x();
        double expected = ista(reg)[depth];
        // F64 matches ISTA to rounding; F32 data and weights are rounded copies, so the cost agrees to F32 accuracy.
        double rel = t == DType.F64 ? 1e-10 : 2e-4;
        try (ParameterSet params = HostNetwork.istaEquivalent(spec, d, lipschitz).upload(backend);
             Matrix dm = d.upload(backend, t);
             Matrix xm = x.upload(backend, t);
             Matrix z = backend.allocate(t, ATOMS, SAMPLES)) {
            backend.unrolledForward(new UnrolledModel(params, dm, reg), xm, null, z);
            double score = backend.lassoObjective(dm, xm, z, reg);
            Close.scalar(expected, score, rel, 1e-8, t + " " + p.id() + " reg=" + reg + " T=" + depth
                    + ": F(z_T) of the ISTA-initialised network vs ISTA's cost after " + depth + " iterations");
        }
    }
}
