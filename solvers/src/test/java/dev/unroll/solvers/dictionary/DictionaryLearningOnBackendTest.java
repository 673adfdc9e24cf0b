package dev.unroll.solvers.dictionary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.gradients.UnrolledAlgorithm;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The line search of dictionary learning decreases the loss at every accepted step, keeps atoms at norm 1,
 * and brings the dictionary closer to the one that generated the data; the stochastic variant lowers the
 * full-batch loss too. Small synthetic problems (P = 8, 10 atoms, 80 signals) on the backend under test.
 */
class DictionaryLearningOnBackendTest {
    private static Backend be;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    private static SyntheticDictionaryData data() {
        return SyntheticDictionaryData.generate(8, 10, 80, 0.3, 0.05, new NumpyRandom(4));
    }

    @ParameterizedTest
    @CsvSource({"AM, FISTA", "DDL, FISTA", "DDL_STEP, FISTA", "AM, ISTA", "DDL, ISTA", "DDL_STEP, ISTA"})
    void lineSearchDecreasesTheLoss(DlMethod method, UnrolledAlgorithm algo) {
        SyntheticDictionaryData data = data();
        DlOptions options = DlOptions.plipy(method, 8).withAlgorithm(algo).withMaxIterations(15);
        DlResult result = DictionaryLearning.fit(be, data.signals(), data.initial(), options);
        double[] losses = result.losses();
        for (int i = 1; i < losses.length; i++) {
            assertTrue(losses[i] <= losses[i - 1] + 1e-9 * Math.abs(losses[i - 1]),
                    "loss went up at outer step " + i + ": " + losses[i - 1] + " → " + losses[i]);
        }
        assertTrue(result.finalLoss() < 0.9 * losses[0], "the loss barely moved: " + losses[0] + " → "
                + result.finalLoss());
        HostMatrix d = result.dictionary();
        for (int j = 0; j < d.cols(); j++) {
            double s = 0;
            for (int i = 0; i < d.rows(); i++) {
                s += d.get(i, j) * d.get(i, j);
            }
            assertEquals(1, s, 1e-12, "atom " + j + " has unit norm");
        }
        HostMatrix init = new HostMatrix(8, 10, data.initial().values().clone());
        UnitNorm.normalizeColumns(init);
        assertTrue(RecoveryScore.compute(data.reference(), d) > RecoveryScore.compute(data.reference(), init),
                "learning moved D towards the reference");
        if (method == DlMethod.DDL_STEP) {
            assertTrue(result.stepPhaseStart() > 0, "the step phase ran");
        }
    }

    @ParameterizedTest
    @CsvSource({"DDL, FISTA", "DDL_STEP, ISTA"})
    void stochasticVariantLowersTheFullBatchLoss(DlMethod method, UnrolledAlgorithm algo) {
        SyntheticDictionaryData data = data();
        DlOptions options = DlOptions.plipy(method, 8).withAlgorithm(algo);
        StochasticOptions sched = new StochasticOptions(20, 3, 0, 2, 1, 0.5, 0.5, Double.NaN, 3);
        DlResult sto = StochasticDictionaryLearning.fit(be, data.signals(), data.initial(), options, sched);
        DlResult before = DictionaryLearning.fit(be, data.signals(), data.initial(), options.withMethod(DlMethod.AM)
                .withMaxIterations(1).withTolerance(0));
        DlResult after = DictionaryLearning.fit(be, data.signals(), sto.dictionary(), options.withMethod(DlMethod.AM)
                .withMaxIterations(1).withTolerance(0));
        assertTrue(after.losses()[0] < before.losses()[0], "full-batch loss " + before.losses()[0] + " → "
                + after.losses()[0]);
    }
}
