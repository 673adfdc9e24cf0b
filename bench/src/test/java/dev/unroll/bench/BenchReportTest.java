package dev.unroll.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.unroll.engine.Parametrization;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and parsing, on hand-made JMH and PyTorch output: no benchmark runs here. */
class BenchReportTest {
    /** A JMH result entry as JMH 1.37 writes it (trimmed: no secondary metrics, fewer percentiles). */
    private static String entry(String benchmark, String params, int threads, double score, String error,
                                double median, String unit) {
        return """
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "%s",
                    "mode" : "avgt",
                    "threads" : %d,
                    "forks" : 1,
                    "params" : { %s },
                    "primaryMetric" : {
                        "score" : %s,
                        "scoreError" : %s,
                        "scoreConfidence" : [ 0.0, 0.0 ],
                        "scorePercentiles" : { "0.0" : 1.0, "50.0" : %s, "100.0" : 9.0 },
                        "scoreUnit" : "%s",
                        "rawData" : [ [ 1.0, 2.0 ] ]
                    },
                    "secondaryMetrics" : { }
                }""".formatted(benchmark, threads, params, score, error, median, unit);
    }

    private static final String JMH = "[" + String.join(",",
            entry("dev.unroll.bench.FmaPeakBenchmark.f32AllThreads", "", 2, 2.0e11, "1.0E9", 2.0e11, "ops/s"),
            entry("dev.unroll.bench.FmaPeakBenchmark.f64AllThreads", "", 2, 1.0e11, "\"NaN\"", 1.0e11, "ops/s"),
            entry("dev.unroll.bench.GemmBenchmark.gemm",
                    "\"backend\" : \"cpu-vector\", \"dtype\" : \"F32\", \"m\" : \"256\", \"k\" : \"64\", \"batch\" : \"4096\"",
                    1, 600.0, "10.0", 536.870912, "us/op"),
            entry("dev.unroll.bench.GemmBenchmark.gemm",
                    "\"backend\" : \"reference\", \"dtype\" : \"F32\", \"m\" : \"256\", \"k\" : \"64\", \"batch\" : \"4096\"",
                    1, 0.2, "\"NaN\"", 0.134217728, "s/op"),
            entry("dev.unroll.bench.UnrolledBenchmark.trainingStep",
                    "\"backend\" : \"cpu-vector\", \"dtype\" : \"F32\", \"variant\" : \"step\", \"layers\" : \"20\", "
                            + "\"n\" : \"64\", \"m\" : \"256\", \"batch\" : \"16\", \"lambda\" : \"0.1\"",
                    1, 1.0, "0.1", 0.5, "ms/op")) + "]";

    private static final String TORCH = """
            {"torch": "1.13.0a0", "device": "cpu", "dtype": "float32", "threads": 2, "gpu": null}
            {"variant": "step", "mode": "train_step", "B": 16, "layers": 20, "median_ms": 2.0, "min_ms": 1.9, "max_ms": 2.5, "samples_per_s": 8000.0, "gflops": 10.5}
            {"variant": "step", "mode": "inference", "B": 16, "layers": 20, "median_ms": 1.0, "min_ms": 0.9, "max_ms": 1.1, "samples_per_s": 16000.0, "gflops": NaN}
            """;

    @Test
    void flopModelMatchesThePeersFormulas() {
        int t = 20;
        int n = 64;
        int m = 256;
        // torch_lista_bench.py: Lista.flops() = T·2mn + (T−1)·2m² + 2nm, train ×3, inference = flops − 2nm.
        long listaFlops = (long) t * 2 * m * n + (long) (t - 1) * 2 * m * m + 2L * n * m;
        assertEquals(listaFlops - 2L * n * m,
                FlopModel.unrolledPerSample(Parametrization.LISTA, FlopModel.Mode.FORWARD, t, n, m));
        assertEquals(3 * listaFlops, FlopModel.unrolledPerSample(Parametrization.LISTA, FlopModel.Mode.TRAIN, t, n, m));
        // Step.flops() = 2mn + (T−1)·4mn + 2nm, train ×2.
        long stepFlops = 2L * m * n + (long) (t - 1) * 4 * m * n + 2L * n * m;
        assertEquals(stepFlops - 2L * n * m,
                FlopModel.unrolledPerSample(Parametrization.STEP, FlopModel.Mode.FORWARD, t, n, m));
        assertEquals(2 * stepFlops, FlopModel.unrolledPerSample(Parametrization.STEP, FlopModel.Mode.TRAIN, t, n, m));
        assertEquals(2L * 256 * 64 * 4096, FlopModel.gemm(256, 64, 4096));
        assertThrows(IllegalArgumentException.class,
                () -> FlopModel.unrolledPerSample(Parametrization.ALISTA, FlopModel.Mode.TRAIN, t, n, m));
    }

