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
