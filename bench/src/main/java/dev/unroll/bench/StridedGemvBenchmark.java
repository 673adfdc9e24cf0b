package dev.unroll.bench;

import java.util.concurrent.TimeUnit;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
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
 * The strided batch of distinct matrix–vector products ({@link Backend#gemvStridedBatched}): {@code batch}
 * matrices A_b (m×k each, stored side by side in one m×(k·batch) matrix), each applied to its own vector:
 * {@code y_b = A_b·x_b}. One operation is 2·m·k·batch FLOPs, like the GEMM of the same shape, but every
 * matrix is read once, so it is bound by memory bandwidth, not by the FMA units: its GFLOP/s say how close
 * a backend streams to the memory limit (4 bytes per 2 FLOPs in F32).
 *
 * <p>The reference backend is guarded like {@link GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow"})
public class StridedGemvBenchmark {
    /** The backend to measure. */
    @Param({"cpu-vector", "reference"})
    public String backend;
    /** Precision of A, x and y. */
    @Param({"F32", "F64"})
    public DType dtype;
    /** Rows of each A_b. */
    @Param({"256"})
    public int m;
    /** Columns of each A_b. */
    @Param({"64"})
    public int k;
    /** Number of matrices and vectors. */
    @Param({"16", "256"})
    public int batch;

    private Workload op;

    /** Opens the backend and uploads the matrices and vectors (fixed seeds) and a zero y. */
    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.guardReference(backend, FlopModel.gemm(m, k, batch), "strided GEMV of " + batch + " "
                + m + "×" + k + " matrices");
        Backend be = BenchSupport.open(backend);
        Matrix a = BenchSupport.upload(be, dtype, BenchSupport.uniform(1, m * k * batch), m, k * batch);
        Matrix x = BenchSupport.upload(be, dtype, BenchSupport.uniform(2, k * batch), k, batch);
        Matrix y = be.allocate(dtype, m, batch);
        op = Workload.of(() -> {
            be.gemvStridedBatched(Transpose.NO, 1, a, x, 0, y);
            return y;
        }, y, x, a, be);
    }

    /** Frees the matrices and the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(op);
    }

    /** One strided batched GEMV, β = 0. */
    @Benchmark
    public Object gemv() {
        return op.run();
    }
}
