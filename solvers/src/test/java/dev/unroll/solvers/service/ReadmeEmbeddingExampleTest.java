package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, compiled and run, so the README stays true. */
class ReadmeEmbeddingExampleTest {
    @TempDir
    Path dir;

    /** The README's code, verbatim between the markers. */
    static float[] readmeExample(Path modelFile, float[] signal) throws Exception {
        // README-BEGIN
        try (Backend backend = Backends.open();                            // auto, or -Dunroll.backend=NAME
             ModelFiles.LoadedModel model = ModelFiles.load(modelFile, backend);
             Solver solver = Solver.of(model.network(),
                     Batching.upTo(64, Duration.ofMillis(1)))) {          // gather concurrent calls, ≤ 1 ms
            float[] code = new float[solver.atoms()];
            solver.encode(signal, code);                                   // thread-safe; call from any thread
            return code;
        }
        // README-END
    }

    @Test
    void theExampleRuns() throws Exception {
        CodingData data = Generators.simulated(50, 16, 8, 50, 3);
        Path file = dir.resolve("model.safetensors");
        try (Backend be = Backends.open("reference");
             LassoProblem p = LassoProblem.create(be, DType.F32, data.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5)) {
            ModelFiles.save(net, file);
        }
        float[] x = new float[8];
        for (int i = 0; i < 8; i++) {
            x[i] = (float) data.signals().get(i, 0);
        }
        assertEquals(16, readmeExample(file, x).length);
    }
}
