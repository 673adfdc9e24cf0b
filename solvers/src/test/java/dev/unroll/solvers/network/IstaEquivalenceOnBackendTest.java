package dev.unroll.solvers.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.Ista;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ADOPTY's {@code test_lista_init} (docs/science.md §3.1, §12) on the backend under test: an untrained T-layer
 * network of every parametrization but ALISTA scores exactly ISTA's cost after T iterations, on
 * {@code make_coding(1000, 10, 20, random_state=42)}.
 */
class IstaEquivalenceOnBackendTest {
    private static Backend be;
    private static CodingData data;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(1000, 10, 20, 1000, 42);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest(name = "{0} λ={1} {2}")
    @CsvSource({"F64,0.1,1e-9", "F64,0.3,1e-9", "F64,0.5,1e-9", "F64,2,1e-9", "F32,0.1,1e-4", "F32,0.5,1e-4"})
    void untrainedNetworksAreIsta(DType dtype, double lambda, double rtol) {
        int[] depths = dtype == DType.F64 ? new int[]{1, 10, 50, 100} : new int[]{1, 10};
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), lambda);
             Matrix x = p.uploadSignals(data.signals());
             Matrix z = p.zeroCodes(x.cols());
             Ista ista = new Ista(p, x.cols())) {
            double[] istaCosts = ista.solve(x, z, Stopping.after(100)).costs();
            for (Parametrization par : new Parametrization[]{Parametrization.LISTA, Parametrization.COUPLED,
                    Parametrization.STEP, Parametrization.FIRST_STEP}) {
                for (int t : depths) {
                    try (UnrolledNetwork net = UnrolledNetwork.create(p, par, t)) {
                        double score = net.loss(x);
                        assertEquals(istaCosts[t], score, rtol * istaCosts[t], par.id() + " T=" + t);
                    }
                }
            }
        }
    }
}
