package dev.unroll.solvers.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.unroll.engine.Backend;
import dev.unroll.tck.support.TckBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The file readers under arbitrary bytes: every input either reads or throws {@link ModelFileException},
 * nothing else, with no out-of-memory error and no hang. Every build replays the committed inputs
 * ({@code src/test/resources/dev/unroll/solvers/io/ParserFuzzTestInputs/METHOD/}: seeds and every failure
 * found so far); {@code JAZZER_FUZZ=1} with {@code -Dtest=ParserFuzzTest#METHOD} fuzzes one target for
 * real, up to the execution limit below (README: Fuzzing).
 */
class ParserFuzzTest {
    private static final int EXECUTIONS = 1_000_000;
    private static final String DURATION = "60m";
    private static Backend backend;
    private static Path file;

    @BeforeAll
    static void open() throws IOException {
        backend = TckBackend.open();
        // Each input goes through a real file; in memory where the system has a RAM disk (10× faster).
        Path shm = Path.of("/dev/shm");
        file = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempFile(shm, "unroll-fuzz", ".bin")
                : Files.createTempFile("unroll-fuzz", ".bin");
    }

    @AfterAll
    static void close() throws IOException {
        if (backend != null) {
            backend.close();
        }
        Files.deleteIfExists(file);
    }

    private static Path write(byte[] data) throws IOException {
        Files.write(file, data);
        return file;
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = DURATION)
    void npy(byte[] data) {
        try {
            Npy.decode(data, "fuzz.npy").toColumnMajor();
        } catch (ModelFileException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = DURATION)
    void signalReader(byte[] data) throws IOException {
        try (SignalReader r = SignalReader.open(write(data))) {
            while (r.next(7).cols() > 0) {
                // read every batch: the stream path reads the data only here
            }
        } catch (ModelFileException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = DURATION)
    void safetensors(byte[] data) throws IOException {
        try {
            Safetensors.read(write(data));
        } catch (ModelFileException expected) {
            // the documented refusal
        }
    }

    @FuzzTest(maxExecutions = EXECUTIONS, maxDuration = DURATION)
    void modelFiles(byte[] data) throws IOException {
        try (ModelFiles.LoadedModel m = ModelFiles.load(write(data), backend)) {
            m.network().layers();
        } catch (ModelFileException expected) {
            // the documented refusal
        }
    }
}
