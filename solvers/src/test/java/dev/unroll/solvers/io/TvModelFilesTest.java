package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.tv.Param;
import dev.unroll.solvers.tv.TvData;
import dev.unroll.solvers.tv.TvNetwork;
import dev.unroll.solvers.tv.TvNetworkKind;
import dev.unroll.solvers.tv.TvProblem;
import dev.unroll.solvers.tv.TvTrainer;
import dev.unroll.tck.support.TckBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TV model files: a trained network round-trips bit for bit, and damaged or mismatched files are refused. */
class TvModelFilesTest {
    private static Backend be;
    private static TvData data;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = TvData.generate(8, 5, 20, 0.2, 0.0, 11);
    }

    @AfterAll
    static void close() {
        be.close();
    }

    @ParameterizedTest
    @CsvSource({"lpgd-taut,F64", "lpgd-lista-global-2,F64", "coupled-condat-vu,F32", "orig-chambolle,F64",
            "step-synthesis,F32"})
    void trainedNetworksRoundTripBitForBit(String id, DType dtype) throws Exception {
        Path file = dir.resolve(id + ".safetensors");
        HostMatrix before;
        Map<String, HostMatrix> saved = new LinkedHashMap<>();
        try (TvProblem p = TvProblem.create(be, dtype, data.operator(), 0.3);
             TvNetwork net = TvNetwork.create(TvNetworkKind.fromId(id), p, 3)) {
            TvTrainer.train(net, data.signals(), 6, 1);
            before = net.solve(data.signals(), 3);
            net.parameters().forEach((name, q) -> saved.put(name, q.host()));
            TvModelFiles.save(net, file);
        }
        assertTrue(TvModelFiles.isTvModel(file));
        try (TvModelFiles.Loaded m = TvModelFiles.load(file, be)) {
            assertEquals(id, m.network().kind().id());
            assertEquals(dtype, m.problem().dtype());
            assertEquals(saved.keySet(), m.network().parameters().keySet());
            for (Param q : m.network().parameters().values()) {
                assertArrayEquals(saved.get(q.name()).values(), q.host().values(), 0.0, q.name());
            }
            assertArrayEquals(before.values(), m.network().solve(data.signals(), 3).values(), 0.0, "same output");
        }
    }

    @Test
    void damagedOrMismatchedFilesAreRefused() throws Exception {
        Path good = dir.resolve("good.safetensors");
        try (TvProblem p = TvProblem.create(be, DType.F64, data.operator(), 0.3);
             TvNetwork net = TvNetwork.create(TvNetworkKind.LPGD_TAUT, p, 2)) {
            TvModelFiles.save(net, good);
        }
        refused(good, c -> c.meta.put("format", "unroll-model"), "not an Unroll TV model");
        refused(good, c -> c.meta.put("format_version", "9"), "format_version 9");
        refused(good, c -> c.meta.put("network", "resnet"), "unknown TV network");
        refused(good, c -> c.meta.put("network", "coupled-condat-vu"), "does not have");
        refused(good, c -> c.meta.put("layers", "3"), "no tensor 'layer2.Wu'");
        refused(good, c -> c.meta.put("lambda", "-1"), "lambda a finite number > 0");
        refused(good, c -> c.meta.put("operator_sha256", "00"), "altered or truncated");
        refused(good, c -> c.tensors.remove("layer1.Wx"), "no tensor 'layer1.Wx'");
        refused(good, c -> c.tensors.put("layer1.Wx", Tensor.f64(new int[]{5, 8}, new double[40])), "[8, 5]");
        refused(good, c -> c.tensors.put("layer1.Wx", Tensor.f32(new int[]{8, 5}, new float[40])), "F32");
        refused(good, c -> {
            double[] nan = new double[40];
            nan[3] = Double.NaN;
            c.tensors.put("layer1.Wx", Tensor.f64(new int[]{8, 5}, nan));
        }, "must be finite");
        refused(good, c -> c.meta.put("measurements", "4"), "[4, 8]");
        refused(good, c -> c.meta.put("dtype", "F16"), "not one of F32, F64");
        refused(good, c -> c.meta.put("start", "middle"), "unknown start 'middle'");
        refused(good, c -> c.meta.remove("start"), "lacks the metadata field 'start'");
    }

    @Test
    void theStartRoundTrips() throws Exception {
        Path file = dir.resolve("zero.safetensors");
        try (TvProblem p = TvProblem.create(be, DType.F64, data.operator(), 0.3, TvProblem.Start.ZERO);
             TvNetwork net = TvNetwork.create(TvNetworkKind.LPGD_TAUT, p, 2)) {
            TvModelFiles.save(net, file);
        }
        try (TvModelFiles.Loaded m = TvModelFiles.load(file, be)) {
            assertEquals(TvProblem.Start.ZERO, m.problem().start());
        }
    }

    /** Mutable copies of a file's tensors and metadata. */
    private record Parts(Map<String, Tensor> tensors, Map<String, String> meta) {
    }

    private void refused(Path good, Consumer<Parts> damage, String fragment) throws Exception {
        Safetensors.Contents c = Safetensors.read(good);
        Parts parts = new Parts(new LinkedHashMap<>(c.tensors()), new LinkedHashMap<>(c.metadata()));
        damage.accept(parts);
        Path bad = dir.resolve("bad.safetensors");
        Safetensors.write(bad, parts.tensors, parts.meta);
        ModelFileException e = assertThrows(ModelFileException.class, () -> TvModelFiles.load(bad, be).close());
        assertTrue(e.getMessage().contains(fragment), fragment + " in: " + e.getMessage());
    }
}
