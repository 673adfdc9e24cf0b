package dev.unroll.solvers.experiments;

/**
 * The NeurIPS 2019 paper's numbers as docs/science.md §6.2 gives them (read from the vector figures: about ±2 %
 * on linear axes and ±3 % of a decade on log axes), printed beside ours.
 */
final class PaperNumbers {
    private PaperNumbers() {
    }

    /** Fig 2: the thresholds on F − F*. */
    static final double[] FIG2_THRESHOLDS = {1e-3, 1e-6, 1e-9, 1e-12};
    /** Fig 2: first iteration below each threshold (Integer.MAX_VALUE = "&gt; 200"). */
    static final int[] FIG2_ISTA = {26, 119, 170, Integer.MAX_VALUE};
    static final int[] FIG2_FISTA = {9, 37, 64, 141};
    static final int[] FIG2_OISTA = {9, 42, 71, 92};

    /** Fig 4: the layers the paper's numbers are given at (1-based). */
    static final int[] FIG4_LAYERS = {1, 2, 5, 10, 15, 20};
    static final double[] FIG4_STEP_TIMES_L = {1.08, 1.78, 2.04, 2.50, 2.75, 2.96};
    static final double[] FIG4_MEDIAN_L_OVER_LS = {1.18, 1.30, 1.55, 1.77, 1.89, 1.98};

    /** Fig 5: layers and ‖Wᵀ − diag(θ)D‖_F. */
    static final int[] FIG5_LAYERS = {1, 5, 10, 20, 30, 40};
    static final double[] FIG5_COUPLING = {11.0, 3.69, 1.15, 0.317, 0.080, 0.0031};

    /** Fig 6: the depths of the table. */
    static final int[] FIG6_DEPTHS = {0, 1, 2, 5, 10, 15, 20, 25, 30};
    static final double[] FIG6_SIM_01_ISTA = {2.15, .645, .371, .185, .109, .0769, .058, .0456, .0369};
    static final double[] FIG6_SIM_08_ISTA = {.032, .0228, .0165, .00673, .00176, 5.3e-4, 1.8e-4, 6.5e-5, 2.5e-5};
    static final double[] FIG6_DIGITS_01_ISTA = {.675, .385, .354, .290, .227, .188, .162, .143, .129};
    static final double[] FIG6_DIGITS_08_ISTA = {.0215, .0180, .0164, .0137, .0115, .0101, .00915, .00841, .00781};

    /** Fig E.1: ζ, empirical L_S/L and the Marchenko–Pastur value. */
    static final double[] FIGE1_ZETA = {0, .11, .33, .56, .78, 1};
    static final double[] FIGE1_EMPIRICAL = {0.143, 0.31, 0.538, 0.711, 0.865, 1};
    static final double[] FIGE1_THEORY = {0.134, 0.333, 0.536, 0.703, 0.856, 1};

    /** "&gt; 200" style rendering of an iteration count. */
    static String iterations(int k, int budget) {
        return k == Integer.MAX_VALUE ? ">" + budget : Integer.toString(k);
    }
}
