package dev.unroll.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.service.Solver;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * {@code POST /encode}: reads the body (at most the configured size), decodes the signals with the codec
 * of its content type, codes them with the solver under the request deadline, and answers in the same
 * format. One signal takes the solver's micro-batched single path; a batch runs as its own backend batch.
 */
final class EncodeEndpoint {
    private final Solver solver;
    private final int maxBodyBytes;
    private final Duration timeout;

    EncodeEndpoint(Solver solver, int maxBodyBytes, Duration timeout) {
        this.solver = solver;
        this.maxBodyBytes = maxBodyBytes;
        this.timeout = timeout;
    }

    /** The answer to one request: the codec (for its content type) and the body. */
    record Answer(String contentType, byte[] body) {
    }

    Answer handle(HttpExchange exchange) throws IOException {
        SignalCodec codec = SignalCodec.forContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
        byte[] body = readBody(exchange);
        Signals signals = codec.decode(body, solver.signalDim());
        HostMatrix codes;
        if (signals.single()) {
            double[] z = new double[solver.atoms()];
            solver.encode(signals.x().values(), z, timeout);
            codes = new HostMatrix(solver.atoms(), 1, z);
        } else {
            codes = solver.encode(signals.x(), timeout);
        }
        return new Answer(codec.contentType(), codec.encode(signals, codes, solver.dtype()));
    }

    /** The whole body, refused with 413 past the limit (by its Content-Length before reading, or while reading). */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("bad_request", "Content-Length '" + length + "' is not a number");
            }
            if (declared > maxBodyBytes) {
                throw tooLarge(declared + " bytes");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge("more than " + maxBodyBytes + " bytes");
            }
            if (body.length == 0) {
                throw HttpError.badRequest("bad_request", "the body is empty; send the signals as JSON or .npy");
            }
            return body;
        }
    }

    private HttpError tooLarge(String size) {
        return new HttpError(413, "too_large", "the body is " + size + ", more than the limit of " + maxBodyBytes
                + " bytes; send fewer signals per request, or start the server with a larger --max-body");
    }
}
