package dev.unroll.cli;

import dev.unroll.cli.serve.EncodeServer;
import dev.unroll.cli.serve.ServerSettings;
import dev.unroll.engine.Backend;
import dev.unroll.solvers.service.Batching;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll serve}: an HTTP encoder for a model (or ISTA/FISTA, chosen as {@code encode} chooses) until
 * SIGTERM or Ctrl-C. Prints the URL it listens on as the first line of standard output once it is ready,
 * so a script can read it (with {@code --port 0} that is how it learns the port). On shutdown it drains the
 * requests in flight, then closes the solver and the backend.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "An HTTP encoder: POST /encode (JSON or .npy), GET /health, GET /metrics (Prometheus).")
public final class ServeCommand implements Callable<Integer> {
    /** The JDK server's limits on reading a request and writing a response, in seconds (see {@link #call}). */
    private static final String IO_TIMEOUT_SECONDS = "60";

    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;
    @Mixin
    CoderOptions coder;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0: every interface)")
    String host;
    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--signal-dim", paramLabel = "N",
            description = "with --solver: the signal dimension n, to read a (m, n) --dictionary (default: D is (n, m))")
    Integer signalDim;
    @Option(names = "--max-batch", paramLabel = "B", defaultValue = "64",
            description = "single-signal requests gathered into one backend batch, at most (default: ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--max-delay", paramLabel = "DURATION", defaultValue = "2ms",
            description = "how long a request may wait for others to batch with (default: ${DEFAULT-VALUE})")
    String maxDelay;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "16",
            description = "requests encoded at once (default: ${DEFAULT-VALUE})")
    int workers;
    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "requests that may wait for a worker; more get 503 with Retry-After (default: ${DEFAULT-VALUE})")
    int queue;
    @Option(names = "--max-body", paramLabel = "MIB", defaultValue = "16",
            description = "largest request body in MiB; larger ones get 413 (default: ${DEFAULT-VALUE})")
    int maxBodyMib;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "how long a request may wait for its codes before it gets 503 (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "30s",
            description = "on shutdown, how long requests in flight may take to finish (default: ${DEFAULT-VALUE})")
    String drain;

    /** Creates the command. */
    public ServeCommand() {
    }

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = settings();
        Batching batching = batching();
        coder.validate();
        engine.validate();
        if (signalDim != null && (signalDim < 1 || !coder.iterative())) {
            throw new UsageException("--signal-dim orients --solver's --dictionary and must be ≥ 1, but is " + signalDim
                    + (coder.iterative() ? "" : " and there is no --solver"));
        }
        // The JDK server never times out a slow client unless told: bound reading a request and writing an answer.
        System.setProperty("sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", IO_TIMEOUT_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime",
                System.getProperty("sun.net.httpserver.maxRspTime", IO_TIMEOUT_SECONDS));
        PrintStream print = root.out;
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C run the hook; it asks this thread to shut down and waits until it has drained.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(settings.drainTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "unroll-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Backend be = engine.open();
             CoderOptions.Coder c = coder.open(be, engine, signalDim == null ? 0 : signalDim, (d, l, a) -> batching);
             EncodeServer server = start(c, settings, be.name())) {
            print.println(server.uri());
            print.flush();
            root.err.println("serving " + c.description() + " (n = " + c.solver().signalDim() + " → m = "
                    + c.solver().atoms() + ", " + c.dtype() + ") on backend " + be.name()
                    + ": POST /encode, GET /health, GET /metrics; Ctrl-C stops");
            stop.await();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running, and returns now that we are done
            }
        }
        return Main.EXIT_OK;
    }

    private EncodeServer start(CoderOptions.Coder c, ServerSettings settings, String backend) throws Exception {
        try {
            return EncodeServer.start(c.solver(), settings, backend, c.description(), c.batching().maxBatch());
        } catch (BindException e) {
            throw new UsageException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --port (0: any free one) or --host");
        }
    }

    private ServerSettings settings() {
        if (maxBodyMib < 1 || maxBodyMib > 1024) {
            throw new UsageException("--max-body must be 1..1024 MiB, but is " + maxBodyMib);
        }
        try {
            return new ServerSettings(host, port, workers, queue, maxBodyMib << 20, Cli.duration(timeout),
                    Cli.duration(drain));
        } catch (dev.unroll.engine.InvalidArgumentException e) {
            throw new UsageException(e.getMessage().replace("the port", "--port").replace("workers", "--workers")
                    .replace("the queue", "--queue").replace("the request timeout", "--timeout")
                    .replace("the drain timeout", "--drain"));
        }
    }

    private Batching batching() {
        try {
            return Batching.upTo(maxBatch, Cli.duration(maxDelay));
        } catch (dev.unroll.engine.InvalidArgumentException e) {
            throw new UsageException("--max-batch / --max-delay: " + e.getMessage());
        }
    }
}
