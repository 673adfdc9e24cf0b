package dev.unroll.bench;

import java.util.concurrent.TimeUnit;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's fused multiply-add peak as Java sees it: the ceiling the GEMM and unrolled figures are
 * compared with, measured in the same run because these shared machines drift (turbo, neighbours).
 *
 * <p>Each call runs {@value #ACCUMULATORS} independent FMA chains on vectors of the preferred species, for a
 * fixed total of {@value #LANE_FMAS} lane-FMAs whatever the vector width (the chain length is
 * {@code LANE_FMAS / (ACCUMULATORS × lanes)}). {@code @OperationsPerInvocation} makes JMH count one
 * operation per lane-FMA, so the score (ops/s, summed over threads) times 2 is FLOP/s. Sixteen chains
 * cover the FMA latency (4 cycles) times the FMA pipes (2 on Zen 5) twice over and still leave registers
 * free (16 + 2 of 32). Each chain computes {@code c ← c·a + b} with {@code a} just below 1, so it converges
 * to a finite value and never reaches denormals or infinities, which would slow the pipes down.
 *
 * <p>{@code *OneThread} runs on one thread, {@code *AllThreads} on as many threads as the JVM sees
 * processors ({@code @Threads(Threads.MAX)}); a global {@code -t} overrides both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The last flag silences JDK 24+'s warning about JMH's own use of sun.misc.Unsafe in every fork.
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--sun-misc-unsafe-memory-access=allow"})
public class FmaPeakBenchmark {
    /** Independent accumulator chains per call. */
    public static final int ACCUMULATORS = 16;
    /** Lane-FMAs per call: 2^22, about 40 µs on one Zen 5 core, so the call overhead does not count. */
    public static final int LANE_FMAS = 1 << 22;

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    // Widths are powers of two, so these divisions are exact and the FLOP count per call is fixed.
    private static final int F32_ROUNDS = LANE_FMAS / (ACCUMULATORS * FS.length());
    private static final int F64_ROUNDS = LANE_FMAS / (ACCUMULATORS * DS.length());

    // Read from fields, not constants, so the JIT cannot fold the chains away.
    private float[] floats;
    private double[] doubles;

    /** Fills the inputs: multipliers just below 1, small addends, distinct starting values. */
    @Setup
    public void setup() {
        floats = new float[2 + ACCUMULATORS];
        doubles = new double[2 + ACCUMULATORS];
        floats[0] = 0.999f;
        doubles[0] = 0.999;
        floats[1] = 1e-3f;
        doubles[1] = 1e-3;
        for (int i = 0; i < ACCUMULATORS; i++) {
            floats[2 + i] = i * 0.01f;
            doubles[2 + i] = i * 0.01;
        }
    }

    /** Nothing to free; present so every benchmark state has a teardown. */
    @TearDown
    public void tearDown() {
        floats = null;
        doubles = null;
    }

    /** F32 peak on one thread. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(LANE_FMAS)
    public float f32OneThread() {
        return f32(floats);
    }

    /** F32 peak on every processor. */
    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(LANE_FMAS)
    public float f32AllThreads() {
        return f32(floats);
    }

    /** F64 peak on one thread. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(LANE_FMAS)
    public double f64OneThread() {
        return f64(doubles);
    }

    /** F64 peak on every processor. */
    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(LANE_FMAS)
    public double f64AllThreads() {
        return f64(doubles);
    }

    private static float f32(float[] in) {
        FloatVector a = FloatVector.broadcast(FS, in[0]);
        FloatVector b = FloatVector.broadcast(FS, in[1]);
        FloatVector c0 = FloatVector.broadcast(FS, in[2]);
        FloatVector c1 = FloatVector.broadcast(FS, in[3]);
        FloatVector c2 = FloatVector.broadcast(FS, in[4]);
        FloatVector c3 = FloatVector.broadcast(FS, in[5]);
        FloatVector c4 = FloatVector.broadcast(FS, in[6]);
        FloatVector c5 = FloatVector.broadcast(FS, in[7]);
        FloatVector c6 = FloatVector.broadcast(FS, in[8]);
        FloatVector c7 = FloatVector.broadcast(FS, in[9]);
        FloatVector c8 = FloatVector.broadcast(FS, in[10]);
        FloatVector c9 = FloatVector.broadcast(FS, in[11]);
        FloatVector c10 = FloatVector.broadcast(FS, in[12]);
        FloatVector c11 = FloatVector.broadcast(FS, in[13]);
        FloatVector c12 = FloatVector.broadcast(FS, in[14]);
        FloatVector c13 = FloatVector.broadcast(FS, in[15]);
        FloatVector c14 = FloatVector.broadcast(FS, in[16]);
        FloatVector c15 = FloatVector.broadcast(FS, in[17]);
        for (int r = 0; r < F32_ROUNDS; r++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
            c12 = c12.fma(a, b);
            c13 = c13.fma(a, b);
            c14 = c14.fma(a, b);
            c15 = c15.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15)
                .reduceLanes(VectorOperators.ADD);
    }

    private static double f64(double[] in) {
        DoubleVector a = DoubleVector.broadcast(DS, in[0]);
        DoubleVector b = DoubleVector.broadcast(DS, in[1]);
        DoubleVector c0 = DoubleVector.broadcast(DS, in[2]);
        DoubleVector c1 = DoubleVector.broadcast(DS, in[3]);
        DoubleVector c2 = DoubleVector.broadcast(DS, in[4]);
        DoubleVector c3 = DoubleVector.broadcast(DS, in[5]);
        DoubleVector c4 = DoubleVector.broadcast(DS, in[6]);
        DoubleVector c5 = DoubleVector.broadcast(DS, in[7]);
        DoubleVector c6 = DoubleVector.broadcast(DS, in[8]);
        DoubleVector c7 = DoubleVector.broadcast(DS, in[9]);
        DoubleVector c8 = DoubleVector.broadcast(DS, in[10]);
        DoubleVector c9 = DoubleVector.broadcast(DS, in[11]);
        DoubleVector c10 = DoubleVector.broadcast(DS, in[12]);
        DoubleVector c11 = DoubleVector.broadcast(DS, in[13]);
        DoubleVector c12 = DoubleVector.broadcast(DS, in[14]);
        DoubleVector c13 = DoubleVector.broadcast(DS, in[15]);
        DoubleVector c14 = DoubleVector.broadcast(DS, in[16]);
        DoubleVector c15 = DoubleVector.broadcast(DS, in[17]);
        for (int r = 0; r < F64_ROUNDS; r++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
            c12 = c12.fma(a, b);
            c13 = c13.fma(a, b);
            c14 = c14.fma(a, b);
            c15 = c15.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15)
                .reduceLanes(VectorOperators.ADD);
    }
}
