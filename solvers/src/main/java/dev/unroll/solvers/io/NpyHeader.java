package dev.unroll.solvers.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of an {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}, read as NumPy reads it (with
 * {@code ast.literal_eval}): Python's literal grammar for strings, True/False/None, decimal integers,
 * tuples, lists and dicts, Python's blanks (space, tab, form feed, newlines) and nothing else. So
 * {@code (8)} is the integer 8, not a tuple ({@code (8,)} is), digits are ASCII, and a control character
 * outside a string is an error. Formats the header NumPy itself writes.
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
     * @param python2Longs whether integers may end in {@code L}, as Python 2 wrote them (NumPy strips it
     *     in format versions 1.0 and 2.0)
     * @param source the file, for messages
     * @throws ModelFileException when the text is not a dict with exactly the keys descr (a string),
     *     fortran_order (a bool) and shape (a tuple of non-negative integers)
     */
    static NpyHeader parse(String text, boolean python2Longs, String source) {
        Object parsed;
        try {
            PyLiteral p = new PyLiteral(text, python2Longs);
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
                    + "fortran_order, shape], but it has " + abbreviate(String.valueOf(dict.keySet()))
                    + "; re-save it with numpy.save.");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new ModelFileException(source + ": unsupported dtype " + abbreviate(String.valueOf(descr))
                    + " (a structured or record dtype); expected a plain float array (<f4 or <f8); convert it "
                    + "in Python with numpy.save(path, numpy.ascontiguousarray(a, dtype=numpy.float64)).");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new ModelFileException(source + ": fortran_order should be True or False, but it is "
                    + abbreviate(String.valueOf(dict.get("fortran_order"))) + "; re-save the file with numpy.save.");
        }
        if (!(dict.get("shape") instanceof PyTuple(List<Object> dims))) {
            throw new ModelFileException(source + ": shape should be a tuple of integers such as (3, 4) or (5,), "
                    + "but it is " + abbreviate(String.valueOf(dict.get("shape"))) + " (a one-element tuple needs its "
                    + "comma); re-save the file with numpy.save.");
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
        return PyLiteral.printable(t.length() <= 200 ? t : t.substring(0, 200) + "…");
    }

    /** A Python tuple, kept apart from a list: a shape must be a tuple. */
    private record PyTuple(List<Object> items) {
        @Override
        public String toString() {
            return items.toString().replace('[', '(').replace(']', ')');
        }
    }

    /**
     * A recursive-descent reader of the Python literals NumPy's header can hold: the subset of
     * {@code ast.literal_eval}'s grammar without floats, complex numbers, bytes, sets and string prefixes,
     * none of which a header of a supported array contains.
     */
    private static final class PyLiteral {
        private static final int MAX_DEPTH = 32;
        private final String s;
        private final boolean python2Longs;
        private int pos;
        private int depth;

        PyLiteral(String s, boolean python2Longs) {
            this.s = s;
            this.python2Longs = python2Longs;
        }

        Object value() {
            blanks();
            if (atEnd()) {
                throw error("a value");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            }
            if (c == '(') {
                return parenthesized();
            }
            if (c == '[') {
                enter();
                pos++;
                return items(']', new ArrayList<>());
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || c == '+' || isAsciiDigit(c)) {
                return integer();
            }
            for (String word : List.of("True", "False", "None")) {
                if (s.startsWith(word, pos) && !isNameChar(pos + word.length())) {
                    pos += word.length();
                    return word.equals("None") ? "None" : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("a string, an integer, True, False, None, a tuple, a list or a dict");
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
                int keyAt = pos;
                Object key = value();
                if (key instanceof List<?> || key instanceof Map<?, ?>) {
                    pos = keyAt;
                    throw error("a hashable key (a list or dict cannot be one)");
                }
                blanks();
                expect(':');
                Object v = value();
                if (out.put(key, v) != null) {
                    // Python keeps the last; a header naming a key twice is ambiguous, so it is refused.
                    pos = keyAt;
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

        /** {@code ()} and {@code (a,)} or {@code (a, b)} are tuples; {@code (a)} is just {@code a}. */
        private Object parenthesized() {
            enter();
            pos++;
            blanks();
            if (peek(')')) {
                pos++;
                depth--;
                return new PyTuple(List.of());
            }
            Object first = value();
            blanks();
            if (peek(')')) {
                pos++;
                depth--;
                return first;
            }
            expect(',');
            List<Object> out = new ArrayList<>();
            out.add(first);
            return new PyTuple(items(')', out));
        }

        /** The rest of a sequence after its opening bracket (and any items already read). */
        private List<Object> items(char close, List<Object> out) {
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
                char c = s.charAt(pos);
                if (c == '\n' || c == '\r' || c == 0) {
                    throw error("a closing " + quote + " before the end of the line");
                }
                pos++;
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\') {
                    // NumPy's descr strings never need an escape beyond \' \" and \\; others are refused
                    // rather than read differently from Python.
                    if (atEnd() || "'\"\\".indexOf(s.charAt(pos)) < 0) {
                        throw error("\\', \\\" or \\\\ after a backslash in a string");
                    }
                    out.append(s.charAt(pos++));
                } else {
                    out.append(c);
                }
            }
        }

        /**
         * A decimal integer as Python writes it: an optional sign, ASCII digits with single underscores
         * between them, no leading zero unless it is all zeros, and (Python 2, format ≤ 2.0) an {@code L}.
         */
        private Long integer() {
            int start = pos;
            boolean negative = peek('-');
            if (peek('-') || peek('+')) {
                pos++;
                blanks(); // Python allows "- 1"
            }
            int digitsStart = pos;
            StringBuilder digits = new StringBuilder();
            while (!atEnd() && isAsciiDigit(s.charAt(pos))) {
                digits.append(s.charAt(pos++));
                if (peek('_') && pos + 1 < s.length() && isAsciiDigit(s.charAt(pos + 1))) {
                    pos++;
                }
            }
            if (digits.isEmpty()) {
                throw error("digits");
            }
            if (digits.length() > 1 && digits.charAt(0) == '0' && !digits.chars().allMatch(ch -> ch == '0')) {
                pos = digitsStart;
                throw error("a decimal integer without leading zeros");
            }
            if (python2Longs && (peek('L') || peek('l'))) {
                pos++;
            }
            if (isNameChar(pos)) {
                throw error("',' or a closing bracket after the integer");
            }
            try {
                long v = Long.parseLong(digits.toString());
                return negative ? -v : v;
            } catch (NumberFormatException tooLong) {
                pos = start;
                throw error("an integer that fits 64 bits");
            }
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("at most " + MAX_DEPTH + " nested brackets");
            }
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("'" + c + "'");
            }
            pos++;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private boolean isNameChar(int at) {
            return at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_');
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** Python's blanks inside brackets: space, tab, form feed and line ends; no other control character. */
        void blanks() {
            while (!atEnd() && " \t\f\n\r".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        IllegalArgumentException error(String expected) {
            String found = atEnd() ? "the end of the header"
                    : "'" + printable(s.substring(pos, Math.min(s.length(), pos + 20))) + "'";
            return new IllegalArgumentException("at character " + pos + " expected " + expected + ", found "
                    + found);
        }

        /** Control characters shown as escapes, so a message stays one readable line. */
        static String printable(String text) {
            StringBuilder out = new StringBuilder();
            text.codePoints().forEach(cp -> {
                if (cp < 0x20 || cp == 0x7F) {
                    out.append(String.format("\\x%02x", cp));
                } else {
                    out.appendCodePoint(cp);
                }
            });
            return out.toString();
        }
    }
}
