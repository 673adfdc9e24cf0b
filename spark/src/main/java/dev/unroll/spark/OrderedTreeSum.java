package dev.unroll.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The sum of one vector per partition, computed as a tree (partials of {@code fanIn} neighbouring partitions
 * added on executors, level by level, the last few on the driver) in a fixed order. Spark's own
 * {@code treeAggregate} adds partial results in the order their tasks finish, so its floating-point sum
 * changes from run to run; here every addition takes its operands in partition order, so a run is
 * reproducible bit for bit for a given partitioning, while the driver still receives only
 * ⌈P / fanIn^depth⌉ vectors.
 */
final class OrderedTreeSum {
    private OrderedTreeSum() {
    }

    /** The fan-in MLlib's default depth 2 gives: ⌈√P⌉, at least 2. */
    static int fanIn(int partitions) {
        return Math.max(2, (int) Math.ceil(Math.sqrt(partitions)));
    }

    /**
     * Σ of the vectors of {@code partials} ((partition index, vector), one per partition, all of one length).
     *
     * @param partitions how many partitions (and so vectors) there are
     */
    static double[] sum(JavaRDD<Tuple2<Integer, double[]>> partials, int partitions, int fanIn) {
        JavaRDD<Tuple2<Integer, double[]>> level = partials;
        int count = partitions;
        // A level only where it relieves the driver, as treeAggregate decides: a few partitions go straight to it
        // (one stage, not two).
        while (count > fanIn + (count + fanIn - 1) / fanIn) {
            int groups = (count + fanIn - 1) / fanIn;
            level = JavaPairRDD.fromJavaRDD(level.map(t -> new Tuple2<>(t._1 / fanIn, t)))
                    .groupByKey(groups)
                    .map(g -> {
                        List<Tuple2<Integer, double[]>> children = new ArrayList<>();
                        g._2.forEach(children::add);
                        return new Tuple2<>(g._1, inOrder(children));
                    });
            count = groups;
        }
        return inOrder(new ArrayList<>(level.collect()));
    }

    /** The children's vectors added left to right in index order. */
    private static double[] inOrder(List<Tuple2<Integer, double[]>> children) {
        children.sort(Comparator.comparing(Tuple2::_1));
        double[] acc = children.get(0)._2.clone();
        for (int c = 1; c < children.size(); c++) {
            double[] v = children.get(c)._2;
            for (int i = 0; i < acc.length; i++) {
                acc[i] += v[i];
            }
        }
        return acc;
    }
}
