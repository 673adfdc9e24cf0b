package dev.unroll.solvers.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training on badly scaled data never leaves non-finite parameters: a non-finite start is refused with the
 * data's scale named, and a run whose steps overflow keeps its best finite parameters.
 */
class TrainerNonFiniteTest {
    private static Backend be;
    private static CodingData data;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(200, 20, 10, 200, 1);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    private static HostMatrix scaled(HostMatrix x, double factor) {
        double[] v = x.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return new HostMatrix(x.rows(), x.cols(), v);
    }

    private static TrainingOptions options(String optimizer) {
        TrainingOptions o = TrainingOptions.defaults().withMaxIterations(30);
        return optimizer.equals("adam") ? o.withAdam(0.5, 50) : o.withLineSearch();
    }

    @ParameterizedTest
    @ValueSource(strings = {"line-search", "adam"})
    void aLossThatIsInfiniteAtTheStartIsRefusedNamingTheScale(String optimizer) {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.1);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4)) {
            NonFiniteInputException e = assertThrows(NonFiniteInputException.class,
                    () -> Trainer.train(net, scaled(data.train(), 1e200), options(optimizer)));
            assertTrue(e.getMessage().contains("Infinity at the start") && e.getMessage().contains("scale"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line-search", "adam"})
    void stepsThatOverflowAreRejectedAndTheBestFiniteParametersKept(String optimizer) {
        // |x| ≈ 1e150: the loss (≈ 1e300) is finite, but a step that scales the codes overflows it.
        HostMatrix x = scaled(data.train(), 1e150);
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.1);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
             Matrix xm = p.uploadSignals(x)) {
            TrainingResult r = Trainer.train(net, x, options(optimizer));
            assertTrue(Double.isFinite(r.finalLoss()), "final loss " + r.finalLoss() + ", " + r.reason());
            assertTrue(Double.isFinite(net.loss(xm)), "the network's loss " + net.loss(xm));
            for (int t = 0; t < net.layers(); t++) {
                for (ParamKind kind : Parametrization.STEP.layout(t)) {
                    net.parameter(t, kind).requireFinite("layer " + t + " " + kind.id());
                }
            }
            assertEquals(r.finalLoss(), net.loss(xm), Math.abs(r.finalLoss()) * 1e-9, "it holds its best");
        }
    }

    @org.junit.jupiter.api.Test
    void adamStopsAtTheFirstNonFiniteLossAndKeepsItsBest() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.1);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
             Matrix xm = p.uploadSignals(data.train())) {
            double start = net.loss(xm);
            // A learning rate of 1e300 throws the steps to ±∞ at once.
            TrainingResult r = Trainer.train(net, data.train(),
                    TrainingOptions.defaults().withMaxIterations(30).withAdam(1e300, 50));
            assertEquals(StopReason.DIVERGED, r.reason());
            assertEquals(start, net.loss(xm), "the starting parameters were the best finite ones");
            assertEquals(start, r.finalLoss());
        }
    }
}
