package dev.unroll.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch encoding on a local[2] Spark against the single-machine {@link Solver}. */
class SparkEncodeTest {
    private static final int N_DIM = 8;
    private static final int ATOMS = 12;

    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static CodingData data;
    private static Path model;
    private static Path model32;
    private static HostMatrix expected;
    private static HostMatrix expected32;

    @BeforeAll
    static void start() throws Exception {
        spark = LocalSpark.start("SparkEncodeTest");
        data = Generators.simulated(60, ATOMS, N_DIM, 60, 3);
        model = dir.resolve("lista64.safetensors");
        model32 = dir.resolve("lista32.safetensors");
        try (Backend be = Backends.open("reference")) {
            expected = saveAndEncode(be, DType.F64, model);
            expected32 = saveAndEncode(be, DType.F32, model32);
        }
    }

    /** Saves a 3-layer LISTA for the test problem in {@code dtype} and codes the signals with a Solver. */
    private static HostMatrix saveAndEncode(Backend be, DType dtype, Path file) throws Exception {
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.1);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.LISTA, 3)) {
            ModelFiles.save(net, file);
            try (Solver s = Solver.of(net, Batching.off())) {
                return s.encode(data.signals());
            }
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void everyRowGetsTheSolversCodesInOneModelLoadPerJvm() {
        Dataset<Row> in = LocalSpark.signals(spark, data.signals(), 4);
        List<Row> out = UnrollSpark.encode(in, "signal", model, 5).orderBy("id").collectAsList();
        assertEquals(data.signals().cols(), out.size());
        for (Row r : out) {
            int j = (int) r.getLong(0);
            assertNull(r.getAs(UnrollSpark.ERROR), "row " + j);
            double[] z = toDoubles(r.getList(r.fieldIndex(UnrollSpark.CODES)));
            assertArrayEquals(expected.columns(j, j + 1).values(), z, 1e-12, "row " + j);
        }
        int loads = ExecutorModels.loads();
        UnrollSpark.encode(in, "signal", model, 5).count();
        // The second job's tasks reuse the JVM's backend and solver: nothing is opened per partition.
        assertEquals(loads, ExecutorModels.loads());
        assertEquals(1, JvmBackend.opens());
    }

    @Test
    void anF32ModelCodesFloatColumnsAsFloats() {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("signal", DataTypes.createArrayType(DataTypes.FloatType));
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < data.signals().cols(); j++) {
            float[] x = data.signals().columns(j, j + 1).toFloats();
            List<Float> boxed = new ArrayList<>();
            for (float v : x) {
                boxed.add(v);
            }
            rows.add(RowFactory.create((long) j, boxed));
        }
        Dataset<Row> out = UnrollSpark.encode(spark.createDataFrame(rows, schema).repartition(3), "signal", model32);
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().apply(UnrollSpark.CODES).dataType());
        for (Row r : out.collectAsList()) {
            int j = (int) r.getLong(0);
            assertArrayEquals(expected32.columns(j, j + 1).values(), toDoubles(r.getList(2)), 1e-5, "row " + j);
        }
    }

    @Test
    void badRowsAreReportedInTheErrorColumnAndNeverDropped() {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("signal", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        double[] good = data.signals().columns(0, 1).values();
        double[] nan = good.clone();
        nan[2] = Double.NaN;
        double[] inf = good.clone();
        inf[0] = Double.POSITIVE_INFINITY;
        List<Double> withNull = new ArrayList<>();
        for (double v : good) {
            withNull.add(v);
        }
        withNull.set(5, null);
        List<Row> rows = List.of(RowFactory.create(0L, good), RowFactory.create(1L, Arrays.copyOf(good, 5)),
                RowFactory.create(2L, nan), RowFactory.create(3L, null), RowFactory.create(4L, withNull),
                RowFactory.create(5L, inf), RowFactory.create(6L, good));
        List<Row> out = UnrollSpark.encode(spark.createDataFrame(rows, schema).repartition(2), "signal", model, 2)
                .orderBy("id").collectAsList();
        assertEquals(7, out.size());
        String[] reasons = out.stream().map(r -> r.<String>getAs(UnrollSpark.ERROR)).toArray(String[]::new);
        assertNull(reasons[0]);
        assertTrue(reasons[1].contains("5 values") && reasons[1].contains("n = 8"), reasons[1]);
        assertTrue(reasons[2].contains("value 2 is NaN"), reasons[2]);
        assertTrue(reasons[3].contains("null"), reasons[3]);
        assertTrue(reasons[4].contains("value 5 is null"), reasons[4]);
        assertTrue(reasons[5].contains("Infinity"), reasons[5]);
        assertNull(reasons[6]);
        for (int i = 1; i <= 5; i++) {
            assertTrue(out.get(i).isNullAt(out.get(i).fieldIndex(UnrollSpark.CODES)), "row " + i + " has no codes");
        }
        assertArrayEquals(expected.columns(0, 1).values(), toDoubles(out.get(6).getList(2)), 1e-12);
    }

    @Test
    void aJobKilledHalfWayIsRerunWithoutDuplicateOrMissingRows() throws Exception {
        Path outDir = dir.resolve("codes.parquet");
        Dataset<Row> in = LocalSpark.signals(spark, data.signals(), 4);
        Path marker = dir.resolve("first-attempt-failed");
        String markerPath = marker.toString();
        // The first run loses partition 2's task after the others have written theirs: the job aborts. The
        // failure is a real task failure (local mode does not retry), so Spark's commit protocol is what keeps
        // the written partitions out of the output.
        Dataset<Row> crashing = UnrollSpark.encode(in, "signal", model, 4).map(
                (org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
                    if (TaskContext.getPartitionId() == 2 && !Files.exists(Path.of(markerPath))) {
                        Files.createFile(Path.of(markerPath));
                        throw new IllegalStateException("executor lost (simulated)");
                    }
                    return r;
                }, Encoders.row(UnrollSpark.encode(in, "signal", model, 4).schema()));
        assertThrows(SparkException.class, () -> crashing.write().mode(SaveMode.Overwrite).parquet(outDir.toString()));
        assertTrue(Files.exists(marker));
        // The rerun (the same job: the marker now lets partition 2 through) completes the output.
        crashing.write().mode(SaveMode.Overwrite).parquet(outDir.toString());
        List<Row> written = spark.read().parquet(outDir.toString()).orderBy("id").collectAsList();
        assertEquals(data.signals().cols(), written.size());
        for (int j = 0; j < written.size(); j++) {
            Row r = written.get(j);
            assertEquals(j, r.getLong(0), "each id once, none missing");
            assertArrayEquals(expected.columns(j, j + 1).values(), toDoubles(r.getList(2)), 1e-12);
        }
    }

    @Test
    void npyShardsAreReadOnePartitionPerShardAndEncoded() throws Exception {
        List<String> shards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            HostMatrix part = data.signals().columns(20 * s, 20 * s + 20);
            Path f = dir.resolve("shard-" + s + ".npy");
            Npy.writeF64(f, part.transpose().values(), part.cols(), part.rows()); // (N, n): one signal per row
            shards.add(f.toString());
        }
        Dataset<Row> in = UnrollSpark.readNpy(spark, shards);
        assertEquals(3, in.rdd().getNumPartitions());
        List<Row> out = UnrollSpark.encode(in, "signal", model).orderBy("shard", "index").collectAsList();
        assertEquals(60, out.size());
        for (int j = 0; j < 60; j++) {
            Row r = out.get(j);
            assertEquals(shards.get(j / 20), r.getString(0));
            assertEquals(j % 20, r.getLong(1));
            assertArrayEquals(expected.columns(j, j + 1).values(), toDoubles(r.getList(3)), 1e-12, "signal " + j);
        }
    }

    @Test
    void aMisnamedOrMistypedColumnFailsOnTheDriverWithItsName() {
        Dataset<Row> in = LocalSpark.signals(spark, data.signals(), 1);
        var missing = assertThrows(InvalidArgumentException.class, () -> UnrollSpark.encode(in, "x", model));
        assertTrue(missing.getMessage().contains("no column 'x'"), missing.getMessage());
        var typed = assertThrows(InvalidArgumentException.class, () -> UnrollSpark.encode(in, "id", model));
        assertTrue(typed.getMessage().contains("array<float> or array<double>"), typed.getMessage());
        var file = assertThrows(InvalidArgumentException.class,
                () -> UnrollSpark.encode(in, "signal", dir.resolve("absent.safetensors")));
        assertNotNull(file.getMessage());
    }

    private static double[] toDoubles(List<Object> values) {
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
}