    @Test
    void parsesJmhJson() {
        List<BenchReport.Result> rs = BenchReport.parseJmh(JMH);
        assertEquals(5, rs.size());
        BenchReport.Result gemm = rs.get(2);
        assertEquals("GemmBenchmark", gemm.className());
        assertEquals("gemm", gemm.method());
        assertEquals(Map.of("backend", "cpu-vector", "dtype", "F32", "m", "256", "k", "64", "batch", "4096"),
                gemm.params());
        assertEquals(600.0, gemm.score());
        assertEquals(10.0, gemm.error());
        assertEquals(536.870912e-6, gemm.medianSeconds(), 1e-15);
        assertTrue(Double.isNaN(rs.get(1).error()), "JMH writes a single iteration's error as the string NaN");
        assertEquals(2, rs.getFirst().threads());
    }

    @Test
    void parsesTorchLines() {
        List<BenchReport.TorchRow> rows = BenchReport.parseTorch(TORCH);
        assertEquals(2, rows.size());
        BenchReport.TorchRow r = rows.getFirst();
        assertEquals("step", r.variant());
        assertEquals("train_step", r.mode());
        assertEquals(16, r.batch());
        assertEquals(20, r.layers());
        assertEquals("float32", r.dtype());
        assertEquals(8000.0, r.samplesPerS());
        assertTrue(Double.isNaN(rows.get(1).gflops()), "Python's json writes NaN bare");
    }

    @Test
    void computesRatesAndRatios() {
        List<BenchReport.Result> rs = BenchReport.parseJmh(JMH);
        BenchReport.Result gemm = rs.get(2);
        BenchReport.Result ref = rs.get(3);
        // 2·256·64·4096 = 2^27 FLOPs in 2^29 ns → 0.25 GFLOP/ns = 250 GFLOP/s.
        assertEquals(250.0, BenchReport.gflops(gemm), 1e-9);
        assertEquals(1.0, BenchReport.gflops(ref), 1e-9);
        assertEquals(4096 / 536.870912e-6, BenchReport.samplesPerSecond(gemm), 1e-6);
        assertEquals(250.0, BenchReport.speedupOverReference(rs, gemm).orElseThrow(), 1e-9);
        assertTrue(BenchReport.speedupOverReference(rs, ref).isEmpty(), "no ratio of the reference to itself");
        // Peak: 2·10^11 lane-FMA/s → 400 GFLOP/s (F32), 200 (F64); units convert both ways.
        assertEquals(400.0, BenchReport.peakGflops(rs, "F32").orElseThrow(), 1e-9);
        assertEquals(200.0, BenchReport.peakGflops(rs, "F64").orElseThrow(), 1e-9);
        assertEquals(1e-6, BenchReport.secondsPerOp(1e6, "ops/s"), 1e-18);
        assertEquals(2e-3, BenchReport.secondsPerOp(2, "ms/op"), 1e-18);

        BenchReport.Result train = rs.get(4);
        BenchReport.TorchRow peer = BenchReport.torchPeer(BenchReport.parseTorch(TORCH), train).orElseThrow();
        assertEquals("train_step", peer.mode());
        assertEquals(16 / 0.5e-3, BenchReport.samplesPerSecond(train), 1e-6);   // 32 000 samples/s vs 8 000

        String text = BenchReport.render(rs, BenchReport.parseTorch(TORCH));
        assertTrue(text.contains("250"), text);
        assertTrue(text.contains("63 %"), text);     // 250 of 400 GFLOP/s, rounded
        assertTrue(text.contains("4.00"), text);     // × PyTorch
    }

    @Test
    void jsonReaderHandlesEscapesAndRejectsGarbage() {
        assertEquals(Map.of("a", List.of(1.0, "x\"y\u00e9", true)), Json.parse(" {\"a\": [1, \"x\\\"y\\u00e9\", true]} "));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
    }
}
