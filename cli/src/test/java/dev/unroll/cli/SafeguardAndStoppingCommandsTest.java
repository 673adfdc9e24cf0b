package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encode --solver} answers per signal (the output does not change with {@code --batch}), and
 * {@code --safeguard} on {@code encode} and {@code eval} (issue 15).
 */
class SafeguardAndStoppingCommandsTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path signals() throws Exception {
        Path x = dir.resolve("x.npy");
        double[] values = new double[40 * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i) + (i % 7 == 0 ? 3 : 0);
        }
        Npy.writeF64(x, values, 40, 6);
        return x;
    }

    @Test
    void fistaCodesDoNotChangeWithTheBatchSize() throws Exception {
        Path x = signals();
        Path d = dir.resolve("d.npy");
        double[] dict = new double[6 * 12];
        for (int i = 0; i < dict.length; i++) {
            dict[i] = Math.cos(3 * i);
        }
        Npy.writeF64(d, dict, 6, 12);
        double[][] codes = new double[2][];
        String[] batches = {"1", "64"};
        for (int k = 0; k < 2; k++) {
            Path z = dir.resolve("z" + k + ".npy");
            CliRun r = run("encode", "--solver", "fista", "--dictionary", d.toString(), "-l", "0.1", "--tolerance",
                    "1e-9", "--max-iterations", "20000", "-i", x.toString(), "-o", z.toString(), "--batch", batches[k],
                    "--backend", "reference");
            assertEquals(Main.EXIT_OK, r.status(), r.err());
            assertTrue(r.out().contains("fista: 40 of 40 signals converged"), r.out());
            codes[k] = Npy.read(z).data();
        }
        assertArrayEquals(codes[0], codes[1], "--batch 1 and --batch 64 give the same codes");
    }

    @Test
    void safeguardOnEncodeAndEval() throws Exception {
        Path model = dir.resolve("m.safetensors");
        CliRun t = run("train", "-p", "step", "-T", "4", "-l", "0.2", "--iterations", "8", "-o", model.toString(),
                "--samples", "60", "--atoms", "12", "--dim", "6", "--backend", "reference");
        assertEquals(Main.EXIT_OK, t.status(), t.err());
        Path z = dir.resolve("z.npy");
        CliRun enc = run("encode", "-m", model.toString(), "--safeguard", "-i", signals().toString(), "-o",
                z.toString(), "--batch", "7", "--backend", "reference");
        assertEquals(Main.EXIT_OK, enc.status(), enc.err());
        assertTrue(enc.out().contains("safeguard: the ISTA step replaced a layer"), enc.out());
        assertEquals(12, Npy.read(z).cols());

        Path evalDir = dir.resolve("eval");
        CliRun e = run("eval", "-m", model.toString(), "--safeguard", "--samples", "40", "--backend", "reference",
                "-o", evalDir.toString());
        assertEquals(Main.EXIT_OK, e.status(), e.err());
        assertTrue(e.out().contains("ISTA steps taken") && e.out().contains("worst signal F − F*"), e.out());
        assertTrue(Files.readAllLines(evalDir.resolve("eval.csv")).get(0).contains("safeguarded_gap"));

        Path never = dir.resolve("never.npy");
        CliRun bad = run("encode", "--solver", "ista", "--safeguard", "-i", signals().toString(), "-o",
                never.toString(), "--backend", "reference");
        assertEquals(Main.EXIT_USAGE, bad.status(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--safeguard"), bad.err());
        assertFalse(Files.exists(never));
    }
}
