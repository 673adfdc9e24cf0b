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
        quietLogs();
        SparkSession spark = SparkSession.builder().appName(app).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * Warnings and errors only: Spark logs its start-up and every task at INFO, which would bury the job's
     * own lines. Only where Spark logs through Log4j 2, its default; another logging set-up is left alone.
     */
    private static void quietLogs() {
        try {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        } catch (LinkageError notLog4j) {
            // A cluster with another logging back end: its own configuration decides.
        }
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
