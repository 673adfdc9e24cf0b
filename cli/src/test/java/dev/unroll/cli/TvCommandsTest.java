package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import dev.unroll.solvers.io.Safetensors;
import dev.unroll.solvers.io.TvModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --problem tv} → {@code eval} → {@code encode} of a TV model end to end on a tiny problem, and
 * bad TV input ending with one line, exit status 2 and no output file.
 */
class TvCommandsTest {
    private static final String[] TINY = {"--problem", "tv", "--samples", "40", "--atoms", "8", "--dim", "5",
        "--backend", "reference"};

    @TempDir
    Path dir;

    private Path train(String network) {
        Path model = dir.resolve(network + ".safetensors");
        CliRun r = CliRun.of(concat(new String[]{"train", "-p", network, "-T", "3", "-l", "0.3", "--iterations", "6",
            "-o", model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("wrote " + model), r.out());
        assertTrue(r.out().contains(network + " TV network"), r.out());
        return model;
    }

    @Test
    void trainEvalAndEncodeATvModel() throws Exception {
        Path model = train("lpgd-taut");
        Path evalDir = dir.resolve("eval");
        CliRun e = CliRun.of("eval", "-m", model.toString(), "--samples", "30", "--backend", "reference", "-o",
                evalDir.toString());
        assertEquals(Main.EXIT_OK, e.status(), e.err());
        assertTrue(e.out().contains("PGD P−P*"), e.out());
        assertEquals(5, Files.readAllLines(evalDir.resolve("eval.csv")).size(), "header and layers 0..3");
        assertTrue(Files.size(evalDir.resolve("eval.png")) > 1000);

        Path x = dir.resolve("x.npy");
        double[] signals = new double[11 * 5];
        for (int i = 0; i < signals.length; i++) {
            signals[i] = Math.sin(0.7 * i);
        }
        Npy.writeF64(x, signals, 11, 5);
        Path u = dir.resolve("u.npy");
        CliRun enc = CliRun.of("encode", "-m", model.toString(), "-i", x.toString(), "-o", u.toString(), "--batch", "4",
                "--backend", "reference");
        assertEquals(Main.EXIT_OK, enc.status(), enc.err());
        NpyArray out = Npy.read(u);
        assertEquals(11, out.rows());
        assertEquals(8, out.cols());
        // The same numbers as the library's network on the whole batch (the layers act column by column).
        try (Backend be = Backends.open("reference", BackendConfig.defaults());
             TvModelFiles.Loaded m = TvModelFiles.load(model, be)) {
            HostMatrix expected = m.network().solve(new HostMatrix(11, 5, signals).transpose(), 3);
            assertArrayEquals(expected.transpose().values(), out.toColumnMajor(), 1e-12);
        }
    }

    @Test
    void everyTvNetworkFamilyTrainsFromTheCommandLine() {
        for (String network : new String[]{"coupled-condat-vu", "step-chambolle", "coupled-synthesis",
            "lpgd-lista-per-layer-2"}) {
            train(network);
        }
    }

    @Test
    void badTvInputEndsWithOneLineStatusTwoAndNoFile() throws Exception {
        Path out = dir.resolve("never.safetensors");
        assertBad(CliRun.of(concat(new String[]{"train", "-p", "resnet", "-o", out.toString()}, TINY)),
                "unknown TV network 'resnet'");
        assertBad(CliRun.of("train", "--problem", "graph", "-o", out.toString()), "--problem must be lasso or tv");
        assertBad(CliRun.of(concat(new String[]{"train", "--optimizer", "adam", "-o", out.toString()}, TINY)),
                "line search only");
        assertBad(CliRun.of(concat(new String[]{"train", "--data", "digits", "-o", out.toString()}, TINY)),
                "no digits data");
        assertBad(CliRun.of(concat(new String[]{"train", "-l", "0", "-o", out.toString()}, TINY)), "λ must be");
        assertBad(CliRun.of(concat(new String[]{"train", "-p", "lpgd-lista-none-0", "-o", out.toString()}, TINY)),
                "at least 1 inner layer");
        assertFalse(Files.exists(out));

        Path model = train("lpgd-taut");
        Path wrong = dir.resolve("wrong.npy");
        Npy.writeF64(wrong, new double[6 * 4], 6, 4); // m = 4, the model wants 5
        Path u = dir.resolve("u.npy");
        assertBad(CliRun.of("encode", "-m", model.toString(), "-i", wrong.toString(), "-o", u.toString(),
                "--backend", "reference"), "dimension 4");
        assertFalse(Files.exists(u), "no partial output");
        assertBad(CliRun.of("eval", "-m", model.toString(), "--safeguard", "--backend", "reference", "-o",
                dir.resolve("e").toString()), "no safeguard");

        Safetensors.Contents c = Safetensors.read(model);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("operator_sha256", "0".repeat(64));
        Path altered = dir.resolve("altered.safetensors");
        Safetensors.write(altered, c.tensors(), meta);
        assertBad(CliRun.of("encode", "-m", altered.toString(), "-i", wrong.toString(), "-o", u.toString(),
                "--backend", "reference"), "altered or truncated");
        assertFalse(Files.exists(u));
    }

    private static void assertBad(CliRun r, String fragment) {
        assertEquals(Main.EXIT_USAGE, r.status(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
