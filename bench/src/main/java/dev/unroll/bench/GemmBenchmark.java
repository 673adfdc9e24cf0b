package dev.unroll.bench;

import java.util.concurrent.TimeUnit;

import dev.unroll.bench.peers.Peers;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A·B} through {@link Backend#gemm(double, Matrix, Matrix, double, Matrix)} at the paper's
 * shapes: A is m×k (the dictionary side: 256×64 or 256×256), B is k×batch (one column per sample).
 * One JMH operation is one GEMM of 2·m·k·batch FLOPs ({@link BenchReport} turns the time into GFLOP/s).
 *
 * <p>The reference backend is measured only where one GEMM costs at most
 * {@value BenchSupport#DEFAULT_REFERENCE_MAX_FLOP} FLOPs (by default every shape but k = 256 at
 * batch = 4096); the other combinations fail in setup with a "SKIPPED" message, see
 * {@link BenchSupport#guardReference}. JMH runs every parameter combination in its own fork(s), so the
 * two backends never share a JVM and their profiles cannot pollute each other.
 *
 * <p>{@code backend} may also name a peer ({@link Peers}: {@code ejml}, {@code openblas}), which then
 * computes the same product on the same data: OpenBLAS calls GEMV for batch 1, as a BLAS user would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The last flag silences JDK 24+'s warning about JMH's own use of sun.misc.Unsafe in every fork.
// --enable-native-access: the OpenBLAS peer binds its library through java.lang.foreign.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /** The backend to measure, or a peer ({@code ejml}, {@code openblas}). */
    @Param({"cpu-vector", "reference"})
    public String backend;
    /** Precision of A, B and C. */
    @Param({"F32", "F64"})
    public DType dtype;
    /** Rows of A and C (atoms). */
    @Param({"256"})
    public int m;
    /** Columns of A, rows of B (signal dimension, or atoms for DᵀD-shaped products). */
    @Param({"64", "256"})
    public int k;
    /** Columns of B and C (samples). */
    @Param({"1", "16", "256", "4096"})
    public int batch;

    private Workload op;

    /** Opens the backend (or peer) and uploads A and B (fixed seeds) and a zero C. */
    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.guardReference(backend, 2L * m * k * batch, "GEMM " + m + "×" + k + " · " + k + "×" + batch);
        double[] ha = BenchSupport.uniform(1, m * k);
        double[] hb = BenchSupport.uniform(2, k * batch);
        op = Peers.isPeer(backend) ? Peers.gemm(backend, dtype, m, k, batch, ha, hb) : onBackend(ha, hb);
    }

    private Workload onBackend(double[] ha, double[] hb) {
        Backend be = BenchSupport.open(backend);
        Matrix a = BenchSupport.upload(be, dtype, ha, m, k);
        Matrix b = BenchSupport.upload(be, dtype, hb, k, batch);
        Matrix c = be.allocate(dtype, m, batch);
        // β = 0: C is overwritten, never read.
        return Workload.of(() -> {
            be.gemm(1, a, b, 0, c);
            return c;
        }, c, b, a, be);
    }

    /** Frees the matrices and the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(op);
    }

    /** One GEMM. Returning C keeps the call observable to JMH. */
    @Benchmark
    public Object gemm() {
        return op.run();
    }
}
