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
 * The two SPI operations of a Lasso step besides the products, on a batch of the paper's problem (D n×m,
 * X n×batch, Z m×batch, λ):
 *
 * <ul>
 * <li>{@link #softThreshold}: {@code Z = ST(U, τ)} with a scalar τ, m×batch elements (memory bound;
 *     {@link FlopModel#softThreshold} counts its elementwise arithmetic).</li>
 * <li>{@link #lossGradient}: the Lasso objective F(Z) and ∂F/∂Z in one call
 *     ({@link Backend#lassoObjective(Matrix, Matrix, Matrix, double, Matrix, Matrix, Matrix)}): two products
 *     with D, 4·n·m·batch FLOPs.</li>
 * </ul>
 *
 * <p>The codes are a fixed sparse-ish pattern (uniform, thresholded once) so the soft-threshold sees both
 * zeroed and kept entries. The reference backend is guarded like {@link GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow"})
public class LassoOpsBenchmark {
    /** The backend to measure. */
    @Param({"cpu-vector", "reference"})
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
    /** Regularisation λ (also the soft-threshold's τ). */
    @Param({"0.1"})
    public double lambda;

    private Backend be;
    private Matrix d;
    private Matrix x;
    private Matrix z;
    private Matrix u;
    private Matrix gradZ;

    /** Opens the backend and uploads D, X, U and Z (fixed seeds). */
    @Setup(Level.Trial)
    public void setup() {
        BenchSupport.guardReference(backend, FlopModel.lassoGradient(n, m, batch), "Lasso loss and gradient, batch "
                + batch);
        double[] dict = UnrolledBenchmark.dictionary(n, m, 0);
        double[] codes = BenchSupport.uniform(3, m * batch);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = Math.signum(codes[i]) * Math.max(Math.abs(codes[i]) - 0.8, 0);
        }
        be = BenchSupport.open(backend);
        d = BenchSupport.upload(be, dtype, dict, n, m);
        x = BenchSupport.upload(be, dtype, UnrolledBenchmark.signals(dict, n, m, batch, 1), n, batch);
        z = BenchSupport.upload(be, dtype, codes, m, batch);
        u = BenchSupport.upload(be, dtype, BenchSupport.uniform(4, m * batch), m, batch);
        gradZ = be.allocate(dtype, m, batch);
    }

    /** Frees the matrices and the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.closeAll(gradZ, u, z, x, d, be);
    }

    /** {@code gradZ = ST(U, λ)} (into the gradient's buffer so that Z keeps its pattern). */
    @Benchmark
    public Object softThreshold() {
        be.softThreshold(u, lambda, gradZ, null);
        return gradZ;
    }

    /** F(Z) and ∂F/∂Z. */
    @Benchmark
    public double lossGradient() {
        return be.lassoObjective(d, x, z, lambda, null, gradZ, null);
    }
}
