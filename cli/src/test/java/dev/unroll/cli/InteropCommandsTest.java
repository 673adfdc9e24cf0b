package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.io.ColumnMajorF64;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.Safetensors;
import dev.unroll.solvers.io.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} and {@code import}: a trained model goes to PyTorch and ONNX files and comes back from the
 * PyTorch file as a model that codes every signal to the same bits; bad input ends with one line and status 2.
 */
class InteropCommandsTest {
    private static final String[] TINY = {"--samples", "60", "--atoms", "12", "--dim", "6", "--backend", "reference"};
    @TempDir
    Path dir;

    @Test
    void exportThenImportGivesTheSameCodes() throws Exception {
        Path model = dir.resolve("m.safetensors");
        CliRun r = CliRun.of(concat(new String[] {"train", "-p", "coupled", "-T", "3", "-l", "0.2", "--iterations", "5",
                "-o", model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        Path pt = dir.resolve("m.pt");
        Path onnx = dir.resolve("m.onnx");
        r = CliRun.of("export", "-m", model.toString(), "--pytorch", pt.toString(), "--onnx", onnx.toString(),
                "--backend", "reference");
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(Files.size(pt) > 0 && Files.size(onnx) > 0, r.out());

        // ADOPTY's D is the model's dictionary transposed: (n_atoms, n_dim).
        Tensor d = Safetensors.read(model).tensor("dictionary"); // (n, m) row-major
        Path dNpy = dir.resolve("D.npy");
        Npy.write(dNpy, new ColumnMajorF64(d.shape()[1], d.shape()[0], d.doubles()));
        Path back = dir.resolve("back.safetensors");
        r = CliRun.of("import", "--pytorch", pt.toString(), "-p", "coupled", "--dictionary", dNpy.toString(),
                "-l", "0.2", "-o", back.toString(), "--backend", "reference");
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("3 layers, n = 6, m = 12"), r.out());

        Path x = dir.resolve("x.npy");
        Npy.writeF64(x, new java.util.Random(3).doubles(5 * 6).toArray(), 5, 6);
        Path z1 = dir.resolve("z1.npy");
        Path z2 = dir.resolve("z2.npy");
        assertEquals(Main.EXIT_OK, CliRun.of("encode", "-m", model.toString(), "-i", x.toString(), "-o", z1.toString(),
                "--backend", "reference").status());
        assertEquals(Main.EXIT_OK, CliRun.of("encode", "-m", back.toString(), "-i", x.toString(), "-o", z2.toString(),
                "--backend", "reference").status());
        assertArrayEquals(Files.readAllBytes(z1), Files.readAllBytes(z2));
    }

    @Test
    void badInputEndsWithOneLineAndStatus2() throws Exception {
        Path notPt = dir.resolve("x.pt");
        Files.writeString(notPt, "not a zip");
        Path d = dir.resolve("D.npy");
        Npy.writeF64(d, new double[12], 3, 4);
        Path out = dir.resolve("o.safetensors");
        assertBad(CliRun.of("export", "-m", dir.resolve("none.safetensors").toString(), "--onnx", "a.onnx"), "no such file");
        assertBad(CliRun.of("import", "--pytorch", notPt.toString(), "-p", "step", "--dictionary", d.toString(),
                "-l", "0.1", "-o", out.toString()), "not a torch.save file");
        assertBad(CliRun.of("import", "--pytorch", notPt.toString(), "-p", "hessian", "--dictionary", d.toString(),
                "-l", "0.1", "-o", out.toString()), "unknown parametrization");
        assertFalse(Files.exists(out));
    }

    private static void assertBad(CliRun r, String fragment) {
        assertEquals(Main.EXIT_USAGE, r.status(), r.out() + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
