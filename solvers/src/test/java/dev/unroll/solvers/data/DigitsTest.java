package dev.unroll.solvers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.UnrollException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DigitsTest {
    @Test
    void loadsScikitLearnsDigits() {
        Digits d = Digits.load();
        assertEquals(1797, d.count());
        // sklearn.datasets.load_digits().images[0]: a zero
        double[] first = {
            0, 0, 5, 13, 9, 1, 0, 0,
            0, 0, 13, 15, 10, 15, 5, 0,
            0, 3, 15, 2, 0, 11, 8, 0,
            0, 4, 12, 0, 0, 8, 8, 0,
            0, 5, 8, 0, 0, 9, 8, 0,
            0, 4, 11, 0, 1, 12, 7, 0,
            0, 2, 14, 5, 10, 12, 0, 0,
            0, 0, 6, 13, 10, 0, 0, 0,
        };
        assertArrayEquals(first, d.image(0));
        assertEquals(0, d.label(0));
        assertEquals(1, d.label(1));
        int[] perClass = new int[10];
        for (int i = 0; i < d.count(); i++) {
            int label = d.label(i);
            assertTrue(label >= 0 && label <= 9);
            perClass[label]++;
        }
        // the class sizes of load_digits (np.bincount(load_digits().target))
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, perClass);
        double[] all = d.imagesColumnMajor();
        assertEquals(64 * 1797, all.length);
        assertArrayEquals(d.image(1796), Arrays.copyOfRange(all, 64 * 1796, 64 * 1797));
        double max = Arrays.stream(all).max().orElseThrow();
        assertEquals(16, max);
        assertThrows(IndexOutOfBoundsException.class, () -> d.image(1797));
    }

    @Test
    void corruptResourceIsReported() {
        String row = "0,".repeat(64) + "3\n";
        assertTrue(fails(row.repeat(1796)).contains("only 1796 rows"));
        assertTrue(fails(row.repeat(1798)).contains("more than 1797"));
        assertTrue(fails("0,1\n" + row.repeat(1796)).contains("row 1 has 2 values"));
        assertTrue(fails(row.replaceFirst("0", "17").repeat(1797)).contains("outside 0..16"));
        assertTrue(fails(row.replace("3\n", "x\n").repeat(1797)).contains("'x', not a number"));
        assertTrue(fails(row.replace("3\n", "10\n").repeat(1797)).contains("outside 0..9"));
    }

    private static String fails(String csv) {
        return assertThrows(UnrollException.class,
                () -> Digits.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.US_ASCII)))).getMessage();
    }
}
