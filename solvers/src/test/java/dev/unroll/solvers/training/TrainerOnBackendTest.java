package dev.unroll.solvers.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.ReferenceOptimum;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The trainer on the backend under test: it learns, reports, repeats, stops, and refuses bad input. */
class TrainerOnBackendTest {
    private static Backend be;
    private static CodingData data;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(400, 20, 10, 200, 1);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TrainingMode.class, names = {"ONESHOT", "RECURSIVE", "GREEDY"})
    void lineSearchLowersTheTrainingAndTestLoss(TrainingMode mode) {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.COUPLED, 5);
             Matrix test = p.uploadSignals(data.test())) {
            double before = net.loss(test);
            List<TrainingProgress> reports = new ArrayList<>();
            TrainingResult r = Trainer.train(net, data.train(), TrainingOptions.defaults().withMode(mode)
                    .withMaxIterations(50).withListener(reports::add));
            double[] h = r.lossHistory();
            for (int i = 1; i < h.length; i++) {
                if (mode == TrainingMode.ONESHOT) {
                    assertTrue(h[i] <= h[i - 1], "accepted losses never increase: " + h[i - 1] + " → " + h[i]);
                }
            }
            assertTrue(r.finalLoss() < h[0], "training lowered the loss");
            assertTrue(net.loss(test) < before, "the test loss went down too");
            assertTrue(reports.size() >= 2);
            assertEquals(mode == TrainingMode.ONESHOT ? 1 : 5, reports.get(reports.size() - 1).stages());
        }
    }

    @Test
    void slistaBeatsIstaAndItsStepsGrow() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 10);
             Matrix test = p.uploadSignals(data.test())) {
            double ista = net.loss(test);
            Trainer.train(net, data.train(), TrainingOptions.defaults().withMaxIterations(100));
            assertTrue(net.loss(test) < ista, "10-layer SLISTA beats 10 ISTA iterations on test data");
            double first = net.parameter(0, ParamKind.STEP_SIZE).get(0, 0) * p.lipschitz();
            double last = net.parameter(9, ParamKind.STEP_SIZE).get(0, 0) * p.lipschitz();
            assertTrue(last > first && last > 1, "the learned step grows past 1/L (α·L: " + first + " → " + last + ")");
        }
    }

    @Test
    void adamWithASeedRepeatsExactly() {
        double[][] runs = new double[2][];
        for (int run = 0; run < 2; run++) {
            try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.LISTA, 3)) {
                TrainingResult r = Trainer.train(net, data.train(), TrainingOptions.defaults()
                        .withMode(TrainingMode.ONESHOT).withAdam(1e-3, 32).withSeed(7).withMaxIterations(30));
                assertTrue(r.finalLoss() <= r.lossHistory()[0]);
                runs[run] = net.parameter(2, ParamKind.W_X).values();
            }
        }
        assertArrayEquals(runs[0], runs[1], "same seed, same backend: bit-identical parameters");
    }

    @Test
    void supervisedTrainingMovesTowardsTheTargets() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             Matrix x = p.uploadSignals(data.train());
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.COUPLED, 3)) {
            ReferenceOptimum.Optimum opt = ReferenceOptimum.ista(p, x, 2000);
            HostMatrix target;
            try (Matrix z = opt.codes()) {
                target = new HostMatrix(z.rows(), z.cols(), be.toDoubleArray(z));
            }
            TrainingResult r = Trainer.train(net, data.train(), target, TrainingOptions.defaults()
                    .withObjective(TrainingObjective.SUPERVISED).withMode(TrainingMode.ONESHOT).withMaxIterations(30));
            assertTrue(r.finalLoss() < r.lossHistory()[0]);
        }
    }

    @Test
    void stopsOnRequestAndOnTimeKeepingTheBestParameters() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
             Matrix train = p.uploadSignals(data.train())) {
            StopSignal stop = new StopSignal();
            TrainingResult r = Trainer.train(net, data.train(), TrainingOptions.defaults().withMaxIterations(10_000)
                    .withStopSignal(stop).withListener(pr -> {
                        if (pr.iteration() >= 5) {
                            stop.request();
                        }
                    }));
            assertEquals(StopReason.REQUESTED, r.reason());
            assertEquals(5, r.iterations());
            assertEquals(r.finalLoss(), net.loss(train), 1e-12, "the network holds the last accepted parameters");
            TrainingResult timed = Trainer.train(net, data.train(), TrainingOptions.defaults()
                    .withMaxIterations(1_000_000).withTimeBudget(Duration.ofMillis(200)));
            assertTrue(timed.reason() == StopReason.TIME || timed.reason() == StopReason.CONVERGED, timed.reason()
                    + " after " + timed.elapsed());
        }
    }

    @Test
    void refusesBadInput() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 2)) {
            HostMatrix wrong = HostMatrix.zeros(3, 4);
            assertThrows(ShapeMismatchException.class, () -> Trainer.train(net, wrong, TrainingOptions.defaults()));
            HostMatrix nan = data.train().columns(0, 3);
            nan.values()[4] = Double.NaN;
            var e = assertThrows(dev.unroll.engine.NonFiniteInputException.class,
                    () -> Trainer.train(net, nan, TrainingOptions.defaults()));
            assertTrue(e.getMessage().contains("row 4, column 0"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> Trainer.train(net, data.train(), HostMatrix.zeros(20, 200),
                    TrainingOptions.defaults()));
            assertThrows(InvalidArgumentException.class, () -> LassoProblem.create(be, DType.F64, data.dictionary(), 0));
            assertThrows(InvalidArgumentException.class, () -> TrainingOptions.defaults().withAdam(-1, 10));
        }
    }
}
