package dev.unroll.cli.serve;

import com.sun.net.httpserver.HttpServer;
import dev.unroll.solvers.service.Solver;
import dev.unroll.solvers.service.SolverObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP encoder over a {@link Solver}: {@link #start} binds and serves at once; {@link #close()} shuts
 * down gracefully — {@code /health} and new {@code /encode} requests answer 503 from then on, the listening
 * socket closes, the requests in flight finish (up to the drain timeout), then the threads stop. The solver
 * (and its backend) stay the caller's, to close after this server.
 *
 * <p>The solver reports to this server's meters while it serves ({@link Solver#observe}); {@code GET
 * /metrics} shows them in Prometheus' text format.
 */
public final class EncodeServer implements AutoCloseable {
    private final HttpServer http;
    private final Admission admission;
    private final Solver solver;
    private final ServerSettings settings;
    private final PrometheusMeterRegistry registry;
    private volatile boolean draining;
    private boolean closed;

    private EncodeServer(Solver solver, ServerSettings settings, Map<String, Object> health, int maxBatch)
            throws IOException {
        this.solver = solver;
        this.settings = settings;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerObserver meters = new MicrometerObserver(registry, maxBatch);
        this.admission = new Admission(settings.workers(), settings.queue());
        Map<String, Object> facts = new LinkedHashMap<>(health);
        facts.put("dtype", solver.dtype().name());
        facts.put("n", solver.signalDim());
        facts.put("m", solver.atoms());
        Routes routes = new Routes(new EncodeEndpoint(solver, settings.maxBodyBytes(), settings.requestTimeout()),
                java.util.Collections.unmodifiableMap(facts), registry, meters, () -> draining);
        try {
            // Backlog: what the kernel queues before accept; admission control bounds the work after it.
            this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 1024);
        } catch (IOException | RuntimeException e) {
            admission.close();
            throw e;
        }
        http.createContext("/", routes);
        http.setExecutor(admission);
        solver.observe(meters);
        http.start();
    }

    /**
     * Serves {@code solver} as {@code settings} say; {@code backend} and {@code model} name what it runs in
     * {@code /health}, and {@code maxBatch} (its micro-batch size) sizes the batch-size histogram.
     *
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static EncodeServer start(Solver solver, ServerSettings settings, String backend, String model, int maxBatch)
            throws IOException {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("backend", backend);
        health.put("model", model);
        return new EncodeServer(solver, settings, health, maxBatch);
    }

    /** The URL the server listens on, with the port it took (e.g. {@code http://127.0.0.1:8080}). */
    /** Worker and queue slots free now (package-private: lets a test wait until the server is full). */
    int freeSlots() {
        return admission.freeSlots();
    }

    public URI uri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]"; // an IPv6 literal in a URL
        }
        return URI.create("http://" + host + ":" + a.getPort());
    }

    /** Stops accepting, lets the requests in flight finish (at most the drain timeout), then stops the threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        long drainMillis = settings.drainTimeout().toMillis();
        try {
            // stop() closes the listening socket at once and waits for the exchanges in flight.
            http.stop((int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.drainTimeout().toSeconds())));
            admission.drain(drainMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admission.close();
            solver.observe(SolverObserver.NONE);
            registry.close();
        }
    }
}
