package dev.unroll.solvers.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ONNX export runs in ONNX Runtime (its Java API, the real native library) and gives Unroll's codes:
 * to 1e-6 in F32 and 1e-12 in F64, for every parametrization and several batch sizes.
 */
class OnnxExportTest {
    private static final int[] BATCHES = {1, 3, 17};
    private static Backend be;
    private static CodingData data;
    private static OrtEnvironment env;
    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(40, 8, 5, 20, 11); // n = 5, m = 8
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void f32GraphGivesUnrollsCodes(Parametrization par) throws Exception {
        check(par, DType.F32, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void f64GraphGivesUnrollsCodes(Parametrization par) throws Exception {
        check(par, DType.F64, 1e-12);
    }

    @Test
    void theFileDeclaresItsShapesOpsetAndMetadata() throws Exception {
        Path file = dir.resolve("net.onnx");
        try (LassoProblem p = LassoProblem.create(be, DType.F32, data.dictionary(), 0.2);
             UnrolledNetwork net = TestNetworks.perturbed(p, Parametrization.FIRST_STEP, 3, 5)) {
            OnnxExport.write(net, file);
        }
        try (OrtSession s = env.createSession(Files.readAllBytes(file), new OrtSession.SessionOptions())) {
            NodeInfo in = s.getInputInfo().get(OnnxExport.INPUT);
            NodeInfo out = s.getOutputInfo().get(OnnxExport.OUTPUT);
            assertArrayEquals(new long[] {-1, 5}, ((TensorInfo) in.getInfo()).getShape());
            assertArrayEquals(new long[] {-1, 8}, ((TensorInfo) out.getInfo()).getShape());
            assertEquals(1, s.getNumInputs(), "the weights are initializers, not inputs");
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("first_step", meta.get("parametrization"));
            assertEquals("3", meta.get("layers"));
            assertEquals("unroll", s.getMetadata().getProducerName());
        }
    }

    private void check(Parametrization par, DType dtype, double tolerance) throws Exception {
        int layers = 4;
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.2);
             UnrolledNetwork net = TestNetworks.perturbed(p, par, layers, 7);
             OrtSession s = env.createSession(OnnxExport.toBytes(net), new OrtSession.SessionOptions())) {
            for (int b : BATCHES) {
                HostMatrix x = data.signals().columns(0, b); // n×b
                HostMatrix expected;
                try (Matrix xm = p.uploadSignals(x); Matrix z = net.encode(xm)) {
                    expected = Uploads.download(be, z); // m×b column-major = (b, m) row-major
                }
                double[] actual = run(s, dtype, x);
                assertEquals(expected.values().length, actual.length);
                double worst = 0;
                int nonZero = 0;
                for (int i = 0; i < actual.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected.values()[i]));
                    nonZero += expected.values()[i] != 0 ? 1 : 0;
                }
                assertTrue(worst <= tolerance, par + " " + dtype + " batch " + b + ": ONNX Runtime's codes differ from "
                        + "Unroll's by " + worst + " (tolerance " + tolerance + ")");
                assertTrue(nonZero > 0, "a network that codes everything as 0 would check nothing");
            }
        }
    }

    /** ONNX Runtime's z for the signals x (n×b, one per column), as (b, m) row-major doubles. */
    private static double[] run(OrtSession s, DType dtype, HostMatrix x) throws OrtException {
        long[] shape = {x.cols(), x.rows()};
        // x (n×b) column-major is xᵀ (b, n) row-major: the graph's layout.
        try (OnnxTensor in = dtype == DType.F32
                ? OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloats()), shape)
                : OnnxTensor.createTensor(env, DoubleBuffer.wrap(x.values()), shape);
             OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, in))) {
            OnnxTensor z = (OnnxTensor) r.get(OnnxExport.OUTPUT).orElseThrow();
            if (dtype == DType.F32) {
                FloatBuffer f = z.getFloatBuffer();
                double[] out = new double[f.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = f.get(i);
                }
                return out;
            }
            DoubleBuffer d = z.getDoubleBuffer();
            double[] out = new double[d.remaining()];
            d.get(out);
            return out;
        }
    }
}
