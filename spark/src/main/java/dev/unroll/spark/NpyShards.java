package dev.unroll.spark;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.io.SignalReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Signals stored as {@code .npy} shards, one (N, n) array of float32 or float64 per file (one signal per
 * row, as NumPy writes them), read as a Dataset of (shard, index, signal) rows: one partition per shard, each
 * streamed by a {@link SignalReader} on the executor that reads it, so the shards must be on a file system
 * every executor mounts. (shard, index) names each signal, so an output keyed by them is the same on every
 * run.
 */
final class NpyShards {
    /** Signals read from a shard at a time. */
    private static final int CHUNK = 1024;

    /** The schema of the rows: the shard's path, the signal's row in it, and the signal. */
    static final StructType SCHEMA = new StructType()
            .add("shard", DataTypes.StringType, false)
            .add("index", DataTypes.LongType, false)
            .add("signal", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private NpyShards() {
    }

    static Dataset<Row> read(SparkSession spark, List<String> shards) {
        JavaRDD<String> files = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(shards, Math.max(1, shards.size()));
        JavaRDD<Row> rows = files.flatMap(NpyShards::rowsOf);
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static Iterator<Row> rowsOf(String shard) {
        // A shard's rows are produced as they are read, a chunk at a time.
        SignalReader reader;
        try {
            reader = SignalReader.open(Path.of(shard));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shard " + shard + ": " + e.getMessage(), e);
        }
        return new Iterator<>() {
            private final List<Row> chunk = new ArrayList<>();
            private int next;
            private long index;

            @Override
            public boolean hasNext() {
                if (next == chunk.size()) {
                    chunk.clear();
                    next = 0;
                    fill();
                }
                return next < chunk.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return chunk.get(next++);
            }

            private void fill() {
                try {
                    HostMatrix m = reader.next(CHUNK);
                    for (int j = 0; j < m.cols(); j++) {
                        chunk.add(RowFactory.create(shard, index++, m.columns(j, j + 1).values()));
                    }
                    if (m.cols() == 0) {
                        reader.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the shard " + shard + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
