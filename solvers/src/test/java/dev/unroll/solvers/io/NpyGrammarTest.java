package dev.unroll.solvers.io;

import static dev.unroll.solvers.io.NpyTest.le8;
import static dev.unroll.solvers.io.NpyTest.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both {@code .npy} readers ({@link Npy} and {@link SignalReader}) take NumPy's grammar and nothing else,
 * and every way a file can break it is a {@link ModelFileException} that names the field.
 */
class NpyGrammarTest {
    @TempDir
    Path dir;

    /** Both readers on the same bytes: the message of each, or null when it reads the file. */
    private String[] bothReaders(byte[] file) throws IOException {
        Path p = dir.resolve("x.npy");
        Files.write(p, file);
        String[] out = new String[2];
        try {
            Npy.decode(file, p.toString());
        } catch (ModelFileException e) {
            out[0] = e.getMessage();
        }
        try (SignalReader r = SignalReader.open(p)) {
            r.readAll();
        } catch (ModelFileException e) {
            out[1] = e.getMessage();
        }
        return out;
    }

    private void bothRefuse(byte[] file, String field) throws IOException {
        String[] m = bothReaders(file);
        for (String message : m) {
            assertTrue(message != null && message.contains(field), "expected a refusal naming " + field + ": "
                    + message);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1), }",          // (1) is an int, not a tuple
        "{'descr': '<f8', 'fortran_order': False, 'shape': (\u0661,), }",    // an Arabic-Indic digit
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,),\u001c}",   // a control char Java calls blank
        "{'descr': '<f8', 'fortran_order': False, 'shape': (01,), }",        // Python 3 has no leading zeros
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '<f8'}",
        "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (1,), }",
    })
    void headersNumpyRejectsAreRefusedByBothReaders(String header) throws IOException {
        bothRefuse(npy(1, header, le8(1)), header.contains("(1)") ? "shape should be a tuple" : "header");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1, 1)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': ( 1 , ) , }",
        "{'descr': '<f8','fortran_order':False,'shape':(1_0,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1L,), }",        // Python 2's long, format 1.0
    })
    void headersNumpyReadsAreReadByBothReaders(String header) throws IOException {
        int n = header.contains("1_0") ? 10 : 1;
        String[] m = bothReaders(npy(1, header, le8(new double[n])));
        assertEquals(null, m[0]);
        assertEquals(null, m[1]);
    }

    @Test
    void versionsOtherThan1_0_2_0_3_0AreRefusedByBothReaders() throws IOException {
        for (int[] v : new int[][] {{1, 1}, {2, 1}, {3, 1}, {0, 0}, {4, 0}}) {
            byte[] f = npy(v[0] == 1 ? 1 : 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le8(1));
            f[6] = (byte) v[0];
            f[7] = (byte) v[1];
            bothRefuse(f, "version " + v[0] + "." + v[1]);
        }
    }

    @Test
    void aHugeSizeInTheDescrIsAnUnsupportedDtype() throws IOException {
        // was a NumberFormatException from Integer.parseInt
        bothRefuse(npy(1, "{'descr': '<f99999999999', 'fortran_order': False, 'shape': (1,), }", le8(1)),
                "dtype '<f99999999999'");
    }

    @Test
    void aShapeWhoseByteCountOverflowsIsRefusedOnOpen() throws IOException {
        // 1073807362 × 2147352580 × 8 wraps to 64 in 64-bit arithmetic: SignalReader accepted it and failed
        // later with "capacity < 0"
        bothRefuse(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1073807362, 2147352580), }",
                new byte[64]), "shape (1073807362, 2147352580)");
    }

    @Test
    void headersMustEndInANewlineAndAlignTheData() throws IOException {
        byte[] f = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le8(1));
        f[f.length - 9] = ' '; // the newline before the data
        bothRefuse(f, "newline");
        byte[] g = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le8(1));
        byte[] shifted = new byte[g.length + 1]; // one more blank: the data no longer starts aligned
        System.arraycopy(g, 0, shifted, 0, 10);
        shifted[10] = ' ';
        System.arraycopy(g, 10, shifted, 11, g.length - 10);
        shifted[8] = (byte) (g[8] + 1);
        bothRefuse(shifted, "multiple of 16");
    }

    @Test
    void controlCharactersInMessagesAreEscaped() {
        String m = assertThrows(ModelFileException.class, () -> Npy.decode(
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,),\u0001}", le8(1)), "c.npy"))
                .getMessage();
        assertTrue(m.contains("\\x01") && !m.contains("\u0001"), m);
    }
}
