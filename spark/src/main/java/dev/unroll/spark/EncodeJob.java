package dev.unroll.spark;

import java.nio.file.Path;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code spark-submit --class dev.unroll.spark.EncodeJob unroll-spark-app.jar --model M --input IN --output OUT}:
 * codes the signals of a Parquet column ({@code --column}, default {@code signal}) or of {@code .npy} shards
 * ({@code --npy a.npy,b.npy}) with the model {@code M} and writes every input row, its {@code codes} and its
 * {@code error} to the Parquet folder {@code OUT}. The folder is overwritten through Spark's commit protocol:
 * a job that dies half-way leaves no partial output, and running it again gives every row exactly once.
 */
public final class EncodeJob {
    private static final String APP = "unroll-encode";

    private EncodeJob() {
    }

    /** Runs the job; prints the rows written and the rows with errors. */
    public static void main(String[] args) throws Exception {
        Jobs.run(APP, () -> {
            JobArgs a = new JobArgs(APP, args, Set.of("model", "input", "npy", "column", "output", "batch"));
            Path model = Path.of(a.required("model"));
            String output = a.required("output");
            SparkSession spark = Jobs.session(APP);
            try {
                Dataset<Row> in = a.get("npy", null) != null
                        ? UnrollSpark.readNpy(spark, a.list("npy"))
                        : spark.read().parquet(a.required("input"));
                String column = a.get("npy", null) != null ? "signal" : a.get("column", "signal");
                UnrollSpark.encode(in, column, model, a.getInt("batch", UnrollSpark.DEFAULT_BATCH))
                        .write().mode(SaveMode.Overwrite).parquet(output);
                Dataset<Row> written = spark.read().parquet(output);
                long rows = written.count();
                long errors = written.filter(functions.col(UnrollSpark.ERROR).isNotNull()).count();
                System.out.printf("%s: wrote %d rows to %s (%d with an error; see the column '%s')%n", APP, rows,
                        output, errors, UnrollSpark.ERROR);
            } finally {
                spark.stop();
            }
        });
    }
}
