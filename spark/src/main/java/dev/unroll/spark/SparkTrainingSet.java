package dev.unroll.spark;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParameterSet;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.TrainingSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * A training set spread over the partitions of a Dataset: the {@link TrainingSet} the single-machine
 * {@link dev.unroll.solvers.training.Trainer} steps along, so its line search and Adam run unchanged on the
 * driver. Each evaluation broadcasts the driver's parameters, every partition computes its loss and gradient
 * sums on its executor's copy of the network, and the sums are added in a fixed order
 * ({@link OrderedTreeSum}), as MLlib's full-batch optimisers do with {@code treeAggregate}. An evaluation
 * computes the gradient at once, in the same pass: the line search needs it after every accepted step, and a
 * second job per step would cost a second round of scheduling and a second forward pass. Mini-batches are
 * whole partitions, visited once per epoch in a seeded order (empty partitions skipped): repartition to the
 * batch size wanted. The objective is unsupervised (the Lasso loss at a layer's output).
 */
public final class SparkTrainingSet implements TrainingSet {
    /** Signals per backend call on the executors unless told otherwise. */
    public static final int DEFAULT_CHUNK = 1024;

    private final UnrolledNetwork net;
    private final Backend be;
    private final JavaSparkContext sc;
    private final String runId = UUID.randomUUID().toString();
    private final JavaRDD<double[]> chunks;
    private final Broadcast<NetworkShape> shape;
    private final int chunk;
    private final int partitions;
    private final int fanIn;
    private final int[] nonEmpty;
    private final long signals;
    private final double largestAbs;
    private int[] order;
    private double[] lastGradient;
    private double lastCount;

    private SparkTrainingSet(UnrolledNetwork net, Dataset<Row> data, String column, int chunk) {
        this.net = net;
        this.be = net.problem().backend();
        this.sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        this.chunk = chunk;
        this.chunks = TrainingChunks.of(data, column, net.problem().signalDim(), chunk);
        this.partitions = chunks.getNumPartitions();
        this.fanIn = OrderedTreeSum.fanIn(partitions);
        TrainingChunks.Scan scan = TrainingChunks.scan(chunks, net.problem().signalDim());
        List<Integer> filled = new ArrayList<>();
        for (int p = 0; p < scan.counts().length; p++) {
            if (scan.counts()[p] > 0) {
                filled.add(p);
            }
        }
        this.nonEmpty = filled.stream().mapToInt(Integer::intValue).toArray();
        this.order = nonEmpty.clone();
        this.signals = scan.total();
        this.largestAbs = scan.largestAbs();
        this.shape = sc.broadcast(NetworkShape.of(net));
    }

    /**
     * The signals of column {@code column} ({@code array<float>} or {@code array<double>}, n values, finite) of
     * {@code data}, for training {@code net} (on the driver's backend); cached on the executors until
     * {@link #close()}.
     *
     * @param chunk signals per backend call on the executors (the tape's capacity), 1 or more
     * @throws InvalidArgumentException when a row holds no valid signal (with its reason)
     */
    public static SparkTrainingSet of(UnrolledNetwork net, Dataset<Row> data, String column, int chunk) {
        if (net == null || data == null || column == null) {
            throw new InvalidArgumentException("a Spark training set needs a network, a Dataset and a column");
        }
        if (chunk < 1) {
            throw new InvalidArgumentException("chunk must be ≥ 1 signal, but is " + chunk);
        }
        return new SparkTrainingSet(net, data, column, chunk);
    }

    @Override
    public long signals() {
        return signals;
    }

    /** The partitions the signals are spread over. */
    public int partitions() {
        return partitions;
    }

    @Override
    public double largestAbs() {
        return largestAbs;
    }

    @Override
    public double evaluate(int outputLayers) {
        return keep(run(outputLayers, true, -1));
    }

    @Override
    public void gradient(ParameterSet grads, int trainableLayers) {
        double[] mean = new double[lastGradient.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = lastGradient[i] / lastCount;
        }
        ParameterVector.write(be, mean, grads);
        for (int t = trainableLayers; t < net.layers(); t++) {
            for (Matrix g : grads.layer(t)) {
                be.fill(g, 0);
            }
        }
    }

    @Override
    public double loss(int outputLayers) {
        double[] total = run(outputLayers, false, -1);
        return total[1] / total[0];
    }

    @Override
    public int batchesPerEpoch() {
        return Math.max(1, nonEmpty.length);
    }

    @Override
    public void shuffle(NumpyRandom rng) {
        int[] perm = rng.permutation(nonEmpty.length);
        for (int i = 0; i < perm.length; i++) {
            order[i] = nonEmpty[perm[i]];
        }
    }

    @Override
    public double evaluateBatch(int batch, int outputLayers) {
        return keep(run(outputLayers, true, order[batch]));
    }

    /** Keeps the gradient sums of {@code total} for {@link #gradient} and returns its mean loss. */
    private double keep(double[] total) {
        lastCount = total[0];
        lastGradient = java.util.Arrays.copyOfRange(total, 2, total.length);
        return total[1] / total[0];
    }

    /**
     * One job at the driver's current parameters: the sums over every partition ({@code only} &lt; 0), or over
     * partition {@code only} alone (a job over one partition, not a pass over the data).
     */
    private double[] run(int outputLayers, boolean withGradient, int only) {
        Broadcast<double[]> params = sc.broadcast(ParameterVector.of(be, net.parameters()));
        try {
            JavaRDD<Tuple2<Integer, double[]>> partials = partials(params, outputLayers, withGradient);
            return only < 0 ? OrderedTreeSum.sum(partials, partitions, fanIn)
                    : partials.collectPartitions(new int[] {only})[0].get(0)._2;
        } finally {
            // Freed at once: a LISTA's parameters are megabytes, and a run broadcasts them at every evaluation.
            params.destroy();
        }
    }

    /** Each partition's sums at the parameters {@code params}. */
    private JavaRDD<Tuple2<Integer, double[]>> partials(Broadcast<double[]> params, int outputLayers,
                                                        boolean withGradient) {
        Broadcast<NetworkShape> s = shape;
        String id = runId;
        int capacity = chunk;
        return chunks.mapPartitionsWithIndex((p, it) -> {
            GradientWorker w = ExecutorWorkers.borrow(id, () -> new GradientWorker(JvmBackend.get(), s.value(), capacity));
            try {
                double[] sums = w.evaluate(params.value(), it, outputLayers, withGradient);
                return Collections.singletonList(new Tuple2<>(p, sums)).iterator();
            } finally {
                ExecutorWorkers.giveBack(id, w);
            }
        }, true);
    }

    /** Uncaches the signals and frees the executors' copies of the network (those this JVM holds). */
    @Override
    public void close() {
        chunks.unpersist(false);
        shape.destroy();
        ExecutorWorkers.forget(runId);
    }
}
