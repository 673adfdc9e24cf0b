package dev.unroll.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", Json.quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\\u007f\"", Json.quote("\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        assertEquals("\"/ é λ ‖ 😀\"", Json.quote("/ é λ ‖ 😀"));
    }

    @Test
    void escapedStringsRoundTrip() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\u2028\u2029\uD83D\uDE00 ½‖x − Dz‖²");
        assertEquals(all.toString(), MiniJsonParser.parse(Json.quote(all)));
    }

    @Test
    void writesNestedValuesInOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(true, false));
        m.put("n", null);
        m.put("d", 2.5);
        m.put("whole", 3.0);
        m.put("nan", Double.NaN);
        m.put("inf", Float.POSITIVE_INFINITY);
        m.put("empty", Map.of());
        m.put("list", Arrays.asList("x", null, 7L));
        assertEquals("{\"z\":1,\"a\":[true,false],\"n\":null,\"d\":2.5,\"whole\":3,\"nan\":null,\"inf\":null,"
                + "\"empty\":{},\"list\":[\"x\",null,7]}", Json.write(m));
    }

    @Test
    void keysAreEscapedToo() {
        assertEquals("{\"a\\\"b\":\"c\"}", Json.write(Map.of("a\"b", "c")));
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
