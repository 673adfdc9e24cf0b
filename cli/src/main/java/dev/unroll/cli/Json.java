package dev.unroll.cli;

import java.util.Map;

/**
 * A tiny JSON writer with no dependencies. It serialises a tree of {@link Map}s (keys written with
 * {@code toString()}, in the map's iteration order), {@link Iterable}s and arrays of objects, {@link String}s
 * and other {@link CharSequence}s, {@link Number}s, {@link Boolean}s and {@code null}. Strings are escaped as
 * RFC 8259 requires (quote, backslash and every control character), plus U+2028 and U+2029 so the output is
 * also safe inside JavaScript. Non-finite numbers have no JSON form and are written as {@code null}.
 */
public final class Json {

    private Json() {
    }

    /** The value as compact JSON text (no whitespace between tokens). */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    /** The string as a quoted, escaped JSON string literal. */
    public static String quote(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendString(sb, s);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case CharSequence s -> appendString(sb, s);
            case Boolean b -> sb.append(b.booleanValue());
            case Double d -> appendFloating(sb, d);
            case Float f -> appendFloating(sb, f.doubleValue());
            case Number n -> sb.append(n);
            case Character c -> appendString(sb, String.valueOf(c));
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendString(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    append(sb, e.getValue());
                }
                sb.append('}');
            }
            case Iterable<?> items -> {
                sb.append('[');
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    append(sb, item);
                }
                sb.append(']');
            }
            case Object[] items -> append(sb, java.util.Arrays.asList(items));
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getName()
                    + "; convert it to a Map, List, String, Number or Boolean first");
        }
    }

    private static void appendFloating(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(d);
        }
    }

    private static void appendString(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
