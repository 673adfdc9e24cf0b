package dev.unroll.spark;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.ColumnMajorF64;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class dev.unroll.spark.TrainJob unroll-spark-app.jar --input IN --dictionary D.npy
 * --output model.safetensors}: trains an unrolled network (initialised as ISTA) on the signals of a Parquet
 * column, each step's loss and gradient summed over the partitions, and saves it on the driver. Options:
 * {@code --column} (signal), {@code --lambda} (0.1), {@code --parametrization} (lista), {@code --layers} (10),
 * {@code --iterations} (100), {@code --mode} (auto), {@code --optimizer line-search|adam} (line-search),
 * {@code --learning-rate} (Adam's, 1e-3), {@code --dtype F32|F64} (F64), {@code --seed} (0),
 * {@code --chunk} (signals per backend call, 1024). D.npy is n×m (column convention) on the driver's disk.
 */
public final class TrainJob {
    private static final String APP = "unroll-train";

    private TrainJob() {
    }

    /** Runs the job; prints the losses at the start and the end. */
    public static void main(String[] args) throws Exception {
        Jobs.run(APP, () -> {
            JobArgs a = new JobArgs(APP, args, Set.of("input", "column", "dictionary", "output", "lambda",
                    "parametrization", "layers", "iterations", "mode", "optimizer", "learning-rate", "dtype", "seed",
                    "chunk"));
            ColumnMajorF64 d = Npy.readMatrixF64(Path.of(a.required("dictionary")));
            Path output = Path.of(a.required("output"));
            TrainingOptions options = TrainingOptions.defaults()
                    .withMode(TrainingMode.fromId(a.get("mode", "auto")))
                    .withMaxIterations(a.getInt("iterations", 100))
                    .withSeed(a.getInt("seed", 0));
            if (a.get("optimizer", "line-search").equals("adam")) {
                options = options.withAdam(a.getDouble("learning-rate", 1e-3), 0);
            }
            SparkSession spark = Jobs.session(APP);
            try (Backend be = Backends.open();
                 LassoProblem problem = LassoProblem.create(be, DType.valueOf(a.get("dtype", "F64").toUpperCase(Locale.ROOT)),
                         new HostMatrix(d.rows(), d.cols(), d.data()), a.getDouble("lambda", 0.1));
                 UnrolledNetwork net = UnrolledNetwork.create(problem,
                         Parametrization.fromId(a.get("parametrization", "lista")), a.getInt("layers", 10))) {
                TrainingResult r = SparkTrainer.train(net, spark.read().parquet(a.required("input")),
                        a.get("column", "signal"), options, a.getInt("chunk", SparkTrainingSet.DEFAULT_CHUNK));
                ModelFiles.save(net, output);
                double[] h = r.lossHistory();
                System.out.printf("%s: %d iterations (%s), loss %.6g -> %.6g in %.1f s; saved %s%n", APP,
                        r.iterations(), r.reason(), h[0], r.finalLoss(), r.elapsed().toMillis() / 1e3, output);
            } finally {
                spark.stop();
            }
        });
    }
}
