package dev.unroll.bench;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

/**
 * What the benchmarks share: opening a backend, uploading host data in either precision, and the guard that
 * keeps the slow reference backend off the shapes where one operation would take seconds.
 */
final class BenchSupport {
    /** The name of the plain-Java oracle backend. */
    static final String REFERENCE = "reference";
    /**
     * System property: the most FLOPs (in the report's FLOP model) one operation of the reference backend
     * may cost before the benchmark refuses to run it. Default {@value #DEFAULT_REFERENCE_MAX_FLOP}.
     */
    static final String REFERENCE_MAX_FLOP = "unroll.bench.referenceMaxFlop";
    /**
     * 2^28 FLOPs: about a quarter to half a second per operation for the reference backend, whose scalar
     * loops run at roughly 0.5–1 GFLOP/s. Above this a single JMH iteration holds one or two operations
     * and a full run would take hours, while the figure it buys (how slow the oracle is) adds nothing.
     */
    static final long DEFAULT_REFERENCE_MAX_FLOP = 1L << 28;

    private BenchSupport() {
    }

    /** Opens {@code name} with the {@code unroll.*} system properties of the fork (e.g. -Dunroll.threads). */
    static Backend open(String name) {
        return Backends.open(name, BackendConfig.fromSystemProperties());
    }

    /**
     * Opens {@code name} with the fork's {@code unroll.*} system properties and, unless {@code threads} is
     * {@code all}, that many threads (a benchmark's {@code threads} parameter, which overrides
     * -Dunroll.threads so that one campaign can compare thread counts case by case).
     */
    static Backend open(String name, String threads) {
        BackendConfig config = BackendConfig.fromSystemProperties();
        if (!threads.equals("all")) {
            config = config.with("threads", Integer.toString(BenchReport.threadCount(threads)));
        }
        return Backends.open(name, config);
    }

    /**
     * Refuses to run the reference backend on an operation of {@code flop} FLOPs above the limit. JMH has
     * no "skip": an exception in {@code @Setup} makes it report this parameter combination as failed,
     * print this message and go on with the next one, and the JSON result simply lacks it.
     *
     * @throws IllegalStateException when the reference backend would be too slow here
     */
    static void guardReference(String backend, long flop, String what) {
        if (!REFERENCE.equals(backend)) {
            return;
        }
        long limit = Long.getLong(REFERENCE_MAX_FLOP, DEFAULT_REFERENCE_MAX_FLOP);
        if (flop > limit) {
            throw new IllegalStateException("SKIPPED (not an error): the reference backend is not benchmarked on "
                    + what + " (" + flop + " FLOP per operation > " + limit + "); to run it anyway pass JMH -jvmArgs -D"
                    + REFERENCE_MAX_FLOP + "=<FLOP>");
        }
    }

    /** A rows×cols matrix of {@code dtype} on {@code be} holding the column-major {@code data}. */
    static Matrix upload(Backend be, DType dtype, double[] data, int rows, int cols) {
        if (dtype == DType.F64) {
            return be.fromArray(data, rows, cols);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return be.fromArray(f, rows, cols);
    }

    /** Overwrites {@code dst} with the column-major {@code data}, converted to its precision. */
    static void upload(Backend be, double[] data, Matrix dst) {
        if (dst.dtype() == DType.F64) {
            be.upload(data, dst);
            return;
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        be.upload(f, dst);
    }

    /** Uniform values in [−1, 1) from a fixed seed, so every fork and backend sees the same data. */
    static double[] uniform(long seed, int count) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = r.nextDouble(-1, 1);
        }
        return out;
    }

    /** Closes each non-null resource, the first failure wins but every close is attempted. */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
