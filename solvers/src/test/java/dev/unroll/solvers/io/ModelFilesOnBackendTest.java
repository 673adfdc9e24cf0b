package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.tck.support.TckBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Model files: a trained network saved, loaded (here and in a new JVM) and evaluated gives the same test
 * loss to the last bit; files that do not fit are refused whole.
 */
class ModelFilesOnBackendTest {
    private static Backend be;
    private static CodingData data;
    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(300, 20, 10, 200, 5);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"STEP,F64", "LISTA,F32", "COUPLED,F64", "ALISTA,F32", "FIRST_STEP,F32"})
    void roundTripKeepsTheTestLossToTheLastBit(Parametrization par, DType dtype) throws Exception {
        Path file = dir.resolve("model.safetensors");
        double before;
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, par, 4);
             Matrix test = p.uploadSignals(data.test())) {
            Trainer.train(net, data.train(), TrainingOptions.defaults().withMaxIterations(20));
            before = net.loss(test);
            ModelFiles.save(net, file);
        }
        try (ModelFiles.LoadedModel m = ModelFiles.load(file, be);
             Matrix test = m.problem().uploadSignals(data.test())) {
            assertEquals(Double.doubleToRawLongBits(before), Double.doubleToRawLongBits(m.network().loss(test)));
            assertEquals(par, m.network().parametrization());
            assertEquals(dtype, m.problem().dtype());
        }
        // A new process, as a user's next session would.
        Path x = dir.resolve("x.npy");
        Npy.writeF64(x, data.test().values(), data.test().rows(), data.test().cols());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process proc = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-Dunroll.backend=" + be.name(), "-cp", System.getProperty("java.class.path"),
                ModelEvalMain.class.getName(), file.toString(), x.toString()).redirectErrorStream(true).start();
        String output = new String(proc.getInputStream().readAllBytes()).trim();
        assertEquals(0, proc.waitFor(), output);
        List<String> lines = output.lines().filter(l -> l.startsWith("loss-bits ")).toList();
        assertEquals(1, lines.size(), output);
        assertEquals(Long.toHexString(Double.doubleToRawLongBits(before)), lines.get(0).substring(10));
    }

    @Test
    void refusesFilesThatDoNotFit() throws Exception {
        Path file = dir.resolve("model.safetensors");
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.COUPLED, 2)) {
            ModelFiles.save(net, file);
        }
        Safetensors.Contents c = Safetensors.read(file);

        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("format", "something-else");
        assertMessage(rewrite(c.tensors(), meta), "not an Unroll model");

        meta = new LinkedHashMap<>(c.metadata());
        meta.put("layers", "3");
        assertMessage(rewrite(c.tensors(), meta), "no tensor 'layers.2.W_coupled'");

        meta = new LinkedHashMap<>(c.metadata());
        meta.put("format_version", "7");
        assertMessage(rewrite(c.tensors(), meta), "format_version 7");

        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        double[] d = tensors.get("dictionary").doubles().clone();
        d[0] += 1e-9;
        tensors.put("dictionary", Tensor.f64(tensors.get("dictionary").shape(), d));
        assertMessage(rewrite(tensors, c.metadata()), "SHA-256");

        tensors = new LinkedHashMap<>(c.tensors());
        tensors.put("layers.1.threshold", Tensor.f32(new int[]{20, 1}, new float[20]));
        assertMessage(rewrite(tensors, c.metadata()), "is F32 [20, 1] but the metadata implies F64");

        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThrows(ModelFileException.class, () -> ModelFiles.load(truncated, be));
    }

    private Path rewrite(Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Safetensors.write(f, tensors, meta);
        return f;
    }

    private static void assertMessage(Path file, String fragment) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.load(file, be));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
