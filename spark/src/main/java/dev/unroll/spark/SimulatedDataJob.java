package dev.unroll.spark;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code SimulatedDataJob --output DIR}: a data set to try the other jobs on, ADOPTY's simulated problem
 * ({@link Generators#simulated}): {@code DIR/dictionary.npy} (n×m) and {@code DIR/signals.parquet} (rows
 * {@code id long, signal array<double>}). Options: {@code --signals} (10000), {@code --n} (64),
 * {@code --m} (128), {@code --partitions} (8), {@code --seed} (0).
 */
public final class SimulatedDataJob {
    private static final String APP = "unroll-simulated-data";

    private SimulatedDataJob() {
    }

    /** Writes the data set. */
    public static void main(String[] args) throws Exception {
        Jobs.run(APP, () -> {
            JobArgs a = new JobArgs(APP, args, Set.of("output", "signals", "n", "m", "partitions", "seed"));
            Path out = Path.of(a.required("output"));
            int signals = a.getInt("signals", 10000);
            CodingData data = Generators.simulated(signals, a.getInt("m", 128), a.getInt("n", 64), signals,
                    a.getInt("seed", 0));
            Files.createDirectories(out);
            HostMatrix d = data.dictionary();
            Npy.writeF64(out.resolve("dictionary.npy"), d.values(), d.rows(), d.cols());
            SparkSession spark = Jobs.session(APP);
            try {
                StructType schema = new StructType().add("id", DataTypes.LongType, false)
                        .add("signal", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
                List<Row> rows = new ArrayList<>();
                for (int j = 0; j < signals; j++) {
                    rows.add(RowFactory.create((long) j, data.signals().columns(j, j + 1).values()));
                }
                spark.createDataFrame(rows, schema).repartition(a.getInt("partitions", 8))
                        .write().mode(SaveMode.Overwrite).parquet(out.resolve("signals.parquet").toString());
                System.out.printf("%s: wrote %s and %s (%d signals, n=%d, m=%d)%n", APP, out.resolve("dictionary.npy"),
                        out.resolve("signals.parquet"), signals, d.rows(), d.cols());
            } finally {
                spark.stop();
            }
        });
    }
}
