package dev.unroll.solvers.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal strict JSON reader and writer for the safetensors header (and the request bodies of a service
 * built on the library), so the module needs no library.
 * Objects become {@code LinkedHashMap<String, Object>} (key order kept, duplicate keys rejected: a file
 * that names a tensor twice is ambiguous), arrays {@code List<Object>}, integers that fit a {@code long}
 * become {@code Long} (offsets and shapes must stay exact), other numbers {@code Double}, plus
 * {@code String}, {@code Boolean} and {@code null}.
 */
public final class Json {
    /** Nesting limit: a header is two levels deep; this stops a hostile file from overflowing the stack. */
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value that fills {@code text} (blanks around it allowed).
     *
     * @throws IllegalArgumentException with the offset and what was expected, on malformed input
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.blanks();
        if (p.pos != text.length()) {
            throw p.error("end of input after the value");
        }
        return v;
    }

    /** Writes {@code value} (Map, List, String, Number, Boolean or null) as compact JSON. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /**
     * A parsed value as short JSON-like text for an error message: never throws, at most 100 characters.
     */
    static String show(Object value) {
        String text;
        try {
            text = write(value);
        } catch (RuntimeException notJson) {
            text = String.valueOf(value);
        }
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String str -> quote(str, out);
            case Boolean b -> out.append(b);
            case Long l -> out.append(l.longValue());
            case Integer i -> out.append(i.intValue());
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("JSON has no " + d + "; write it as a string");
                }
                out.append(d.doubleValue());
            }
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote((String) e.getKey(), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                    + " as JSON");
        }
    }

    private static void quote(String str, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c); // non-ASCII stays as is: the header is UTF-8
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value() {
        blanks();
        if (pos >= s.length()) {
            throw error("a value");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        enter();
        Map<String, Object> out = new LinkedHashMap<>();
        pos++;
        blanks();
        if (peek('}')) {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            blanks();
            if (!peek('"')) {
                throw error("a quoted key");
            }
            int keyAt = pos;
            String key = string();
            blanks();
            expect(':');
            Object v = value();
            if (out.containsKey(key)) {
                pos = keyAt;
                throw error("no duplicate key, but \"" + key + "\" came twice");
            }
            out.put(key, v);
            blanks();
            if (peek(',')) {
                pos++;
            } else if (peek('}')) {
                pos++;
                depth--;
                return out;
            } else {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        List<Object> out = new ArrayList<>();
        pos++;
        blanks();
        if (peek(']')) {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            out.add(value());
            blanks();
            if (peek(',')) {
                pos++;
            } else if (peek(']')) {
                pos++;
                depth--;
                return out;
            } else {
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("a closing '\"'");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("no raw control character inside a string (escape it)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw error("an escape after '\\'");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw error("four hex digits after \\u");
                    }
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(pos + k), 16);
                        if (d < 0) {
                            throw error("four hex digits after \\u");
                        }
                        code = code * 16 + d;
                    }
                    pos += 4;
                    out.append((char) code);
                }
                default -> {
                    pos--;
                    throw error("a known escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
                }
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        int intStart = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        if (pos == intStart) {
            pos = start;
            throw error("a value (object, array, string, number, true, false or null)");
        }
        if (pos - intStart > 1 && s.charAt(intStart) == '0') {
            pos = intStart;
            throw error("a number without leading zeros");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            pos++;
            int fracStart = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == fracStart) {
                throw error("digits after the decimal point");
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            int expStart = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == expStart) {
                throw error("digits in the exponent");
            }
        }
        String text = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLong) {
                // falls through to a double: callers that need an exact integer reject it with context
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("a number within the range of a double (the reference reader, serde_json, refuses "
                    + "larger ones too)");
        }
        return d;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) {
            throw error("a value (object, array, string, number, true, false or null)");
        }
        pos += word.length();
        return v;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " nested arrays/objects");
        }
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < s.length() && s.charAt(pos) == c;
    }

    private void blanks() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = pos >= s.length() ? "the end of the text"
                : "'" + s.substring(pos, Math.min(s.length(), pos + 20)) + "'";
        return new IllegalArgumentException("malformed JSON at character " + pos + ": expected " + expected
                + ", found " + found);
    }
}
