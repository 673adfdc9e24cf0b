package dev.unroll.spark;

import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingObjective;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import dev.unroll.engine.InvalidArgumentException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-parallel training of an unrolled network on Spark: {@link Trainer}'s rules on the driver, each loss
 * and gradient summed over the partitions of the training set ({@link SparkTrainingSet}). The full-batch line
 * search gives the network the single-machine trainer gives on the same signals, to rounding; Adam takes one
 * partition per mini-batch.
 */
public final class SparkTrainer {
    private SparkTrainer() {
    }

    /**
     * Trains {@code net} (on the driver's backend; it ends at the best parameters reached) on the signals of
     * column {@code column} of {@code data} with {@code options} (unsupervised; Adam's batch size is the
     * partitioning's, not {@code options.batchSize()}).
     */
    public static TrainingResult train(UnrolledNetwork net, Dataset<Row> data, String column, TrainingOptions options) {
        return train(net, data, column, options, SparkTrainingSet.DEFAULT_CHUNK);
    }

    /** As {@link #train(UnrolledNetwork, Dataset, String, TrainingOptions)}, {@code chunk} signals per backend call. */
    public static TrainingResult train(UnrolledNetwork net, Dataset<Row> data, String column, TrainingOptions options,
                                       int chunk) {
        if (options.objective() != TrainingObjective.UNSUPERVISED) {
            throw new InvalidArgumentException("training on Spark is unsupervised (the Lasso objective); the "
                    + "supervised objective needs target codes, which the Spark training set does not carry");
        }
        try (SparkTrainingSet set = SparkTrainingSet.of(net, data, column, chunk)) {
            return Trainer.train(net, set, options);
        }
    }
}
