package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.io.Safetensors;
import dev.unroll.solvers.service.Batching;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Unroll on Apache Spark: sparse codes for a Dataset's signal column, computed where the data lies. Each
 * executor JVM opens one backend and one {@link dev.unroll.solvers.service.Solver} per model (not one per
 * row or partition), codes its partitions in batches, and closes them when it ends. Training over a
 * partitioned training set: {@link SparkTrainer}.
 */
public final class UnrollSpark {
    /** The column the codes go to: {@code array<float>} for an F32 model, {@code array<double>} for F64. */
    public static final String CODES = "codes";
    /** The column saying why a row has no codes (null when it has them). */
    public static final String ERROR = "error";
    /** Signals per backend call unless told otherwise. */
    public static final int DEFAULT_BATCH = 1024;

    private UnrollSpark() {
    }

    /** {@link #encode(Dataset, String, Path, int)} in batches of {@value #DEFAULT_BATCH}. */
    public static Dataset<Row> encode(Dataset<Row> signals, String column, Path model) {
        return encode(signals, column, model, DEFAULT_BATCH);
    }

    /**
     * {@code signals} with two columns added: {@value #CODES}, the codes of each row's signal (column
     * {@code column}, {@code array<float>} or {@code array<double>} of n values) by the model in
     * {@code model}, and {@value #ERROR}, why a row has none: a null cell, a wrong length, a null, NaN or
     * infinite value. No row is dropped and a bad row never fails the job. Lazy, as every Dataset
     * transformation: nothing runs before an action (a write, a count). The model file is read on the
     * driver (its precision chooses the codes' type) and on each executor: a shared file system, or ship it
     * with {@code spark-submit --files} and pass its name.
     *
     * @param batch signals per backend call, 1 to {@value Batching#MAX_BATCH}
     */
    public static Dataset<Row> encode(Dataset<Row> signals, String column, Path model, int batch) {
        if (batch < 1 || batch > Batching.MAX_BATCH) {
            throw new InvalidArgumentException("batch must be between 1 and " + Batching.MAX_BATCH + ", but is "
                    + batch);
        }
        StructType in = signals.schema();
        for (String added : List.of(CODES, ERROR)) {
            if (List.of(in.fieldNames()).contains(added)) {
                throw new InvalidArgumentException("the signals already have a column '" + added + "'; rename or "
                        + "drop it: the codes and errors go to '" + CODES + "' and '" + ERROR + "'");
            }
        }
        int index = SignalCells.columnIndex(in, column);
        Path located = ExecutorModels.locate(model.toString());
        boolean floatCodes = modelIsF32(located);
        StructType out = in
                .add(CODES, DataTypes.createArrayType(floatCodes ? DataTypes.FloatType : DataTypes.DoubleType, false),
                        true)
                .add(ERROR, DataTypes.StringType, true);
        // Absolute, so executors with another working directory find it on a shared file system; where they do
        // not, they look for a file of its name shipped with --files.
        return signals.mapPartitions(new PartitionEncoder(located.toAbsolutePath().toString(), index, batch, floatCodes),
                Encoders.row(out));
    }

    /**
     * The signals of {@code .npy} shards (each an (N, n) float32 or float64 array, one signal per row) as
     * rows (shard string, index long, signal array&lt;double&gt;), one partition per shard. The shards must be
     * readable by every executor.
     */
    public static Dataset<Row> readNpy(SparkSession spark, List<String> shards) {
        if (shards.isEmpty()) {
            throw new InvalidArgumentException("give at least one .npy shard");
        }
        return NpyShards.read(spark, shards);
    }

    private static boolean modelIsF32(Path model) {
        try {
            String dtype = Safetensors.read(model).metadata().get("dtype");
            return "F32".equals(dtype);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + model + ": " + e.getMessage(), e);
        }
    }
}
