package dev.unroll.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.unroll.cli.Json;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.service.EncodeTimeoutException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Maps each request to its endpoint by exact path and method ({@code POST /encode}, {@code GET /health},
 * {@code GET /metrics}; 404 and 405 otherwise) and each failure to a status with a one-line JSON reason:
 * 400 bad input, 413 too large, 415 wrong content type, 503 with {@code Retry-After} when the server is full,
 * timed out or draining, 500 for anything unexpected. Every exchange is answered and closed, so no
 * connection is left hanging.
 */
final class Routes implements HttpHandler {
    /** Seconds a client is told to wait before retrying after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final EncodeEndpoint encode;
    private final Map<String, Object> health;
    private final PrometheusMeterRegistry registry;
    private final MicrometerObserver meters;
    private final BooleanSupplier draining;

    Routes(EncodeEndpoint encode, Map<String, Object> health, PrometheusMeterRegistry registry,
           MicrometerObserver meters, BooleanSupplier draining) {
        this.encode = encode;
        this.health = health;
        this.registry = registry;
        this.meters = meters;
        this.draining = draining;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                switch (path) {
                    case "/encode" -> {
                        requireMethod(method, "POST");
                        if (draining.getAsBoolean()) {
                            throw new HttpError(503, "draining", "the server is shutting down; retry on another instance");
                        }
                        if (!Admission.admitted()) {
                            throw new HttpError(503, "busy", "the server is at capacity (every worker busy and the queue "
                                    + "full); retry after " + RETRY_AFTER_SECONDS + " s");
                        }
                        EncodeEndpoint.Answer a = encode.handle(exchange);
                        send(exchange, 200, a.contentType(), a.body());
                    }
                    case "/health" -> {
                        requireMethod(method, "GET");
                        boolean up = !draining.getAsBoolean();
                        Map<String, Object> body = new java.util.LinkedHashMap<>();
                        body.put("status", up ? "UP" : "DRAINING");
                        body.putAll(health);
                        send(exchange, up ? 200 : 503, JsonCodec.TYPE, Json.write(body).getBytes(StandardCharsets.UTF_8));
                    }
                    case "/metrics" -> {
                        requireMethod(method, "GET");
                        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                                registry.scrape().getBytes(StandardCharsets.UTF_8));
                    }
                    default -> throw new HttpError(404, "not_found", "no endpoint " + path
                            + "; the server has POST /encode, GET /health and GET /metrics");
                }
            } catch (HttpError e) {
                meters.refused(e.reason());
                fail(exchange, e.status(), e.getMessage());
            } catch (NonFiniteInputException | ShapeMismatchException e) {
                fail(exchange, 400, e.getMessage()); // the solver's observer has counted it
            } catch (EncodeTimeoutException e) {
                fail(exchange, 503, "no codes within the request timeout (the server is overloaded): " + e.getMessage());
            } catch (RuntimeException e) {
                meters.refused("internal");
                fail(exchange, draining.getAsBoolean() ? 503 : 500, "the encode failed: " + e);
            }
        } catch (IOException e) {
            // The client went away while we answered: nothing left to tell it.
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new HttpError(405, "method", method + " is not allowed here; use " + allowed);
        }
    }

    private static void fail(HttpExchange exchange, int status, String message) throws IOException {
        if (status == 503) {
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        if (status == 405) {
            exchange.getResponseHeaders().set("Allow", exchange.getRequestURI().getPath().equals("/encode") ? "POST" : "GET");
        }
        String line = message == null ? "error" : message.replace('\n', ' ');
        send(exchange, status, JsonCodec.TYPE, Json.write(Map.of("error", line)).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
