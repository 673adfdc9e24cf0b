package dev.unroll.solvers.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of an {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}. Parses the small subset of Python
 * literals numpy writes (strings, True/False/None, integers, tuples, lists, dicts) and formats the header
 * numpy itself would write.
 *
 * @param descr the dtype string as written ({@code "<f8"}); structured dtypes are rejected while parsing
 * @param fortranOrder whether the data is stored column-major
 * @param shape the dimensions, each ≥ 0
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /**
     * Parses and checks a header dict.
     *
     * @param source the file, for messages
     * @throws ModelFileException when the text is not a dict with exactly the keys descr (a string),
     *     fortran_order (a bool) and shape (a tuple of non-negative integers)
     */
    static NpyHeader parse(String text, String source) {
        Object parsed;
        try {
            PyLiteral p = new PyLiteral(text);
            parsed = p.value();
            p.blanks();
            if (!p.atEnd()) {
                throw p.error("the end of the header after the dict");
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source + ": the .npy header does not parse (" + e.getMessage()
                    + "); the header was: " + abbreviate(text) + ". The file is corrupt or not written by "
                    + "numpy.save; re-save it with numpy.save.", e);
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new ModelFileException(source + ": the .npy header should be a dict with the keys descr, "
                    + "fortran_order and shape, but it is " + abbreviate(text) + "; re-save it with numpy.save.");
        }
        if (!dict.keySet().equals(KEYS)) {
            throw new ModelFileException(source + ": the .npy header should have exactly the keys [descr, "
                    + "fortran_order, shape], but it has " + dict.keySet() + "; re-save it with numpy.save.");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new ModelFileException(source + ": unsupported dtype " + abbreviate(String.valueOf(descr))
                    + " (a structured or record dtype); expected a plain float array (<f4 or <f8); convert it "
                    + "in Python with numpy.save(path, numpy.ascontiguousarray(a, dtype=numpy.float64)).");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new ModelFileException(source + ": fortran_order should be True or False, but it is "
                    + dict.get("fortran_order") + "; re-save the file with numpy.save.");
        }
        if (!(dict.get("shape") instanceof PyTuple(List<Object> dims))) {
            throw new ModelFileException(source + ": shape should be a tuple of integers such as (3, 4), but "
                    + "it is " + dict.get("shape") + "; re-save the file with numpy.save.");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long n) || n < 0) {
                throw new ModelFileException(source + ": shape should hold non-negative integers, but it is "
                        + dims + "; re-save the file with numpy.save.");
            }
            shape[i] = n;
        }
        return new NpyHeader(d, fortran, shape);
    }

    /**
     * The header text numpy writes, padded with blanks and ended by a newline so that the data starts at a
     * multiple of 64 bytes after {@code prefixBytes} (magic, version and length field).
     */
    String format(int prefixBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(','); // Python's one-element tuple
        }
        sb.append("), }");
        int total = prefixBytes + sb.length() + 1;
        int pad = (64 - total % 64) % 64;
        sb.repeat(' ', pad).append('\n');
        return sb.toString();
    }

    /** The shape as numpy prints it, e.g. {@code (3, 4)} or {@code (5,)}. */
    String shapeText() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "…";
    }

    /** A Python tuple, kept apart from a list: a shape must be a tuple. */
    private record PyTuple(List<Object> items) {
        @Override
        public String toString() {
            return items.toString().replace('[', '(').replace(']', ')');
        }
    }

    /** A recursive-descent reader of the Python literals numpy's header uses. */
    private static final class PyLiteral {
        private static final int MAX_DEPTH = 32;
        private final String s;
        private int pos;
        private int depth;

        PyLiteral(String s) {
            this.s = s;
        }

        Object value() {
            blanks();
            if (atEnd()) {
                throw error("a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> dict();
                case '(' -> new PyTuple(sequence(')'));
                case '[' -> sequence(']');
                case '\'', '"' -> string(c);
                default -> {
                    if (c == '-' || Character.isDigit(c)) {
                        yield integer();
                    }
                    if (s.startsWith("True", pos)) {
                        pos += 4;
                        yield Boolean.TRUE;
                    }
                    if (s.startsWith("False", pos)) {
                        pos += 5;
                        yield Boolean.FALSE;
                    }
                    if (s.startsWith("None", pos)) {
                        pos += 4;
                        yield "None";
                    }
                    throw error("a string, an integer, True, False, None, a tuple, a list or a dict");
                }
            };
        }

        private Map<Object, Object> dict() {
            enter();
            pos++;
            Map<Object, Object> out = new LinkedHashMap<>();
            while (true) {
                blanks();
                if (peek('}')) {
                    pos++;
                    depth--;
                    return out;
                }
                Object key = value();
                blanks();
                if (!peek(':')) {
                    throw error("':'");
                }
                pos++;
                Object v = value();
                if (out.put(key, v) != null) {
                    throw error("no duplicate key, but " + key + " came twice");
                }
                blanks();
                if (peek(',')) {
                    pos++;
                } else if (!peek('}')) {
                    throw error("',' or '}'");
                }
            }
        }

        private List<Object> sequence(char close) {
            enter();
            pos++;
            List<Object> out = new ArrayList<>();
            while (true) {
                blanks();
                if (peek(close)) {
                    pos++;
                    depth--;
                    return out;
                }
                out.add(value());
                blanks();
                if (peek(',')) {
                    pos++;
                } else if (!peek(close)) {
                    throw error("',' or '" + close + "'");
                }
            }
        }

        private String string(char quote) {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("a closing " + quote);
                }
                char c = s.charAt(pos++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        throw error("a character after '\\'");
                    }
                    out.append(s.charAt(pos++)); // numpy's descr strings never need more than \' and \\
                } else {
                    out.append(c);
                }
            }
        }

        private Long integer() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            while (!atEnd() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (peek('L')) {
                pos++; // Python 2 wrote long integers as 3L
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("an integer that fits 64 bits");
            }
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("at most " + MAX_DEPTH + " nested brackets");
            }
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        void blanks() {
            while (!atEnd() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String expected) {
            String found = atEnd() ? "the end of the header"
                    : "'" + s.substring(pos, Math.min(s.length(), pos + 20)) + "'";
            return new IllegalArgumentException("at character " + pos + " expected " + expected + ", found "
                    + found);
        }
    }
}
