package dev.unroll.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.dictionary.DictionaryLearning;
import dev.unroll.solvers.dictionary.DlMethod;
import dev.unroll.solvers.dictionary.DlOptions;
import dev.unroll.solvers.dictionary.DlResult;
import dev.unroll.solvers.dictionary.SyntheticDictionaryData;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** Data-parallel training on a local[2] Spark against the single-machine {@link Trainer} and {@link DictionaryLearning}. */
class SparkTrainTest {
    private static SparkSession spark;
    private static Backend be;
    private static LassoProblem problem;
    private static CodingData data;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("SparkTrainTest");
        be = Backends.open("reference");
        data = Generators.simulated(90, 10, 6, 90, 7);
        problem = LassoProblem.create(be, DType.F64, data.dictionary(), 0.1);
    }

    @AfterAll
    static void stop() {
        problem.close();
        be.close();
        spark.stop();
    }

    @Test
    void theLineSearchOverSixPartitionsTrainsTheNetworkTheTrainerTrains() {
        TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.RECURSIVE).withMaxIterations(12);
        try (UnrolledNetwork local = UnrolledNetwork.create(problem, Parametrization.LISTA, 3);
             UnrolledNetwork spread = UnrolledNetwork.create(problem, Parametrization.LISTA, 3)) {
            TrainingResult expected = Trainer.train(local, data.signals(), options);
            // Chunks of 7 signals: each partition's share is itself a sum of several backend calls; 6 partitions
            // are summed in two levels (fan-in 3), as a large training set would be.
            TrainingResult got = SparkTrainer.train(spread, LocalSpark.signals(spark, data.signals(), 6), "signal",
                    options, 7);
            assertEquals(expected.iterations(), got.iterations());
            assertEquals(expected.reason(), got.reason());
            assertArrayEquals(expected.lossHistory(), got.lossHistory(), 1e-12);
            assertArrayEquals(ParameterVector.of(be, local.parameters()), ParameterVector.of(be, spread.parameters()),
                    1e-9);
        }
    }

    @Test
    void aRunIsReproducibleBitForBitForAGivenPartitioning() {
        TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.ONESHOT).withMaxIterations(6);
        Dataset<Row> signals = LocalSpark.signals(spark, data.signals(), 5);
        double[][] params = new double[2][];
        for (int r = 0; r < 2; r++) {
            try (UnrolledNetwork net = UnrolledNetwork.create(problem, Parametrization.COUPLED, 2)) {
                SparkTrainer.train(net, signals, "signal", options, 4);
                params[r] = ParameterVector.of(be, net.parameters());
            }
        }
        assertArrayEquals(params[0], params[1], 0.0);
    }

    @Test
    void adamOverSampledPartitionsLowersTheLossAndRepeatsWithItsSeed() {
        TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.ONESHOT).withMaxIterations(18)
                .withAdam(1e-3, 0).withSeed(5);
        Dataset<Row> signals = LocalSpark.signals(spark, data.signals(), 6);
        double[][] params = new double[2][];
        for (int r = 0; r < 2; r++) {
            try (UnrolledNetwork net = UnrolledNetwork.create(problem, Parametrization.LISTA, 2)) {
                TrainingResult res = SparkTrainer.train(net, signals, "signal", options);
                double[] h = res.lossHistory();
                assertEquals(18, res.iterations());
                assertEquals(4, h.length, "the start and one full loss per epoch of 6 partitions");
                assertTrue(res.finalLoss() < h[0], "Adam lowered the loss: " + java.util.Arrays.toString(h));
                params[r] = ParameterVector.of(be, net.parameters());
            }
        }
        assertArrayEquals(params[0], params[1], 0.0);
    }

    @Test
    void theExecutorsKeepOneNetworkPerTaskSlotAcrossSteps() {
        int before = ExecutorWorkers.made();
        TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.ONESHOT).withMaxIterations(5);
        try (UnrolledNetwork net = UnrolledNetwork.create(problem, Parametrization.STEP, 2)) {
            SparkTrainer.train(net, LocalSpark.signals(spark, data.signals(), 4), "signal", options);
        }
        int made = ExecutorWorkers.made() - before;
        // Dozens of partition tasks over the steps, but local[2] runs at most two at once.
        assertTrue(made >= 1 && made <= 2, "workers made: " + made);
    }

    @Test
    void aBadTrainingRowFailsWithItsReason() {
        StructType schema = new StructType().add("signal", DataTypes.createArrayType(DataTypes.DoubleType));
        double[] nan = data.signals().columns(0, 1).values();
        nan[1] = Double.NaN;
        Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create(data.signals().columns(1, 2).values()),
                RowFactory.create(nan)), schema);
        try (UnrolledNetwork net = UnrolledNetwork.create(problem, Parametrization.LISTA, 1)) {
            // The row's own error, not Spark's wrapping of the failed task: a job main prints it as one line.
            Exception e = assertThrows(InvalidArgumentException.class,
                    () -> SparkTrainer.train(net, bad, "signal", TrainingOptions.defaults().withMaxIterations(1)));
            assertTrue(e.getMessage().contains("value 1 is NaN"), e.getMessage());
        }
        assertThrows(InvalidArgumentException.class, () -> SparkTrainer.train(null, bad, "x",
                TrainingOptions.defaults()));
    }

    /** The fixed-order sum under the training set: the left-to-right sum in partition order, whatever the scheduling. */
    @Test
    void aTreeOfTwoLevelsAddsInPartitionOrderAndRepeatsExactly() {
        int partitions = 10; // fan-in 4: 10 partials → 3 → the driver
        List<Double> values = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            values.add(Math.pow(10, (p % 3) * 8) * (1 + p / 7.0)); // magnitudes 1, 1e8, 1e16: order matters
        }
        JavaRDD<Double> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(values, partitions);
        JavaRDD<Tuple2<Integer, double[]>> partials = rdd.mapPartitionsWithIndex((p, it) ->
                Collections.singletonList(new Tuple2<>(p, new double[] {it.next(), 1})).iterator(), true);
        int fanIn = OrderedTreeSum.fanIn(partitions);
        assertEquals(4, fanIn);
        double[] first = OrderedTreeSum.sum(partials, partitions, fanIn);
        // The tree's grouping, computed here: ((v0+v1+v2+v3) + (v4+..+v7)) + (v8+v9).
        double[] group = new double[3];
        for (int p = 0; p < partitions; p++) {
            group[p / 4] = p % 4 == 0 ? values.get(p) : group[p / 4] + values.get(p);
        }
        assertEquals(group[0] + group[1] + group[2], first[0], 0.0);
        assertEquals(partitions, first[1], 0.0);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(first, OrderedTreeSum.sum(partials, partitions, fanIn), 0.0);
        }
    }

    @Test
    void dictionaryLearningOverPartitionsLearnsTheDictionaryOneMachineLearns() {
        // DDL+step: a DDL phase (∂h/∂D), then a phase that learns the steps too (∂h/∂s).
        DlMethod method = DlMethod.DDL_STEP;
        SyntheticDictionaryData dl = SyntheticDictionaryData.generate(8, 10, 80, 0.3, 0.05, new NumpyRandom(4));
        DlOptions options = DlOptions.plipy(method, 6).withMaxIterations(6);
        DlResult expected = DictionaryLearning.fit(be, dl.signals(), dl.initial(), options);
        DlResult got = SparkDictionaryLearning.fit(LocalSpark.signals(spark, dl.signals(), 6), "signal", dl.initial(),
                options, 9);
        assertEquals(expected.outerIterations(), got.outerIterations());
        assertEquals(expected.stepPhaseStart(), got.stepPhaseStart());
        assertArrayEquals(expected.losses(), got.losses(), 1e-10 * expected.losses()[0]);
        assertArrayEquals(expected.dictionary().values(), got.dictionary().values(), 1e-9);
        assertArrayEquals(expected.steps(), got.steps(), 1e-9);
    }
}
