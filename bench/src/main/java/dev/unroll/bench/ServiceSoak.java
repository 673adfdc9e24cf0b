package dev.unroll.bench;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.OwnershipException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A soak of the embedding API as a service runs it, larger than the CI tests: many threads calling one
 * {@link Solver} (network, ISTA, FISTA; micro-batching on and off) with every answer checked against a
 * direct call; one client sending NaN among them; the backend closed under running calls; and open/close
 * cycles of backend and solver. Before and after each phase it prints the heap in use (after a full GC), the
 * process's resident memory (VmRSS and its peak VmHWM from /proc/self/status) and the live threads, so that
 * a leak of memory or threads shows as a number that grows.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.unroll.bench.ServiceSoak \
 *      [--backend cpu-vector] [--threads 16] [--calls 2000] [--cycles 200] [--close-rounds 50]
 * </pre>
 *
 * Exit status 0 when every answer matched and nothing hung or leaked, 1 otherwise.
 */
public final class ServiceSoak {
    private static final int N = 64;
    private static final int M = 256;
    private static final int SIGNALS = 256;

    private final String backend;
    private final int threads;
    private final int calls;
    private final int cycles;
    private final int closeRounds;
    private final double[] dictionary = UnrolledBenchmark.dictionary(N, M, 0);
    private final float[][] signals = new float[SIGNALS][N];
    private boolean failed;

    private ServiceSoak(String backend, int threads, int calls, int cycles, int closeRounds) {
        this.backend = backend;
        this.threads = threads;
        this.calls = calls;
        this.cycles = cycles;
        this.closeRounds = closeRounds;
        double[] xs = UnrolledBenchmark.signals(dictionary, N, M, SIGNALS, 1);
        for (int j = 0; j < SIGNALS; j++) {
            for (int i = 0; i < N; i++) {
                signals[j][i] = (float) xs[j * N + i];
            }
        }
    }

