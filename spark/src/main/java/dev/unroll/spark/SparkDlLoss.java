package dev.unroll.spark;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.dictionary.DlChunkLoss;
import dev.unroll.solvers.dictionary.DlLoss;
import dev.unroll.solvers.dictionary.DlMethod;
import dev.unroll.solvers.dictionary.DlOptions;
import dev.unroll.solvers.dictionary.LipschitzBound;
import dev.unroll.solvers.gradients.UnrolledAlgorithm;
import java.io.Serializable;
import java.util.Collections;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The dictionary-learning loss h(D, s) summed over the partitions of a Dataset: the {@link DlLoss} that
 * {@link dev.unroll.solvers.dictionary.DictionaryLearning#fit(DlLoss, HostMatrix, DlOptions)} steps on, so
 * PLIPY's line search runs unchanged on the driver. Each evaluation broadcasts (D, s); every partition adds up
 * its chunks' sums on its executor's {@link DlChunkLoss}; the sums are added in partition order
 * ({@link OrderedTreeSum}), the aggregation the network trainer uses, carrying n·m + T + 1 values.
 */
final class SparkDlLoss implements DlLoss {
    private final JavaSparkContext sc;
    private final String runId = UUID.randomUUID().toString();
    private final JavaRDD<double[]> chunks;
    private final Settings settings;
    private final int n;
    private final int m;
    private final int chunk;
    private final int partitions;
    private final int fanIn;

    /** The signals of {@code column} of {@code data}, for n×m dictionaries; cached until {@link #close()}. */
    SparkDlLoss(Dataset<Row> data, String column, int signalDim, int atoms, DlOptions options, int chunk) {
        this.sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        this.chunks = TrainingChunks.of(data, column, signalDim, chunk);
        this.n = signalDim;
        this.m = atoms;
        this.chunk = chunk;
        this.settings = Settings.of(options);
        TrainingChunks.scan(chunks, n); // checks every row and fills the cache
        this.partitions = chunks.getNumPartitions();
        this.fanIn = OrderedTreeSum.fanIn(partitions);
    }

    @Override
    public double value(HostMatrix d, double[] s) {
        return run(d, s, -1, false)[0];
    }

    @Override
    public double gradient(HostMatrix d, double[] s, int depth, double[] gD, double[] gS) {
        double[] total = run(d, s, depth, gS != null);
        System.arraycopy(total, 1, gD, 0, gD.length);
        if (gS != null) {
            System.arraycopy(total, 1 + gD.length, gS, 0, gS.length);
        }
        return total[0];
    }

    /**
     * One job: [h, ∂h/∂D, ∂h/∂s] summed over every signal at (d, s) (∂h/∂s as zeros unless {@code withS}),
     * or [h] alone when {@code depth} &lt; 0.
     */
    private double[] run(HostMatrix d, double[] s, int depth, boolean withS) {
        double[] point = new double[d.values().length + s.length];
        System.arraycopy(d.values(), 0, point, 0, d.values().length);
        System.arraycopy(s, 0, point, d.values().length, s.length);
        Broadcast<double[]> at = sc.broadcast(point);
        String id = runId;
        Settings opts = settings;
        int rows = n;
        int atoms = m;
        int capacity = chunk;
        try {
            JavaRDD<Tuple2<Integer, double[]>> partials = chunks.mapPartitionsWithIndex((p, it) -> {
                DlChunkLoss w = ExecutorWorkers.borrow(id,
                        () -> new DlChunkLoss(JvmBackend.get(), opts.options(), rows, atoms, capacity));
                try {
                    return Collections.singletonList(new Tuple2<>(p, sums(w, at.value(), rows, atoms, it, depth, withS)))
                            .iterator();
                } finally {
                    ExecutorWorkers.giveBack(id, w);
                }
            }, true);
            return OrderedTreeSum.sum(partials, partitions, fanIn);
        } finally {
            at.destroy();
        }
    }

    /** One partition's sums over its chunks at the point (D, s) packed in {@code point}. */
    private static double[] sums(DlChunkLoss w, double[] point, int n, int m, java.util.Iterator<double[]> chunks,
                                 int depth, boolean withS) {
        int dl = n * m;
        HostMatrix d = new HostMatrix(n, m, java.util.Arrays.copyOf(point, dl));
        double[] s = java.util.Arrays.copyOfRange(point, dl, point.length);
        boolean withGradient = depth >= 0;
        double[] out = new double[withGradient ? 1 + dl + s.length : 1];
        double[] gD = withGradient ? new double[dl] : null;
        double[] gS = withGradient && withS ? new double[s.length] : null;
        while (chunks.hasNext()) {
            double[] c = chunks.next();
            HostMatrix x = new HostMatrix(n, c.length / n, c);
            if (!withGradient) {
                out[0] += w.value(d, s, x);
                continue;
            }
            out[0] += w.gradient(d, s, x, depth, gD, gS);
            for (int i = 0; i < dl; i++) {
                out[1 + i] += gD[i];
            }
            for (int i = 0; gS != null && i < s.length; i++) {
                out[1 + dl + i] += gS[i];
            }
        }
        return out;
    }

    @Override
    public void close() {
        chunks.unpersist(false);
        ExecutorWorkers.forget(runId);
    }

    /** {@link DlOptions} as executors receive it (the record itself is not serializable). */
    private record Settings(DlMethod method, UnrolledAlgorithm algorithm, int iterations, int depth, double lambda,
                            double tolerance, int maxIterations, LipschitzBound bound, DType dtype)
            implements Serializable {
        static Settings of(DlOptions o) {
            return new Settings(o.method(), o.algorithm(), o.iterations(), o.depth(), o.lambda(), o.tolerance(),
                    o.maxIterations(), o.bound(), o.dtype());
        }

        DlOptions options() {
            return new DlOptions(method, algorithm, iterations, depth, lambda, tolerance, maxIterations, bound, dtype);
        }
    }
}
