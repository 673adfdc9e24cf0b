package dev.unroll.bench;

import java.util.concurrent.TimeUnit;

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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The last flag silences JDK 24+'s warning about JMH's own use of sun.misc.Unsafe in every fork.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow"})
public class GemmBenchmark {
    /** The backend to measure. */
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

    private Backend be;
    private Matrix a;
    private Matrix b;
    private Matrix c;

    /** Opens the backend and uploads A and B (fixed seeds) and a zero C. */
    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.guardReference(backend, 2L * m * k * batch, "GEMM " + m + "×" + k + " · " + k + "×" + batch);
        be = BenchSupport.open(backend);
        a = BenchSupport.upload(be, dtype, BenchSupport.uniform(1, m * k), m, k);
        b = BenchSupport.upload(be, dtype, BenchSupport.uniform(2, k * batch), k, batch);
        c = be.allocate(dtype, m, batch);
    }

    /** Frees the matrices and the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(c, b, a, be);
    }

    /** One GEMM, β = 0 (C is overwritten, never read). Returning C keeps the call observable to JMH. */
    @Benchmark
    public Matrix gemm() {
        be.gemm(1, a, b, 0, c);
        return c;
    }
}
