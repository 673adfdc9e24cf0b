package dev.unroll.spark;

import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A real Spark in local mode with two task slots, on loopback, and the rows the tests feed it. */
final class LocalSpark {
    private LocalSpark() {
    }

    /** A session for one test class (close it after the class). */
    static SparkSession start(String app) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .getOrCreate();
    }

    /** Rows (id long, signal array&lt;double&gt;) holding the columns of {@code x}, in {@code partitions} partitions. */
    static Dataset<Row> signals(SparkSession spark, HostMatrix x, int partitions) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("signal", DataTypes.createArrayType(DataTypes.DoubleType, false), true);
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < x.cols(); j++) {
            rows.add(RowFactory.create((long) j, x.columns(j, j + 1).values()));
        }
        return spark.createDataFrame(rows, schema).repartition(partitions, org.apache.spark.sql.functions.col("id"));
    }
}
