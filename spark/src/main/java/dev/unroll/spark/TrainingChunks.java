package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A training set's signals as the executors keep them between steps: each partition's rows packed into
 * column-major n×c blocks of at most {@code chunk} signals, cached, so a step reads arrays instead of
 * decoding rows again. A bad row fails here, with its reason: unlike encoding, training has no row to
 * report it on, and a NaN would make every loss NaN.
 */
final class TrainingChunks {
    private TrainingChunks() {
    }

    /** The cached chunks of column {@code column} of {@code signals}, signals of dimension {@code n}. */
    static JavaRDD<double[]> of(Dataset<Row> signals, String column, int n, int chunk) {
        int index = SignalCells.columnIndex(signals.schema(), column);
        JavaRDD<double[]> chunks = signals.javaRDD().mapPartitionsWithIndex((p, rows) -> pack(p, rows, index, n, chunk),
                true);
        return chunks.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Each partition's signal count, their total and the largest |x|, in one pass that also fills the cache.
     * A bad row fails it with the row's own {@link InvalidArgumentException} (not Spark's wrapping of the task
     * that met it), and the cache is dropped.
     *
     * @param counts     signals per partition
     * @param total      all signals
     * @param largestAbs the largest |x|
     */
    record Scan(long[] counts, long total, double largestAbs) {
    }

    /** Scans {@code chunks} (signals of dimension {@code n}); see {@link Scan}. */
    static Scan scan(JavaRDD<double[]> chunks, int n) {
        List<double[]> stats;
        try {
            stats = chunks.mapPartitions(it -> stats(it, n), true).collect();
        } catch (Exception e) { // Spark's SparkException is checked but undeclared: caught as Exception
            chunks.unpersist(false);
            throw badRowOr(e);
        }
        long[] counts = new long[stats.size()];
        long total = 0;
        double largest = 0;
        for (int p = 0; p < counts.length; p++) {
            counts[p] = (long) stats.get(p)[0];
            total += counts[p];
            largest = Math.max(largest, stats.get(p)[1]);
        }
        return new Scan(counts, total, largest);
    }

    private static Iterator<double[]> stats(Iterator<double[]> chunks, int n) {
        double count = 0;
        double largest = 0;
        while (chunks.hasNext()) {
            double[] c = chunks.next();
            for (double v : c) {
                largest = Math.max(largest, Math.abs(v));
            }
            count += c.length / n;
        }
        return java.util.Collections.singletonList(new double[] {count, largest}).iterator();
    }

    /** The bad row's own error where a task failed on one, without Spark's wrapping; else {@code e} as it is. */
    private static RuntimeException badRowOr(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidArgumentException bad) {
                return new InvalidArgumentException(bad.getMessage());
            }
        }
        return e instanceof RuntimeException r ? r
                : new IllegalStateException("reading the training set failed: " + e.getMessage(), e);
    }

    private static Iterator<double[]> pack(int partition, Iterator<Row> rows, int column, int n, int chunk) {
        List<double[]> out = new ArrayList<>();
        double[] block = new double[n * chunk];
        double[] signal = new double[n];
        int filled = 0;
        long row = 0;
        while (rows.hasNext()) {
            String bad = SignalCells.read(rows.next(), column, signal);
            if (bad != null) {
                throw new InvalidArgumentException("training signal " + row + " of partition " + partition + ": " + bad
                        + "; drop such rows before training (UnrollSpark.encode reports them in its error column)");
            }
            System.arraycopy(signal, 0, block, filled * n, n);
            row++;
            if (++filled == chunk) {
                out.add(block);
                block = new double[n * chunk];
                filled = 0;
            }
        }
        if (filled > 0) {
            out.add(Arrays.copyOf(block, filled * n));
        }
        return out.iterator();
    }
}
