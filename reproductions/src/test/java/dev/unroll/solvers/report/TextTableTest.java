package dev.unroll.solvers.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unroll.engine.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void layoutAlignsNumbersRightAndTextLeft() {
        TextTable t = new TextTable("T", "ISTA ours", "ISTA paper", "note");
        t.row(1, 0.153, 0.15, "warm");
        t.row(16, 3.21e-4, null, "x");
        String expected = """
                 T | ISTA ours | ISTA paper | note
                ---+-----------+------------+-----
                 1 |     0.153 |      0.150 | warm
                16 |  3.21e-04 |          – | x
                """;
        assertEquals(expected, t.render());
        assertEquals(2, t.rowCount());
    }

    @Test
    void numbersAreCompact() {
        assertEquals("0", TextTable.formatNumber(0));
        assertEquals("0.150", TextTable.formatNumber(0.15));
        assertEquals("1.50", TextTable.formatNumber(1.5));
        assertEquals("12.3", TextTable.formatNumber(12.345));
        assertEquals("-0.00123", TextTable.formatNumber(-0.0012345));
        assertEquals("1.00e-04", TextTable.formatNumber(1e-4));
        assertEquals("100", TextTable.formatNumber(99.96));
        assertEquals("1235", TextTable.formatNumber(1234.5));
        assertEquals("1.23e+05", TextTable.formatNumber(123456));
        assertEquals("10.0", TextTable.formatNumber(9.996));
        assertEquals("nan", TextTable.formatNumber(Double.NaN));
        assertEquals("-inf", TextTable.formatNumber(Double.NEGATIVE_INFINITY));
    }

    @Test
    void rowsMustMatchTheHeader() {
        TextTable t = new TextTable("a", "b");
        assertThrows(InvalidArgumentException.class, () -> t.row(1));
        assertThrows(InvalidArgumentException.class, TextTable::new);
    }
}
