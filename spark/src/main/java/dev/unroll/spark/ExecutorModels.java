package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkFiles;

/**
 * The models this JVM encodes with: each model file loaded once onto the {@link JvmBackend} with one
 * {@link Solver} (thread-safe, so the tasks running at once share it), kept until the JVM ends. A path that
 * does not exist here is looked up among the files shipped with {@code spark-submit --files} by its name.
 */
final class ExecutorModels {
    private static final Map<String, Solver> SOLVERS = new HashMap<>();
    private static int loads;

    private ExecutorModels() {
    }

    /**
     * The solver of {@code model} with batches of up to {@code batch} signals, loaded on first use. A file
     * rewritten since (another size or modification time) is loaded again: an executor outlives a job, and a
     * model retrained under the same name must not be served stale.
     */
    static synchronized Solver solver(String model, int batch) {
        Path file = locate(model);
        String key;
        try {
            key = file.toAbsolutePath() + "#" + Files.size(file) + "#" + Files.getLastModifiedTime(file) + "#" + batch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + file + " on this executor: " + e.getMessage(), e);
        }
        Solver s = SOLVERS.get(key);
        if (s == null) {
            try {
                ModelFiles.LoadedModel loaded = JvmBackend.own(ModelFiles.load(file, JvmBackend.get()));
                s = JvmBackend.own(Solver.of(loaded.network(), new Batching(false, batch, java.time.Duration.ZERO)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model " + file + " on this executor: " + e.getMessage(), e);
            }
            loads++;
            SOLVERS.put(key, s);
        }
        return s;
    }

    /** How many models this JVM has loaded: one per model file and batch size, however many tasks ran. */
    static synchronized int loads() {
        return loads;
    }

    /** {@code model} as a path here, or the file of that name shipped with {@code --files}. */
    static Path locate(String model) {
        Path direct = Path.of(model);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        String shipped;
        try {
            shipped = SparkFiles.get(direct.getFileName().toString());
        } catch (RuntimeException noSparkContext) {
            shipped = null;
        }
        if (shipped != null && Files.isRegularFile(Path.of(shipped))) {
            return Path.of(shipped);
        }
        throw new InvalidArgumentException("the model " + model + " is not a file on this executor: put it on a "
                + "file system every executor mounts, or ship it with spark-submit --files " + model);
    }
}
