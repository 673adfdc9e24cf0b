package dev.unroll.cli.serve;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import java.util.Locale;

/** Reads the signals of an /encode request body and writes the codes back, in one content type. */
interface SignalCodec {
    /** The media type this codec reads and answers with. */
    String contentType();

    /**
     * The signals in {@code body}, each checked to hold {@code n} values.
     *
     * @throws HttpError (400) saying what was expected and what came
     */
    Signals decode(byte[] body, int n);

    /** The answer body: {@code codes} (m×B) in the layout {@code request} came in; {@code dtype} is the solver's. */
    byte[] encode(Signals request, HostMatrix codes, DType dtype);

    /**
     * The codec for a request's {@code Content-Type} header (parameters such as {@code charset} ignored).
     *
     * @throws HttpError (415) when it is missing or not application/json or application/x-npy
     */
    static SignalCodec forContentType(String header) {
        String type = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case JsonCodec.TYPE -> new JsonCodec();
            case NpyCodec.TYPE -> new NpyCodec();
            default -> throw new HttpError(415, "content_type", "Content-Type must be " + JsonCodec.TYPE + " or "
                    + NpyCodec.TYPE + ", but is " + (header == null ? "missing" : "'" + header + "'"));
        };
    }

    /** The 400 for a signal of the wrong length. */
    static HttpError wrongLength(String which, int got, int n) {
        return HttpError.badRequest("shape", which + " has " + got + " values, but the model's signals have n = " + n);
    }
}
