package dev.unroll.bench;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedding API under a service's load: 16 threads each call {@link Solver#encode(float[], float[])}
 * with one signal at a time on one shared solver (a 20-layer SLISTA, m = 256, n = 64, F32), with dynamic
 * micro-batching on (gathering up to {@code maxBatch} calls, waiting at most 200 µs) or off (every call a
 * batch of one). The score is signals per second over all threads; the ratio of the two modes is what
 * micro-batching buys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(16)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g",
        "--sun-misc-unsafe-memory-access=allow"})
public class MicroBatchingBenchmark {
    /** The backend to measure. */
    @Param({"cpu-vector"})
    public String backend;
    /** "on" gathers concurrent calls into one batch; "off" runs each call alone. */
    @Param({"on", "off"})
    public String batching;
    /** The largest gathered batch. */
    @Param({"64"})
    public int maxBatch;
    /** Layers of the network. */
    @Param({"20"})
    public int layers;

    private Backend be;
    private LassoProblem problem;
    private UnrolledNetwork net;
    private Solver solver;
    float[][] signals;

    /** Builds the network (ISTA-initialised SLISTA: the work is the same as a trained one's) and the solver. */
    @Setup(Level.Trial)
    public void setup() {
        int n = 64;
        int m = 256;
        be = Backends.open(backend, BackendConfig.fromSystemProperties());
        double[] dict = UnrolledBenchmark.dictionary(n, m, 0);
        problem = LassoProblem.create(be, DType.F32, new HostMatrix(n, m, dict), 0.1);
        net = UnrolledNetwork.create(problem, Parametrization.STEP, layers);
        solver = Solver.of(net, batching.equals("on") ? Batching.upTo(maxBatch, Duration.ofNanos(200_000))
                : Batching.off());
        double[] xs = UnrolledBenchmark.signals(dict, n, m, 256, 1);
        signals = new float[256][n];
        for (int j = 0; j < 256; j++) {
            for (int i = 0; i < n; i++) {
                signals[j][i] = (float) xs[j * n + i];
            }
        }
    }

    /** Frees everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        solver.close();
        net.close();
        problem.close();
        be.close();
    }

    /** Each thread's signal cursor and output array. */
    @State(Scope.Thread)
    public static class Caller {
        float[] z = new float[256];
        int next;
    }

    /** One signal encoded by one of the 16 calling threads. */
    @Benchmark
    public float[] encodeOneSignal(Caller caller) {
        float[] x = signals[caller.next++ & 255];
        solver.encode(x, caller.z);
        return caller.z;
    }
}
