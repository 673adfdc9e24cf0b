package dev.unroll.solvers.data;

/**
 * NumPy's legacy {@code np.random.RandomState}: the MT19937 generator seeded from an integer, with the
 * same {@code random_sample}, {@code randn} (polar Box–Muller with a cached second value) and
 * {@code shuffle}/{@code permutation} as NumPy. The reference experiments draw their data through it, so a
 * generator here that draws the same numbers in the same order gives the same problems to the last bit.
 * Not thread-safe: one instance per stream of draws.
 */
public final class NumpyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti;
    private boolean hasGauss;
    private double gauss;

    /** {@code np.random.RandomState(seed)} for a seed in [0, 2³²). */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("a RandomState seed must be in [0, 2^32), but is " + seed);
        }
        // NumPy seeds a scalar integer with init_genrand (mt19937_seed), not init_by_array.
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        mti = N;
    }

    /** The next 32 random bits, as an unsigned value in an int. */
    public int nextInt32() {
        if (mti >= N) {
            generate();
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void generate() {
        int kk;
        for (kk = 0; kk < N - M; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        for (; kk < N - 1; kk++) {
            int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        mti = 0;
    }

    /** A uniform double in [0, 1) with 53 random bits ({@code random_sample}). */
    public double nextDouble() {
        long a = Integer.toUnsignedLong(nextInt32()) >>> 5;
        long b = Integer.toUnsignedLong(nextInt32()) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** A standard normal draw ({@code randn}, NumPy's legacy polar method). */
    public double nextGaussian() {
        if (hasGauss) {
            hasGauss = false;
            return gauss;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * nextDouble() - 1.0;
            x2 = 2.0 * nextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /** {@code count} standard normal draws in order ({@code randn(count)}; a C-order array's flat order). */
    public double[] gaussians(int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = nextGaussian();
        }
        return out;
    }

    /** A uniform integer in [0, max] by NumPy's masked rejection ({@code random_interval}). */
    public long nextInterval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        mask |= mask >>> 32;
        long value;
        if (max <= 0xffffffffL) {
            do {
                value = Integer.toUnsignedLong(nextInt32()) & mask;
            } while (value > max);
        } else {
            do {
                long hi = Integer.toUnsignedLong(nextInt32());
                long lo = Integer.toUnsignedLong(nextInt32());
                value = ((hi << 32) | lo) & mask;
            } while (Long.compareUnsigned(value, max) > 0);
        }
        return value;
    }

    /** Shuffles {@code count} items in place as {@code RandomState.shuffle} does, through {@code swap(i, j)}. */
    public void shuffle(int count, Swapper swap) {
        for (int i = count - 1; i > 0; i--) {
            int j = (int) nextInterval(i);
            swap.swap(i, j);
        }
    }

    /** {@code permutation(count)}: 0..count−1 in NumPy's shuffled order. */
    public int[] permutation(int count) {
        int[] p = new int[count];
        for (int i = 0; i < count; i++) {
            p[i] = i;
        }
        shuffle(count, (i, j) -> {
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        });
        return p;
    }

    /** Exchanges two items of whatever is being shuffled. */
    @FunctionalInterface
    public interface Swapper {
        /** Swaps items {@code i} and {@code j}. */
        void swap(int i, int j);
    }
}
