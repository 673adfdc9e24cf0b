package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.dictionary.DictionaryLearning;
import dev.unroll.solvers.dictionary.DlOptions;
import dev.unroll.solvers.dictionary.DlResult;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Full-batch dictionary learning (AM, DDL, DDL+step) on Spark: {@link DictionaryLearning}'s line search on the
 * driver, each loss and gradient summed over the partitions of the training set. Learns the dictionary the
 * single-machine run learns on the same signals, to rounding.
 */
public final class SparkDictionaryLearning {
    private SparkDictionaryLearning() {
    }

    /**
     * Learns a dictionary from the signals of column {@code column} of {@code data} ({@code array<float>} or
     * {@code array<double>} of n finite values) starting at {@code init} (n×m), {@code chunk} signals per
     * backend call on the executors.
     *
     * @throws InvalidArgumentException when a row holds no valid signal (with its reason)
     */
    public static DlResult fit(Dataset<Row> data, String column, HostMatrix init, DlOptions options, int chunk) {
        if (data == null || column == null || init == null || options == null) {
            throw new InvalidArgumentException("dictionary learning on Spark needs a Dataset, a column, an initial "
                    + "dictionary and options");
        }
        if (chunk < 1) {
            throw new InvalidArgumentException("chunk must be ≥ 1 signal, but is " + chunk);
        }
        try (SparkDlLoss loss = new SparkDlLoss(data, column, init.rows(), init.cols(), options, chunk)) {
            return DictionaryLearning.fit(loss, init, options);
        }
    }
}
