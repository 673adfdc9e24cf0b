package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.Oracle;
import dev.unroll.tck.support.Placement;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Soft-thresholding with a scalar or per-row threshold, with and without the mask output, in place or not.
 * Inputs include exact zeros and exact ties |u| = τ (thresholds are binary fractions, so ties survive F32),
 * where the mask must be 0 (strict |u| &gt; τ) and the value 0; negative thresholds widen, as in ADOPTY. The
 * reverse ({@code softThresholdBackward}) on the same inputs: ∂ℓ/∂u = 1{|u| &gt; τ} ⊙ ∂ℓ/∂out exactly, and the row
 * sums of sign(u)·∂ℓ/∂u.
 */
public class SoftThresholdConformance extends ConformanceBase {
    static final int[] ROWS = {1, 7, 64, 207, 1021};
    static final int[] COLS = {1, 3, 17};
    static final double[] SCALAR_TAUS = {0, 0.25, 10, -0.125};

    static Stream<Arguments> combinations() {
        List<Arguments> args = new ArrayList<>();
        for (DType t : DType.values()) {
            for (boolean perRow : new boolean[]{false, true}) {
                for (boolean mask : new boolean[]{false, true}) {
                    for (boolean inPlace : new boolean[]{false, true}) {
                        args.add(Arguments.of(t, perRow, mask, inPlace));
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} perRow={1} mask={2} inPlace={3}")
    @MethodSource("combinations")
    void thresholdsLikeTheFormula(DType t, boolean perRow, boolean withMask, boolean inPlace) {
        SplittableRandom rng = new SplittableRandom(t.ordinal() * 8L + (perRow ? 4 : 0) + (withMask ? 2 : 0) + (inPlace ? 1 : 0));
        int variant = 0;
        for (int r : ROWS) {
            for (int c : COLS) {
                for (double scalarTau : perRow ? new double[]{0.5} : SCALAR_TAUS) {
                    double[] tau = new double[r];
                    HostMatrix theta = new HostMatrix(r, 1);
                    for (int i = 0; i < r; i++) {
                        theta.data[i] = perRow ? (rng.nextInt(80) - 16) / 64.0 : 0;
                        tau[i] = perRow ? scalarTau * theta.data[i] : scalarTau;
                    }
                    HostMatrix u = HostMatrix.uniform(r, c, -2, 2, rng).roundedTo(t);
                    for (int j = 0; j < c; j++) {
                        int i = rng.nextInt(r);
                        u.set(i, j, switch (j % 3) {
                            case 0 -> 0.0;
                            case 1 -> tau[i];
                            default -> -tau[i];
                        });
                    }
                    check(t, u, perRow ? theta : null, scalarTau, tau, withMask, inPlace, variant++, rng);
                }
            }
        }
    }

    private void check(DType t, HostMatrix u, HostMatrix theta, double scale, double[] tau, boolean withMask,
                       boolean inPlace, int variant, SplittableRandom rng) {
        HostMatrix expected = new HostMatrix(u.rows, u.cols);
        HostMatrix magnitude = new HostMatrix(u.rows, u.cols);
        for (int j = 0; j < u.cols; j++) {
            for (int i = 0; i < u.rows; i++) {
                expected.set(i, j, Oracle.softThreshold(u.get(i, j), tau[i]));
                magnitude.set(i, j, Math.abs(u.get(i, j)) + Math.abs(tau[i]));
            }
        }
        String what = t + " soft-threshold " + u.shape() + (theta != null ? " per-row ×" + scale : " τ=" + scale)
                + (inPlace ? " in place" : "") + (withMask ? " with mask" : "");
        Placement pu = Placement.of(backend, u, t, variant, rng);
        Placement pout = inPlace ? pu : Placement.of(backend, new HostMatrix(u.rows, u.cols), t, variant + 1, rng);
        Matrix mask = withMask ? backend.allocate(t, u.rows, u.cols) : null;
        Matrix thetaM = theta == null ? null : theta.upload(backend, t);
        try {
            if (theta == null) {
                backend.softThreshold(pu.matrix(), scale, pout.matrix(), mask);
            } else {
                backend.softThreshold(pu.matrix(), thetaM, scale, pout.matrix(), mask);
            }
            HostMatrix out = pout.read();
            Close.rounding(expected, magnitude, out, t, 1, 2, what);
            pout.assertSurroundingsUntouched(what);
            for (int j = 0; j < u.cols; j++) {
                for (int i = 0; i < u.rows; i++) {
                    double a = Math.abs(u.get(i, j));
                    if (a == tau[i] || a == 0) {
                        Assertions.assertEquals(0.0, Math.abs(out.get(i, j)), what + ": ST at a tie or zero (" + i + ", " + j
                                + ") must be exactly 0");
                    }
                }
            }
            if (withMask) {
                HostMatrix m = HostMatrix.download(backend, mask);
                for (int j = 0; j < u.cols; j++) {
                    for (int i = 0; i < u.rows; i++) {
                        double a = Math.abs(u.get(i, j));
                        boolean clear = Math.abs(a - tau[i]) > 8 * t.unitRoundoff() * (a + Math.abs(tau[i])) || a == tau[i];
                        if (clear) {
                            Assertions.assertEquals(a > tau[i] ? 1.0 : 0.0, m.get(i, j), what + ": mask at (" + i + ", " + j
                                    + ") for |u| = " + a + ", τ = " + tau[i] + " (strict |u| > τ)");
                        }
                    }
                }
            }
            if (!inPlace) {
                Assertions.assertArrayEquals(u.data, pu.read().data, what + ": u was modified");
            }
        } finally {
            pu.close();
            if (!inPlace) {
                pout.close();
            }
            if (mask != null) {
                mask.close();
            }
            if (thetaM != null) {
                thetaM.close();
            }
        }
    }

    @ParameterizedTest(name = "{0} perRow={1} sums={2} inPlace={3}")
    @MethodSource("combinations")
    void reverseMasksLikeTheFormula(DType t, boolean perRow, boolean withSums, boolean inPlace) {
        SplittableRandom rng = new SplittableRandom(100 + t.ordinal() * 8L + (perRow ? 4 : 0) + (withSums ? 2 : 0)
                + (inPlace ? 1 : 0));
        int variant = 0;
        for (int r : ROWS) {
            for (int c : COLS) {
                for (double scalarTau : perRow ? new double[]{0.5} : SCALAR_TAUS) {
                    double[] tau = new double[r];
                    HostMatrix theta = new HostMatrix(r, 1);
                    for (int i = 0; i < r; i++) {
                        theta.data[i] = perRow ? (rng.nextInt(80) - 16) / 64.0 : 0;
                        tau[i] = perRow ? scalarTau * theta.data[i] : scalarTau;
                    }
                    HostMatrix u = HostMatrix.uniform(r, c, -2, 2, rng).roundedTo(t);
                    for (int j = 0; j < c; j++) {
                        int i = rng.nextInt(r);
                        u.set(i, j, j % 2 == 0 ? 0.0 : (j % 4 == 1 ? tau[i] : -tau[i]));
                    }
                    HostMatrix g = HostMatrix.gaussian(r, c, rng).roundedTo(t);
                    checkReverse(t, u, g, perRow ? theta : null, scalarTau, tau, withSums, inPlace, variant++, rng);
                }
            }
        }
    }

    private void checkReverse(DType t, HostMatrix u, HostMatrix g, HostMatrix theta, double scale, double[] tau,
                              boolean withSums, boolean inPlace, int variant, SplittableRandom rng) {
        HostMatrix expected = new HostMatrix(u.rows, u.cols);
        double[] sums = new double[u.rows];
        double[] magnitude = new double[u.rows];
        for (int j = 0; j < u.cols; j++) {
            for (int i = 0; i < u.rows; i++) {
                double v = Math.abs(u.get(i, j)) > tau[i] ? g.get(i, j) : 0;
                expected.set(i, j, v);
                sums[i] += Math.signum(u.get(i, j)) * v;
                magnitude[i] += Math.abs(v);
            }
        }
        String what = t + " soft-threshold reverse " + u.shape() + (theta != null ? " per-row ×" + scale : " τ=" + scale)
                + (inPlace ? " in place" : "") + (withSums ? " with sign sums" : "");
        Placement pu = Placement.of(backend, u, t, variant, rng);
        Placement pg = Placement.of(backend, g, t, variant + 1, rng);
        Placement pout = inPlace ? pg : Placement.of(backend, new HostMatrix(u.rows, u.cols), t, variant + 2, rng);
        Matrix signSums = withSums ? backend.allocate(t, u.rows, 1) : null;
        Matrix thetaM = theta == null ? null : theta.upload(backend, t);
        try {
            if (theta == null) {
                backend.softThresholdBackward(pu.matrix(), scale, pg.matrix(), pout.matrix(), signSums);
            } else {
                backend.softThresholdBackward(pu.matrix(), thetaM, scale, pg.matrix(), pout.matrix(), signSums);
            }
            // A selection, not arithmetic: exact, +0 where masked off, and 0 at every tie |u| = τ.
            Assertions.assertArrayEquals(expected.data, pout.read().data, what + ": ∂ℓ/∂u");
            pout.assertSurroundingsUntouched(what);
            if (withSums) {
                HostMatrix got = HostMatrix.download(backend, signSums);
                for (int i = 0; i < u.rows; i++) {
                    Close.scalar(sums[i], got.get(i, 0), 4 * u.cols * t.unitRoundoff(), magnitude[i] + 1e-300,
                            what + ": Σ_j sign(u)·∂ℓ/∂u of row " + i);
                }
            }
            if (!inPlace) {
                Assertions.assertArrayEquals(g.data, pg.read().data, what + ": ∂ℓ/∂out was modified");
            }
            Assertions.assertArrayEquals(u.data, pu.read().data, what + ": u was modified");
        } finally {
            pu.close();
            pg.close();
            if (!inPlace) {
                pout.close();
            }
            if (signSums != null) {
                signSums.close();
            }
            if (thetaM != null) {
                thetaM.close();
            }
        }
    }
}
