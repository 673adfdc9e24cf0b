package dev.unroll.cli.serve;

import dev.unroll.cli.Json;
import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON bodies: {@code {"signal": [x1, ..., xn]}} answered {@code {"code": [...]}}, or
 * {@code {"signals": [[...], ...]}} answered {@code {"codes": [[...], ...]}}. Numbers are read as doubles
 * (an F32 model rounds them to float) and written in the shortest form that reads back to the same value.
 */
final class JsonCodec implements SignalCodec {
    static final String TYPE = "application/json";

    @Override
    public String contentType() {
        return TYPE;
    }

    @Override
    public Signals decode(byte[] body, int n) {
        Object parsed;
        try {
            parsed = dev.unroll.solvers.io.Json.parse(utf8(body));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("bad_json", e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map) || map.size() != 1
                || !(map.containsKey("signal") || map.containsKey("signals"))) {
            throw HttpError.badRequest("bad_json", "expected {\"signal\": [n numbers]} or {\"signals\": [[n numbers], "
                    + "...]}, but got " + describe(parsed));
        }
        if (map.get("signal") instanceof List<?> one) {
            double[] x = numbers(one, "signal", n);
            return new Signals(new HostMatrix(n, 1, x), true, false);
        }
        if (!(map.get("signals") instanceof List<?> many) || many.isEmpty()) {
            throw HttpError.badRequest("bad_json", "\"signal\" must be an array of numbers and \"signals\" a non-empty "
                    + "array of such arrays");
        }
        double[] x = new double[Math.multiplyExact(n, many.size())];
        for (int j = 0; j < many.size(); j++) {
            if (!(many.get(j) instanceof List<?> row)) {
                throw HttpError.badRequest("bad_json", "signals[" + j + "] is not an array of numbers");
            }
            System.arraycopy(numbers(row, "signals[" + j + "]", n), 0, x, j * n, n);
        }
        return new Signals(new HostMatrix(n, many.size(), x), false, false);
    }

    @Override
    public byte[] encode(Signals request, HostMatrix codes, DType dtype) {
        int m = codes.rows();
        List<List<Number>> columns = new ArrayList<>(codes.cols());
        for (int j = 0; j < codes.cols(); j++) {
            List<Number> code = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                double v = codes.values()[j * m + i];
                // A float code written as a float prints its shortest decimal, which reads back to the same float.
                code.add(dtype == DType.F32 ? (Number) (float) v : (Number) v);
            }
            columns.add(code);
        }
        Object answer = request.single() ? Map.of("code", columns.get(0)) : Map.of("codes", columns);
        return Json.write(answer).getBytes(StandardCharsets.UTF_8);
    }

    private static double[] numbers(List<?> values, String which, int n) {
        if (values.size() != n) {
            throw SignalCodec.wrongLength(which, values.size(), n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(values.get(i) instanceof Number v)) {
                throw HttpError.badRequest("bad_json", which + "[" + i + "] is " + describe(values.get(i))
                        + ", not a number");
            }
            out[i] = v.doubleValue();
        }
        return out;
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest("bad_json", "the body is not UTF-8 text; send JSON in UTF-8");
        }
    }

    private static String describe(Object value) {
        String s = value == null ? "null" : value instanceof Map<?, ?> m ? "an object with keys " + m.keySet()
                : value instanceof List<?> l ? "an array of " + l.size() : value instanceof String ? "a string"
                : String.valueOf(value);
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