    /** Runs the soak; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        String backend = "cpu-vector";
        int threads = 16;
        int calls = 2000;
        int cycles = 200;
        int closeRounds = 50;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--backend" -> backend = value;
                case "--threads" -> threads = Integer.parseInt(value);
                case "--calls" -> calls = Integer.parseInt(value);
                case "--cycles" -> cycles = Integer.parseInt(value);
                case "--close-rounds" -> closeRounds = Integer.parseInt(value);
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --backend NAME --threads N --calls N"
                            + " --cycles N --close-rounds N");
                    System.exit(2);
                }
            }
            i++;
        }
        ServiceSoak soak = new ServiceSoak(backend, threads, calls, cycles, closeRounds);
        System.out.printf(Locale.ROOT, "service soak: backend %s, m = %d, n = %d, %d threads × %d calls per solver,"
                + " %d open/close cycles, %d close races%n", backend, M, N, threads, calls, cycles, closeRounds);
        Snapshot start = Snapshot.take();
        System.out.println("start                       " + start);
        soak.load();
        soak.openCloseCycles();
        soak.closeRaces();
        Snapshot end = Snapshot.take();
        System.out.println("end                         " + end);
        System.out.println(soak.failed ? "FAILED" : "passed");
        System.exit(soak.failed ? 1 : 0);
    }

    /** Every solver kind and batching mode under {@code threads} callers, every answer checked. */
    private void load() {
        try (Backend be = Backends.open(backend, BackendConfig.fromSystemProperties());
             LassoProblem f32 = LassoProblem.create(be, DType.F32, new HostMatrix(N, M, dictionary), 0.1);
             LassoProblem f64 = LassoProblem.create(be, DType.F64, new HostMatrix(N, M, dictionary), 0.1);
             UnrolledNetwork net = UnrolledNetwork.create(f32, Parametrization.STEP, 20)) {
            Stopping stop = Stopping.after(30);
            record Kind(String name, Function<Batching, Solver> make) { }
            List<Kind> kinds = List.of(
                    new Kind("network F32", b -> Solver.of(net, b)),
                    new Kind("ISTA F32", b -> Solver.ista(f32, stop, b)),
                    new Kind("FISTA F64", b -> Solver.fista(f64, stop, b)));
            for (Kind kind : kinds) {
                float[][] expected;
                try (Solver direct = kind.make().apply(Batching.off())) {
                    expected = new float[SIGNALS][];
                    for (int j = 0; j < SIGNALS; j++) {
                        expected[j] = direct.encode(signals[j]);
                    }
                }
                for (boolean on : new boolean[] {true, false}) {
                    Snapshot before = Snapshot.take();
                    Batching b = on ? Batching.upTo(64, Duration.ofNanos(200_000)) : Batching.off();
                    long started = System.nanoTime();
                    long[] result;
                    Snapshot open;
                    try (Solver solver = kind.make().apply(b)) {
                        result = hammer(solver, expected, on);
                        open = Snapshot.take(); // the solver's pooled workspaces are still held here
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    Snapshot after = Snapshot.take();
                    String label = String.format(Locale.ROOT, "%-11s batching %-3s", kind.name(), on ? "on" : "off");
                    System.out.printf(Locale.ROOT, "%s %d × %d calls: %d answers checked, %d wrong, %d NaN calls"
                            + " refused, %.0f calls/s%n", label, threads, calls, result[0], result[1], result[2],
                            result[0] / seconds);
                    System.out.println("  before                    " + before);
                    System.out.println("  after the calls (open)    " + open);
                    System.out.println("  after close               " + after);
                    if (result[1] != 0 || result[3] != 0) {
                        failed = true;
                        System.out.println("  FAILED: " + result[1] + " wrong answers, " + result[3] + " other failures");
                    }
                }
            }
        }
    }

    /**
     * {@code threads} callers of {@code solver}, the last one sending NaN every fourth call: answers checked,
     * wrong answers, NaN calls refused, other failures.
     */
    private long[] hammer(Solver solver, float[][] expected, boolean batching) {
        AtomicLong checked = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong other = new AtomicLong();
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            list.add(Thread.ofPlatform().name("soak-" + t).start(() -> {
                float[] z = new float[M];
                for (int c = 0; c < calls; c++) {
                    int j = (seed * 7919 + c * 31) % SIGNALS;
                    try {
                        if (seed == threads - 1 && c % 4 == 0) {
                            float[] bad = signals[j].clone();
                            bad[c % N] = Float.NaN;
                            try {
                                solver.encode(bad, z);
                                wrong.incrementAndGet();
                            } catch (NonFiniteInputException e) {
                                refused.incrementAndGet();
                            }
                            continue;
                        }
                        solver.encode(signals[j], z);
                        if (matches(expected[j], z)) {
                            checked.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        if (other.incrementAndGet() == 1) {
                            e.printStackTrace();
                        }
                    }
                }
            }));
        }
        joinAll(list, "load threads (batching " + batching + ")");
        return new long[] {checked.get(), wrong.get(), refused.get(), other.get()};
    }

    /** Opens and closes backend, problem, network and a micro-batching solver, with calls in between. */
    private void openCloseCycles() {
        Snapshot before = Snapshot.take();
        long checked = 0;
        long started = System.nanoTime();
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (Backend be = Backends.open(backend, BackendConfig.fromSystemProperties());
                 LassoProblem p = LassoProblem.create(be, DType.F32, new HostMatrix(N, M, dictionary), 0.1);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 10);
                 Solver s = Solver.of(net, Batching.upTo(16, Duration.ofNanos(200_000)));
                 Solver direct = Solver.of(net, Batching.off())) {
                float[] x = signals[cycle % SIGNALS];
                float[] expected = direct.encode(x);
                AtomicLong ok = new AtomicLong();
                List<Thread> list = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    list.add(Thread.ofPlatform().start(() -> {
                        float[] z = new float[M];
                        for (int c = 0; c < 25; c++) {
                            s.encode(x, z);
                            if (matches(expected, z)) {
                                ok.incrementAndGet();
                            }
                        }
                    }));
                }
                joinAll(list, "cycle " + cycle);
                checked += ok.get();
                if (ok.get() != 100) {
                    failed = true;
                    System.out.println("  FAILED: cycle " + cycle + " had " + (100 - ok.get()) + " wrong answers");
                }
            }
            if (cycle == 0 || (cycle + 1) % Math.max(1, cycles / 4) == 0) {
                System.out.printf(Locale.ROOT, "open/close cycle %4d        %s%n", cycle + 1, Snapshot.take());
            }
        }
        Snapshot after = Snapshot.take();
        System.out.printf(Locale.ROOT, "open/close: %d cycles (backend, problem, network, 2 solvers, 4 threads × 25"
                + " calls each) in %.1f s, %d answers checked%n", cycles, (System.nanoTime() - started) / 1e9, checked);
        System.out.println("  before                    " + before);
        System.out.println("  after                     " + after);
        if (after.unrollThreads > before.unrollThreads) {
            failed = true;
            System.out.println("  FAILED: Unroll threads left running: " + after.unrollThreads + " > " + before.unrollThreads);
        }
    }

    /** Two threads encoding 64×600 batches while the backend closes under them: each must get the error. */
    private void closeRaces() {
        Snapshot before = Snapshot.take();
        double[] xs = UnrolledBenchmark.signals(dictionary, N, M, 600, 2);
        HostMatrix batch = new HostMatrix(N, 600, xs);
        int hung = 0;
        int wrongEnd = 0;
        java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < closeRounds; round++) {
            Backend be = Backends.open(backend, BackendConfig.fromSystemProperties());
            LassoProblem p = LassoProblem.create(be, DType.F32, new HostMatrix(N, M, dictionary), 0.1);
            UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 20);
            List<Thread> list = new ArrayList<>();
            List<AtomicReference<Throwable>> ends = new ArrayList<>();
            CountDownLatch running = new CountDownLatch(2);
            for (int t = 0; t < 2; t++) {
                AtomicReference<Throwable> end = new AtomicReference<>();
                ends.add(end);
                list.add(Thread.ofPlatform().daemon().start(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            try (Solver s = Solver.of(net, Batching.off())) {
                                s.encode(batch);
                            }
                        }
                    } catch (Throwable e) {
                        end.set(e);
                    }
                }));
            }
            try {
                running.await();
                Thread.sleep(2 + random.nextInt(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            be.close();
            for (int t = 0; t < 2; t++) {
                try {
                    list.get(t).join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (list.get(t).isAlive()) {
                    hung++;
                } else if (!(ends.get(t).get() instanceof OwnershipException)) {
                    wrongEnd++;
                }
            }
            net.close();
            p.close();
        }
        Snapshot after = Snapshot.take();
        System.out.printf(Locale.ROOT, "close races: %d rounds × 2 callers, %d hung, %d ended otherwise than with"
                + " the closed backend's OwnershipException%n", closeRounds, hung, wrongEnd);
        System.out.println("  before                    " + before);
        System.out.println("  after                     " + after);
        if (hung != 0 || wrongEnd != 0) {
            failed = true;
        }
    }

    private static boolean matches(float[] expected, float[] z) {
        for (int a = 0; a < z.length; a++) {
            if (Math.abs(expected[a] - z[a]) > 1e-5 * (1 + Math.abs(expected[a]))) {
                return false;
            }
        }
        return true;
    }

    private void joinAll(List<Thread> list, String what) {
        for (Thread t : list) {
            try {
                t.join(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                failed = true;
                System.out.println("  FAILED: " + what + ": " + t.getName() + " still runs after 10 minutes");
            }
        }
    }

    /** Heap in use after a full GC, resident memory and its peak, live threads (all, and Unroll's own). */
    private record Snapshot(long heapBytes, long rssKb, long peakRssKb, int threads, int unrollThreads) {
        static Snapshot take() {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = -1;
            long hwm = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = kilobytes(line);
                    } else if (line.startsWith("VmHWM:")) {
                        hwm = kilobytes(line);
                    }
                }
            } catch (IOException e) {
                // not Linux: RSS is reported as unknown (-1)
            }
            int unroll = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().startsWith("unroll-")) {
                    unroll++;
                }
            }
            return new Snapshot(heap, rss, hwm, ManagementFactory.getThreadMXBean().getThreadCount(), unroll);
        }

        private static long kilobytes(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap %6.1f MB, RSS %6.1f MB (peak %6.1f MB), %3d threads (%d unroll-*)",
                    heapBytes / 1e6, rssKb / 1024.0, peakRssKb / 1024.0, threads, unrollThreads);
        }
    }
}
