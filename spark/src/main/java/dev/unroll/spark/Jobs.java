package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What the job mains share: the session, and how a failure ends them. */
final class Jobs {
    private Jobs() {
    }

    /**
     * The session of a job: the master comes from spark-submit ({@code --master}) or, for a plain {@code java}
     * launch, from {@code -Dspark.master=local[2]}.
     */
    static SparkSession session(String app) {
        if (!new SparkConf().contains("spark.master")) {
            throw new InvalidArgumentException(app + ": no Spark master is set: run it with spark-submit --master "
                    + "URL, or with java -Dspark.master=local[2] for local mode");
        }
        SparkSession spark = SparkSession.builder().appName(app).getOrCreate();
        // Spark logs every task at INFO, which would bury the job's own lines (its start-up lines remain).
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** Runs {@code body}; a bad option or input ends the JVM with status 2 and one line, not a stack trace. */
    static void run(String app, ThrowingRunnable body) throws Exception {
        try {
            body.run();
        } catch (InvalidArgumentException e) {
            System.err.println(app + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /** A job body. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
