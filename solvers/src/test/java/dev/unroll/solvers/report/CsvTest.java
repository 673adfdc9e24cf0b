package dev.unroll.solvers.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unroll.engine.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        dev.unroll.solvers.io.PythonInterop.assumeNumpy();
        Csv csv = new Csv("T", "loss");
        csv.row(1, 0.1).row(2, 1.0 / 3).row(3, Double.NaN);
        Path f = dir.resolve("p.csv");
        csv.write(f);
        String out = dev.unroll.solvers.io.PythonInterop.run(dir, """
                import csv, math
                rows = list(csv.reader(open(sys.argv[1])))
                assert rows[0] == ['T', 'loss'], rows
                assert float(rows[2][1]) == 1 / 3
                assert math.isnan(float(rows[3][1]))
                print(len(rows))
                """, f.toString());
        assertEquals("4", out);
    }
}
