package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train → eval → encode end to end on a tiny problem, and every kind of bad input ending with one line,
 * exit status 2 and no output file.
 */
class CommandsTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static final String[] TINY = {"--samples", "60", "--atoms", "12", "--dim", "6", "--backend", "reference"};

    private Path trainTiny() {
        Path model = dir.resolve("m.safetensors");
        CliRun r = run(concat(new String[]{"train", "-p", "step", "-T", "4", "-l", "0.2", "--iterations", "8",
                "-o", model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("wrote " + model), r.out());
        assertTrue(r.out().contains("iteration"), "progress lines: " + r.out());
        return model;
    }

    @Test
    void trainEvalAndEncodeEndToEnd() throws Exception {
        Path model = trainTiny();
        Path evalDir = dir.resolve("eval");
        CliRun e = run("eval", "-m", model.toString(), "--samples", "40", "--backend", "reference", "-o",
                evalDir.toString());
        assertEquals(Main.EXIT_OK, e.status(), e.err());
        assertTrue(e.out().contains("ISTA iterations to match"), e.out());
        assertTrue(Files.size(evalDir.resolve("eval.png")) > 1000);
        assertTrue(Files.readAllLines(evalDir.resolve("eval.csv")).size() == 6);

        // 30 signals of dimension 6, one per row, as NumPy stores them.
        Path x = dir.resolve("x.npy");
        double[] colMajorNxN = new double[30 * 6];
        for (int i = 0; i < colMajorNxN.length; i++) {
            colMajorNxN[i] = Math.sin(i);
        }
        Npy.writeF64(x, colMajorNxN, 30, 6);
        Path z = dir.resolve("z.npy");
        CliRun enc = run("encode", "-m", model.toString(), "-i", x.toString(), "-o", z.toString(), "--batch", "7",
                "--backend", "reference");
        assertEquals(Main.EXIT_OK, enc.status(), enc.err());
        NpyArray codes = Npy.read(z);
        assertEquals(30, codes.rows());
        assertEquals(12, codes.cols());

        Path d = dir.resolve("d.npy");
        double[] dict = new double[6 * 12];
        for (int i = 0; i < dict.length; i++) {
            dict[i] = Math.cos(3 * i);
        }
        Npy.writeF64(d, dict, 6, 12);
        Path z2 = dir.resolve("z2.npy");
        CliRun fista = run("encode", "--solver", "fista", "--dictionary", d.toString(), "-l", "0.1", "-i",
                x.toString(), "-o", z2.toString(), "--backend", "reference");
        assertEquals(Main.EXIT_OK, fista.status(), fista.err());
        assertEquals(12, Npy.read(z2).cols());
    }

    @Test
    void badInputEndsWithOneLineStatusTwoAndNoFile() throws Exception {
        Path out = dir.resolve("never.safetensors");
        assertBad(run(concat(new String[]{"train", "-l", "-1", "-o", out.toString()}, TINY)), "λ must be");
        assertBad(run(concat(new String[]{"train", "--data", dir.resolve("missing.npy").toString(), "-o",
                out.toString()}, TINY)), "no such file");
        assertBad(run("train", "-o", out.toString(), "--samples", "60", "--backend", "warp-drive"),
                "unknown backend 'warp-drive'");
        assertBad(run("train", "-p", "resnet", "-o", out.toString()), "unknown parametrization");
        assertFalse(Files.exists(out));

        Path model = trainTiny();
        Path wrong = dir.resolve("wrong.npy");
        Npy.writeF64(wrong, new double[10 * 5], 10, 5); // n = 5, the model wants 6
        Path z = dir.resolve("z.npy");
        assertBad(run("encode", "-m", model.toString(), "-i", wrong.toString(), "-o", z.toString(), "--backend",
                "reference"), "dimension 5");
        assertFalse(Files.exists(z), "no partial output");
        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[]{1, 2, 3});
        assertBad(run("eval", "-m", corrupt.toString(), "--backend", "reference"), "corrupt.safetensors");
        assertBad(run("reproduce", "fig99"), "no experiment is called 'fig99'");
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
