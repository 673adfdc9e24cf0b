package dev.unroll.cpu;

/**
 * Small per-thread arrays (thresholds, row sums, per-sample sums) reused from call to call, so a training
 * step allocates nothing for them. Slots are numbered by their user; the elementwise kernels take 0–7 and
 * the passes above them 8 and up, so a kernel never overwrites a caller's array. Contents are undefined
 * on return: every user writes before it reads.
 */
final class Scratch {
    static final int SOFT_THRESHOLD_HI = 0;
    static final int SOFT_THRESHOLD_LO = 1;
    static final int SOFT_THRESHOLD_CMP = 2;
    static final int MASK_CMP = 3;
    static final int MASK_PARTIAL = 4;
    static final int THRESHOLDS = 8;
    static final int LAYER_THRESHOLDS = 9;
    static final int SAMPLE_SQUARES = 10;
    static final int SAMPLE_L1 = 11;
    static final int SIGN_SUMS = 12;
    private static final int SLOTS = 13;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final float[][] floats = new float[SLOTS][0];
    private final double[][] doubles = new double[SLOTS][0];

    private Scratch() {
    }

    /** A float array of at least {@code n} elements in {@code slot}. */
    static float[] floats(int slot, int n) {
        Scratch s = LOCAL.get();
        if (s.floats[slot].length < n) {
            s.floats[slot] = new float[n];
        }
        return s.floats[slot];
    }

    /** A double array of at least {@code n} elements in {@code slot}. */
    static double[] doubles(int slot, int n) {
        Scratch s = LOCAL.get();
        if (s.doubles[slot].length < n) {
            s.doubles[slot] = new double[n];
        }
        return s.doubles[slot];
    }
}
