package dev.unroll.cli.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.Json;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP encoder end to end on a free loopback port: many concurrent clients sending JSON and {@code .npy},
 * every answer checked against a direct {@link Solver} call; bad requests, a full server, health, metrics
 * and a graceful shutdown. Every test is bounded in time.
 */
class EncodeServerTest {
    private static final CodingData DATA = Generators.simulated(160, 24, 10, 64, 11);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Backend backend;
    private static LassoProblem problem;
    private static UnrolledNetwork net;
    /** The oracle: the same network, no batching. */
    private static Solver direct;

    @BeforeAll
    static void model() {
        backend = Backends.open();
        problem = LassoProblem.create(backend, DType.F32, DATA.dictionary(), 0.2);
        net = UnrolledNetwork.create(problem, Parametrization.STEP, 5);
        direct = Solver.of(net, Batching.off());
    }

    @AfterAll
    static void close() {
        direct.close();
        net.close();
        problem.close();
        backend.close();
    }

    @Test
    void manyConcurrentClientsGetTheDirectSolversCodes() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int clients = 16;
            int requests = 50;
            try (Solver served = Solver.of(net, Batching.upTo(16, Duration.ofMillis(1)));
                 EncodeServer server = EncodeServer.start(served, ServerSettings.defaults(), backend.name(), "step-5", 16);
                 ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                URI encode = server.uri().resolve("/encode");
                List<Future<?>> done = new ArrayList<>();
                List<Throwable> wrong = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger answered = new AtomicInteger();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    done.add(pool.submit(() -> {
                        for (int r = 0; r < requests; r++) {
                            try {
                                oneRequest(encode, client * requests + r);
                                answered.incrementAndGet();
                            } catch (Throwable t) {
                                wrong.add(t);
                            }
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                assertEquals(List.of(), wrong.subList(0, Math.min(3, wrong.size())), wrong.size() + " requests failed");
                assertEquals(clients * requests, answered.get());
                String metrics = get(server.uri().resolve("/metrics")).body();
                assertTrue(metrics.contains("unroll_batch_size_count"), metrics);
                assertTrue(metrics.contains("unroll_queue_wait_seconds_count"), metrics);
                assertTrue(metrics.contains("unroll_encode_latency_seconds_count"), metrics);
                assertTrue(metrics.contains("unroll_encode_errors_total{reason=\"timeout\"}"), metrics);
                assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
            }
        });
    }

    /**
     * Request {@code k}: a JSON single signal, a JSON batch of 3, a float32 .npy signal or a float64 .npy batch.
     * Batches run as their own backend batch, as the direct call does: the codes are bit-identical. A single
     * signal is micro-batched with other clients' signals, and batches of another width sum in another order
     * on vectorized backends, so single codes agree to float rounding (1e-5 on codes of size about 1).
     */
    private static void oneRequest(URI encode, int k) throws Exception {
        int j = k % (DATA.test().cols() - 3);
        HostMatrix x = DATA.test().columns(j, j + 3);
        float[] single = x.columns(0, 1).toFloats();
        switch (k % 4) {
            case 0 -> {
                List<Double> signal = new ArrayList<>();
                for (float v : single) {
                    signal.add((double) v);
                }
                HttpResponse<String> r = post(encode, "application/json", dev.unroll.cli.Json.write(Map.of("signal", signal)));
                assertEquals(200, r.statusCode(), r.body());
                float[] want = new float[problem.atoms()];
                direct.encode(single, want);
                assertArrayEquals(want, floats((List<?>) ((Map<?, ?>) Json.parse(r.body())).get("code")), 1e-5f);
            }
            case 1 -> {
                List<List<Double>> signals = new ArrayList<>();
                HostMatrix xf = new HostMatrix(x.rows(), x.cols(), doubles(x.toFloats()));
                for (int c = 0; c < 3; c++) {
                    signals.add(toList(xf.columns(c, c + 1).values()));
                }
                HttpResponse<String> r = post(encode, "application/json", dev.unroll.cli.Json.write(Map.of("signals", signals)));
                assertEquals(200, r.statusCode(), r.body());
                HostMatrix want = direct.encode(xf);
                List<?> codes = (List<?>) ((Map<?, ?>) Json.parse(r.body())).get("codes");
                for (int c = 0; c < 3; c++) {
                    assertArrayEquals(want.columns(c, c + 1).toFloats(), floats((List<?>) codes.get(c)), "batch column " + c);
                }
            }
            case 2 -> {
                HttpResponse<byte[]> r = postBytes(encode, Npy.toBytes(single, single.length));
                assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                NpyArray a = Npy.decode(r.body(), "the answer");
                assertEquals("<f4", a.dtype());
                assertArrayEquals(new int[] {problem.atoms()}, a.shape());
                float[] want = new float[problem.atoms()];
                direct.encode(single, want);
                assertArrayEquals(want, a.toColumnMajorF32(), 1e-5f);
            }
            default -> {
                // (B, n) in C order is the n×B column-major matrix's values as they are.
                HttpResponse<byte[]> r = postBytes(encode, Npy.toBytes(x.values(), 3, x.rows()));
                assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                NpyArray a = Npy.decode(r.body(), "the answer");
                assertEquals("<f8", a.dtype());
                assertArrayEquals(new int[] {3, problem.atoms()}, a.shape());
                assertArrayEquals(direct.encode(x).values(), a.data(), "a float64 batch");
            }
        }
    }

    @Test
    void badRequestsGetAOneLineReasonAndTheRightStatus() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ServerSettings small = new ServerSettings("127.0.0.1", 0, 2, 4, 4096, Duration.ofSeconds(10),
                    Duration.ofSeconds(5));
            try (Solver served = Solver.of(net, Batching.upTo(8, Duration.ofMillis(1)));
                 EncodeServer server = EncodeServer.start(served, small, backend.name(), "step-5", 8)) {
                URI encode = server.uri().resolve("/encode");
                assertError(post(encode, "application/json", "{\"signal\":[1,2,3]}"), 400, "n = 10");
                assertError(post(encode, "application/json", "{\"signal\":[1,2,"), 400, "malformed JSON");
                assertError(post(encode, "application/json", "{\"signal\":[1,2,3,4,5,6,7,8,9,\"x\"]}"), 400, "not a number");
                assertError(post(encode, "application/json", "{\"signals\":[]}"), 400, "non-empty");
                assertError(post(encode, "application/json", "{\"signal\":[1e400,2,3,4,5,6,7,8,9,10]}"), 400, "range");
                assertError(post(encode, "text/plain", "{\"signal\":[1]}"), 415, "Content-Type must be");
                float[] nan = new float[10];
                nan[4] = Float.NaN;
                assertError(toText(postBytes(encode, Npy.toBytes(nan, 10))), 400, "NaN");
                assertError(toText(postBytes(encode, new byte[] {1, 2, 3})), 400, "the request body");
                assertError(toText(postBytes(encode, Npy.toBytes(new float[30], 3, 10))), 200, null);
                assertError(toText(postBytes(encode, Npy.toBytes(new float[30], 10, 3))), 400, "shape");
                assertError(post(encode, "application/json", "[" + "0,".repeat(3000) + "0]"), 413, "limit of 4096");
                assertError(get(server.uri().resolve("/nothing")), 404, "POST /encode");
                assertError(get(encode), 405, "use POST");
                HttpResponse<String> health = get(server.uri().resolve("/health"));
                assertEquals(200, health.statusCode());
                Map<?, ?> h = (Map<?, ?>) Json.parse(health.body());
                assertEquals("UP", h.get("status"));
                assertEquals(backend.name(), h.get("backend"));
                assertEquals("step-5", h.get("model"));
                String metrics = get(server.uri().resolve("/metrics")).body();
                assertTrue(metrics.contains("unroll_encode_errors_total{reason=\"bad_json\"} 4.0"), metrics);
                assertTrue(metrics.contains("unroll_encode_errors_total{reason=\"non_finite\"} 1.0"), metrics);
                assertTrue(metrics.contains("unroll_encode_errors_total{reason=\"too_large\"} 1.0"), metrics);
            }
        });
    }

    @Test
    void aFullServerAnswers503WithRetryAfterAndShutdownDrainsTheRequestsInFlight() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // One worker, no queue, and micro-batches that wait 1.5 s for company: one request fills the server.
            ServerSettings tiny = new ServerSettings("127.0.0.1", 0, 1, 0, 1 << 20, Duration.ofSeconds(20),
                    Duration.ofSeconds(20));
            String body = dev.unroll.cli.Json.write(Map.of("signal", toList(DATA.test().columns(0, 1).values())));
            try (Solver served = Solver.of(net, Batching.upTo(64, Duration.ofMillis(1500)))) {
                EncodeServer server = EncodeServer.start(served, tiny, backend.name(), "step-5", 64);
                URI encode = server.uri().resolve("/encode");
                CompletableFuture<HttpResponse<String>> first = postAsync(encode, body);
                // Wait until the first request holds the only slot (the test's time bound ends a wait that never
                // comes): its signal then waits in the micro-batcher, and the next request must be refused.
                while (server.freeSlots() > 0 && !first.isDone()) {
                    Thread.onSpinWait();
                }
                HttpResponse<String> second = post(encode, "application/json", body);
                assertEquals(503, second.statusCode(), second.body());
                assertEquals("1", second.headers().firstValue("Retry-After").orElse(null));
                assertTrue(second.body().contains("at capacity"), second.body());
                // Shut down while the first request waits: it is drained, not dropped.
                CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
                HttpResponse<String> r = first.get();
                assertEquals(200, r.statusCode(), r.body());
                closing.get();
                assertThrows(Exception.class, () -> get(encode.resolve("/health")), "the server still listens");
            }
        });
    }

    @Test
    void aRequestPastItsTimeoutGets503() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ServerSettings quick = new ServerSettings("127.0.0.1", 0, 2, 2, 1 << 20, Duration.ofMillis(200),
                    Duration.ofSeconds(5));
            try (Solver served = Solver.of(net, Batching.upTo(64, Duration.ofMillis(2000)));
                 EncodeServer server = EncodeServer.start(served, quick, backend.name(), "step-5", 64)) {
                String body = dev.unroll.cli.Json.write(Map.of("signal", toList(DATA.test().columns(0, 1).values())));
                HttpResponse<String> r = post(server.uri().resolve("/encode"), "application/json", body);
                assertError(r, 503, "request timeout");
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            }
        });
    }

    private static void assertError(HttpResponse<String> r, int status, String fragment) {
        assertEquals(status, r.statusCode(), r.body());
        if (fragment != null) {
            assertTrue(r.body().contains(fragment), r.body());
            assertTrue(!r.body().contains("\n"), "one line: " + r.body());
            assertTrue(((Map<?, ?>) Json.parse(r.body())).containsKey("error"), r.body());
        }
    }

    private static HttpResponse<String> post(URI uri, String type, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(URI uri, String body) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> postBytes(URI uri, byte[] body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-npy").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A bytes answer seen as text (errors are JSON). */
    private static HttpResponse<String> toText(HttpResponse<byte[]> r) {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        return new HttpResponse<>() {
            @Override public int statusCode() { return r.statusCode(); }
            @Override public HttpRequest request() { return r.request(); }
            @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
            @Override public java.net.http.HttpHeaders headers() { return r.headers(); }
            @Override public String body() { return text; }
            @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
            @Override public URI uri() { return r.uri(); }
            @Override public HttpClient.Version version() { return r.version(); }
        };
    }

    private static float[] floats(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((Number) values.get(i)).doubleValue();
        }
        return out;
    }

    private static double[] doubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
