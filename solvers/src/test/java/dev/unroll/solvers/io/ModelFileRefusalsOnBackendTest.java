package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that parse but must not load: every refusal is a {@link ModelFileException} naming the field,
 * never the front door's InvalidArgument/NonFiniteInput; finite but absurd parameters (a step of 3e38) are
 * refused naming the tensor and the layer, while the steps a trained SLISTA really has load.
 */
class ModelFileRefusalsOnBackendTest {
    private static Backend be;
    private static CodingData data;
    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(50, 20, 10, 20, 5);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    private Safetensors.Contents saved(Parametrization par, DType dtype) throws IOException {
        Path file = dir.resolve(par + "-" + dtype + ".safetensors");
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, par, 3)) {
            ModelFiles.save(net, file);
        }
        return Safetensors.read(file);
    }

    private Path rewrite(Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Safetensors.write(f, tensors, meta);
        return f;
    }

    private static String refusal(Path file) {
        return assertThrows(ModelFileException.class, () -> ModelFiles.load(file, be).close()).getMessage();
    }

    private static Tensor scalar(DType dtype, double v) {
        return dtype == DType.F32 ? Tensor.f32(new int[] {1, 1}, new float[] {(float) v})
                : Tensor.f64(new int[] {1, 1}, new double[] {v});
    }

    @Test
    void anInfiniteLambdaIsAModelFileError() throws IOException {
        Safetensors.Contents c = saved(Parametrization.STEP, DType.F64);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("lambda", "Infinity"); // was an InvalidArgumentException from LassoProblem
        assertTrue(refusal(rewrite(c.tensors(), meta)).contains("lambda"));
    }

    @Test
    void aZeroOrOutOfRangeDictionaryIsAModelFileError() throws IOException {
        for (double scale : new double[] {0, 1e300}) {
            Safetensors.Contents c = saved(Parametrization.STEP, DType.F32);
            Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
            double[] d = tensors.get("dictionary").doubles();
            for (int i = 0; i < d.length; i++) {
                d[i] *= scale;
            }
            Tensor dict = Tensor.f64(tensors.get("dictionary").shape(), d);
            tensors.put("dictionary", dict);
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            ColumnMajorF64 cm = dict.toMatrixF64();
            meta.put("dictionary_sha256", ModelFiles.checksum(new HostMatrix(cm.rows(), cm.cols(), cm.data())));
            // were InvalidArgumentException ("D is zero") and NonFiniteInputException (F32 upload)
            String m = refusal(rewrite(tensors, meta));
            assertTrue(m.contains("'dictionary'"), m);
        }
    }

    @Test
    void anAbsurdStepIsRefusedNamingTensorAndLayer() throws IOException {
        Safetensors.Contents c = saved(Parametrization.STEP, DType.F32);
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        tensors.put("layers.1.step_size", scalar(DType.F32, 3e38));
        String m = refusal(rewrite(tensors, c.metadata()));
        assertTrue(m.contains("'layers.1.step_size' (layer 1)") && m.contains("diverges"), m);
        tensors.put("layers.1.step_size", scalar(DType.F32, -0.01));
        m = refusal(rewrite(tensors, c.metadata()));
        assertTrue(m.contains("'layers.1.step_size' (layer 1)") && m.contains("step -0.0099"), m);
    }

    @Test
    void stepsATrainedSlistaHasLoadEvenBeyondTwoOverL() throws IOException {
        // Fig 4 of the paper: learned steps reach α·L ≈ 3; they stay below 2 / min‖d_j‖².
        Safetensors.Contents c = saved(Parametrization.STEP, DType.F64);
        HostMatrix d = data.dictionary();
        double l = dev.unroll.solvers.Spectral.lipschitz(d.values(), d.rows(), d.cols());
        double minNorm = Double.POSITIVE_INFINITY;
        for (int j = 0; j < d.cols(); j++) {
            double s = 0;
            for (int i = 0; i < d.rows(); i++) {
                s += d.get(i, j) * d.get(i, j);
            }
            minNorm = Math.min(minNorm, s);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        tensors.put("layers.2.step_size", scalar(DType.F64, 2.95 / l));
        try (ModelFiles.LoadedModel model = ModelFiles.load(rewrite(tensors, c.metadata()), be)) {
            assertEquals(2.95 / l, model.network().parameter(2, ParamKind.STEP_SIZE).values()[0]);
        }
        tensors.put("layers.2.step_size", scalar(DType.F64, 2.01 / minNorm));
        assertTrue(refusal(rewrite(tensors, c.metadata())).contains("'layers.2.step_size' (layer 2)"));
    }

    @Test
    void saveRefusesWhatLoadWouldRefuseAndWritesNothing() throws IOException {
        // Issue 15 item 7: a run must never save a model that eval cannot load.
        Path file = dir.resolve("negative-threshold.safetensors");
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 3)) {
            net.setParameter(1, ParamKind.STEP_SIZE, new HostMatrix(1, 1, new double[] {-0.5}));
            String m = assertThrows(ModelFileException.class, () -> ModelFiles.save(net, file)).getMessage();
            assertTrue(m.contains("'layers.1.step_size' (layer 1)") && m.contains("to save as"), m);
        }
        assertFalse(Files.exists(file), "nothing is written");
    }

    @Test
    void nonPositiveThresholdsAndExpandingWeightsAreRefused() throws IOException {
        Safetensors.Contents c = saved(Parametrization.LISTA, DType.F64);
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        double[] theta = tensors.get("layers.0.threshold").doubles();
        theta[3] = 0;
        tensors.put("layers.0.threshold", Tensor.f64(tensors.get("layers.0.threshold").shape(), theta));
        assertTrue(refusal(rewrite(tensors, c.metadata())).contains("'layers.0.threshold' (layer 0)"));

        tensors = new LinkedHashMap<>(c.tensors());
        double[] wz = tensors.get("layers.2.Wz").doubles();
        for (int i = 0; i < wz.length; i++) {
            wz[i] *= 3e30;
        }
        tensors.put("layers.2.Wz", Tensor.f64(tensors.get("layers.2.Wz").shape(), wz));
        assertTrue(refusal(rewrite(tensors, c.metadata())).contains("'layers.2.Wz' (layer 2)"));

        Safetensors.Contents cp = saved(Parametrization.COUPLED, DType.F32);
        tensors = new LinkedHashMap<>(cp.tensors());
        float[] w = tensors.get("layers.1.W_coupled").floats();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 1e30f;
        }
        tensors.put("layers.1.W_coupled", Tensor.f32(tensors.get("layers.1.W_coupled").shape(), w));
        assertTrue(refusal(rewrite(tensors, cp.metadata())).contains("'layers.1.W_coupled' (layer 1)"));
    }

    @Test
    void aNumberBeyondDoubleInTheHeaderIsAModelFileError() throws IOException {
        // was IllegalArgumentException "JSON has no Infinity", raised while building the error message
        for (String header : new String[] {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1e999],\"data_offsets\":[0,4]}}",
            "{\"__metadata__\":{\"x\":1e999},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"__metadata__\":{\"x\":[1.5]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        }) {
            byte[] json = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).putFloat(1f);
            Path f = Files.createTempFile(dir, "inf", ".safetensors");
            Files.write(f, b.array());
            assertThrows(ModelFileException.class, () -> Safetensors.read(f), header);
            assertThrows(ModelFileException.class, () -> ModelFiles.load(f, be), header);
        }
    }
}
