package dev.unroll.bench;

import java.util.concurrent.TimeUnit;

import dev.unroll.bench.peers.Peers;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Spectral;
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
 * One ISTA iteration on a batch, {@code Z ← ST(Z − (1/L)·Dᵀ(D·Z − X), λ/L)}: on a backend through the SPI
 * exactly as {@code dev.unroll.solvers.iterative.Ista} does it (copy, GEMM, copy, GEMM with Dᵀ,
 * soft-threshold; the problem set up by {@link LassoProblem}), or on a peer ({@code ejml},
 * {@code openblas}) written as a user of that library would write it. {@code Ista.solve} itself also
 * evaluates the objective after every iteration; the iteration alone is what compares with the peers.
 * One operation is 4·n·m·batch FLOPs (the two products; the threshold counts 0, as in PyTorch's count).
 *
 * <p>Z starts at 0 and is updated in place, so it converges over the run: the dense products' work does not
 * depend on the values. The reference backend is guarded like {@link GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// --enable-native-access: the OpenBLAS peer binds its library through java.lang.foreign.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class IstaBenchmark {
    /** The backend to measure, or a peer ({@code ejml}, {@code openblas}). */
    @Param({"cpu-vector", "reference", "ejml", "openblas"})
    public String backend;
    /** Precision. */
    @Param({"F32", "F64"})
    public DType dtype;
    /** Signal dimension n. */
    @Param({"64"})
    public int n;
    /** Atoms m. */
    @Param({"256"})
    public int m;
    /** Samples per batch. */
    @Param({"16", "4096"})
    public int batch;
    /** Regularisation λ. */
    @Param({"0.1"})
    public double lambda;

    private Workload op;

    /** Builds the problem (D with unit-norm columns, L = ‖D‖₂², scaled signals) on the backend or peer. */
    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.guardReference(backend, FlopModel.istaIteration(n, m, batch), "an ISTA iteration, batch " + batch);
        double[] dict = UnrolledBenchmark.dictionary(n, m, 0);
        double[] xs = UnrolledBenchmark.signals(dict, n, m, batch, 1);
        if (Peers.isPeer(backend)) {
            double step = 1 / Spectral.lipschitz(dict, n, m);
            op = Peers.ista(backend, dtype, n, m, batch, dict, xs, step, lambda * step);
        } else {
            op = onBackend(dict, xs);
        }
    }

    private Workload onBackend(double[] dict, double[] xs) {
        Backend be = BenchSupport.open(backend);
        LassoProblem problem = LassoProblem.create(be, dtype, new HostMatrix(n, m, dict), lambda);
        Matrix d = problem.dictionary();
        Matrix x = problem.uploadSignals(new HostMatrix(n, batch, xs));
        Matrix z = problem.zeroCodes(batch);
        Matrix r = be.allocate(dtype, n, batch);
        Matrix u = be.allocate(dtype, m, batch);
        double step = 1 / problem.lipschitz();
        double threshold = lambda * step;
        return Workload.of(() -> {
            be.copy(x, r);
            be.gemm(1, d, z, -1, r);                                       // R = DZ − X
            be.copy(z, u);
            be.gemm(Transpose.YES, Transpose.NO, -step, d, r, 1, u);       // U = Z − (1/L)·DᵀR
            be.softThreshold(u, threshold, z, null);                        // Z = ST(U, λ/L)
            return z;
        }, u, r, z, x, problem, be);
    }

    /** Frees the problem, the work matrices and the backend (or the peer's memory). */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(op);
    }

    /** One ISTA iteration. */
    @Benchmark
    public Object iteration() {
        return op.run();
    }
}
