package dev.unroll.solvers.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryDoubleAndString() throws IOException {
        double[] values = {0.1, 1.0 / 3, -0.0, Double.MIN_VALUE, 1e300, 123456789.123456789, 5e-324};
        Csv csv = new Csv("name", "value", "count");
        for (double v : values) {
            csv.rowOf("plain", v, 3);
        }
        csv.rowOf("a, b", Double.NaN, null);
        csv.rowOf("say \"hi\"\nthere", Double.POSITIVE_INFINITY, 7L);
        csv.rowOf(" padded ", Double.NEGATIVE_INFINITY, true);
        Path f = dir.resolve("out/results.csv");
        csv.write(f);
        List<List<String>> rows = Csv.read(f);
        assertEquals(List.of("name", "value", "count"), rows.get(0));
        assertEquals(values.length + 4, rows.size());
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]),
                    Double.doubleToRawLongBits(Double.parseDouble(rows.get(i + 1).get(1))), "row " + i);
        }
        int k = values.length + 1;
        assertEquals(List.of("a, b", "nan", ""), rows.get(k));
        assertEquals(List.of("say \"hi\"\nthere", "inf", "7"), rows.get(k + 1));
        assertEquals(List.of(" padded ", "-inf", "true"), rows.get(k + 2));
        String text = Files.readString(f);
        assertEquals("name,value,count\nplain,0.1,3\n", text.substring(0, 29));
    }

    @Test
    void rowsMustMatchTheHeader() {
        Csv csv = new Csv("a", "b");
        assertThrows(InvalidArgumentException.class, () -> csv.row(1, 2, 3));
        assertThrows(InvalidArgumentException.class, () -> csv.row(1.0));
        assertThrows(InvalidArgumentException.class, () -> csv.rowOf("x"));
        assertThrows(InvalidArgumentException.class, Csv::new);
        csv.row(1.5, 2.5);
        assertEquals("a,b\n1.5,2.5\n", csv.render());
    }

    @Test
    void parserHandlesCrLfAndUnclosedQuotes() {
        assertEquals(List.of(List.of("a", "b"), List.of("1", "")), Csv.parse("a,b\r\n1,\r\n"));
        assertEquals(List.of(List.of("x")), Csv.parse("x"));
        assertThrows(InvalidArgumentException.class, () -> Csv.parse("a,\"open\n"));
    }

    @Test
    void pythonReadsTheFile() throws Exception {
        // Python's csv module alone (no numpy): the solvers tests' PythonInterop cannot be shared from here, as its
        // package dev.unroll.solvers.io belongs to the named module dev.unroll.solvers.
        Assumptions.assumeTrue(python3Runs(), "python3 is not installed here; interop check skipped");
        Csv csv = new Csv("T", "loss");
        csv.row(1, 0.1).row(2, 1.0 / 3).row(3, Double.NaN);
        Path f = dir.resolve("p.csv");
        csv.write(f);
        Path script = dir.resolve("read.py");
        Files.writeString(script, """
                import csv, math, sys
                rows = list(csv.reader(open(sys.argv[1])))
                assert rows[0] == ['T', 'loss'], rows
                assert float(rows[2][1]) == 1 / 3
                assert math.isnan(float(rows[3][1]))
                print(len(rows))
                """, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("python3", script.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 did not finish in 120 s");
        assertEquals(0, p.exitValue(), () -> "python3 failed:\n" + out);
        assertEquals("4", out.strip());
    }

    private static boolean python3Runs() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "pass").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
