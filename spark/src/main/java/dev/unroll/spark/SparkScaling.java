package dev.unroll.spark;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The scaling measurement: for each master (default {@code local[1]} then {@code local[2]}: one and two
 * task slots), encoding throughput (signals/s through {@link UnrollSpark#encode}, written to Spark's no-op
 * sink) and training seconds per accepted line-search step ({@link SparkTrainer}), next to the
 * single-machine {@link Trainer} on the same signals in the same JVM. The backend runs one thread per task
 * ({@code unroll.threads=1} unless set), so a task slot is one core. Prints a Markdown table and the size of
 * one gradient, the term of the scaling model that crosses the network each step. Options (defaults):
 * {@code --signals 20000 --n 64 --m 128 --layers 10 --parametrization lista --steps 10 --partitions 8
 * --masters local[1],local[2]}. Each measurement follows a warm-up run (model load, JIT). Timing needs a
 * quiet machine.
 */
public final class SparkScaling {
    private static final String APP = "unroll-spark-scaling";

    private SparkScaling() {
    }

    /** Runs the measurement. */
    public static void main(String[] args) throws Exception {
        Jobs.run(APP, () -> {
            JobArgs a = new JobArgs(APP, args, Set.of("signals", "n", "m", "layers", "parametrization", "steps",
                    "partitions", "masters"));
            if (System.getProperty("unroll.threads") == null) {
                System.setProperty("unroll.threads", "1");
            }
            int signals = a.getInt("signals", 20000);
            int n = a.getInt("n", 64);
            int m = a.getInt("m", 128);
            int layers = a.getInt("layers", 10);
            int steps = a.getInt("steps", 10);
            int partitions = a.getInt("partitions", 8);
            Parametrization kind = Parametrization.fromId(a.get("parametrization", "lista"));
            List<String> masters = List.of(a.get("masters", "local[1],local[2]").split(","));
            CodingData data = Generators.simulated(signals, m, n, signals, 0);
            TrainingOptions options = TrainingOptions.defaults().withMode(TrainingMode.ONESHOT).withMaxIterations(steps);
            Path model = Files.createTempFile("unroll-scaling", ".safetensors");
            List<String> table = new ArrayList<>();
            TrainingOptions warmUp = options.withMaxIterations(2);
            try (Backend be = Backends.open();
                 LassoProblem problem = LassoProblem.create(be, DType.F64, data.dictionary(), 0.1)) {
                long paramCount;
                double trainerSecondsPerStep;
                try (UnrolledNetwork net = UnrolledNetwork.create(problem, kind, layers)) {
                    ModelFiles.save(net, model);
                    paramCount = net.parameters().count();
                    try (UnrolledNetwork first = UnrolledNetwork.create(problem, kind, layers)) {
                        Trainer.train(first, data.signals(), warmUp); // JIT: the timed run starts warm
                    }
                    TrainingResult r = Trainer.train(net, data.signals(), options);
                    trainerSecondsPerStep = r.elapsed().toNanos() / 1e9 / Math.max(1, r.iterations());
                }
                System.out.printf("%s: backend %s, %d signals n=%d m=%d, %s T=%d, %d partitions; one gradient = %d "
                        + "parameters = %.1f KiB (F64)%n", APP, be.name(), signals, n, m, kind.id(), layers, partitions,
                        paramCount, paramCount * 8 / 1024.0);
                table.add("| master | encode signals/s | Spark s/step | Trainer s/step (same JVM) |");
                table.add("|---|---|---|---|");
                for (String master : masters) {
                    SparkSession spark = SparkSession.builder().master(master).appName(APP)
                            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", partitions)
                            .getOrCreate();
                    spark.sparkContext().setLogLevel("WARN");
                    try {
                        Dataset<Row> in = rows(spark, data.signals(), partitions).cache();
                        in.count();
                        encodeOnce(in, model); // warm-up: loads the model, JIT
                        long t0 = System.nanoTime();
                        encodeOnce(in, model);
                        double perSecond = signals / ((System.nanoTime() - t0) / 1e9);
                        double sparkSecondsPerStep;
                        try (UnrolledNetwork first = UnrolledNetwork.create(problem, kind, layers)) {
                            SparkTrainer.train(first, in, "signal", warmUp); // the executors' networks, JIT
                        }
                        try (UnrolledNetwork net = UnrolledNetwork.create(problem, kind, layers)) {
                            TrainingResult r = SparkTrainer.train(net, in, "signal", options);
                            sparkSecondsPerStep = r.elapsed().toNanos() / 1e9 / Math.max(1, r.iterations());
                        }
                        table.add(String.format("| %s | %.0f | %.4f | %.4f |", master, perSecond, sparkSecondsPerStep,
                                trainerSecondsPerStep));
                    } finally {
                        spark.stop();
                    }
                }
            } finally {
                Files.deleteIfExists(model);
            }
            table.forEach(System.out::println);
        });
    }

    private static void encodeOnce(Dataset<Row> in, Path model) {
        UnrollSpark.encode(in, "signal", model).write().format("noop").mode(SaveMode.Overwrite).save();
    }

    private static Dataset<Row> rows(SparkSession spark, HostMatrix x, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("signal", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < x.cols(); j++) {
            rows.add(RowFactory.create((long) j, x.columns(j, j + 1).values()));
        }
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }
}
