package dev.unroll.cli.serve;

import dev.unroll.engine.InvalidArgumentException;
import java.time.Duration;

/**
 * How an {@link EncodeServer} listens and how much work it takes on.
 *
 * @param host           the address to bind, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)
 * @param port           the port, 0 for any free one (the server then says which it took)
 * @param workers        threads that run /encode requests, ≥ 1; each waits for its codes, so this bounds the
 *                       requests in the solver at once
 * @param queue          requests that may wait for a worker, ≥ 0; beyond workers + queue, /encode answers 503
 * @param maxBodyBytes   the largest request body read, ≥ 1; a larger one is refused with 413
 * @param requestTimeout how long a request may wait for its codes before it is answered 503, &gt; 0
 * @param drainTimeout   how long {@link EncodeServer#close()} waits for requests in flight, ≥ 0
 */
public record ServerSettings(String host, int port, int workers, int queue, int maxBodyBytes, Duration requestTimeout,
                             Duration drainTimeout) {
    /** Checks the values. */
    public ServerSettings {
        if (host == null || host.isBlank()) {
            throw new InvalidArgumentException("the host must be an address or name to bind, e.g. 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidArgumentException("the port must be in 0..65535 (0: any free port), but is " + port);
        }
        if (workers < 1 || workers > 4096) {
            throw new InvalidArgumentException("workers must be in 1..4096, but is " + workers);
        }
        if (queue < 0 || queue > 1 << 20) {
            throw new InvalidArgumentException("the queue must be in 0..1048576, but is " + queue);
        }
        if (maxBodyBytes < 1) {
            throw new InvalidArgumentException("the body limit must be ≥ 1 byte, but is " + maxBodyBytes);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new InvalidArgumentException("the request timeout must be > 0, but is " + requestTimeout);
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new InvalidArgumentException("the drain timeout must be ≥ 0, but is " + drainTimeout);
        }
    }

    /** Loopback, port 0, 16 workers, a queue of 64, 16 MiB bodies, 10 s per request, 30 s to drain. */
    public static ServerSettings defaults() {
        return new ServerSettings("127.0.0.1", 0, 16, 64, 16 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** These settings with another port. */
    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, workers, queue, maxBodyBytes, requestTimeout, drainTimeout);
    }

    /** These settings with another number of workers and queue length. */
    public ServerSettings withCapacity(int w, int q) {
        return new ServerSettings(host, port, w, q, maxBodyBytes, requestTimeout, drainTimeout);
    }
}
