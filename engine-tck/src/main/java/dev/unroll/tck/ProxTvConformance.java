package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.Placement;
import dev.unroll.tck.support.TvCertificate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

/**
 * The 1-D total-variation prox of every column ({@code proxTv}) and its reverse ({@code proxTvBackward}).
 * The forward is certified by the KKT conditions of the prox ({@link TvCertificate}: closed form on the pieces
 * the output shows, dual feasibility, jump signs) to 1e-10 in F64 and 1e-4 in F32, on every layout, in place
 * and not, at sizes where cpu-vector splits the columns over its threads; edge cases: one-element signals,
 * λ = 0 (identity, exact), a λ beyond reach (each column's mean), constant columns. The reverse is checked
 * against central finite differences in F64 (in x and in λ), against the piece averages in both precisions,
 * and every output is the same bits twice.
 */
public class ProxTvConformance extends ConformanceBase {
    /** (k, cols): tiny, short, medium, and one with enough work for cpu-vector to split the columns. */
    static final int[][] SHAPES = {{2, 3}, {7, 5}, {64, 17}, {512, 160}};
    static final double[] LAMBDAS = {0.05, 0.5, 3};

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void outputIsCertifiedOptimal(DType t) {
        SplittableRandom rng = new SplittableRandom(31 + t.ordinal());
        double tol = t == DType.F64 ? 1e-10 : 1e-4;
        int variant = 0;
        for (int[] shape : SHAPES) {
            for (double lambda : LAMBDAS) {
                boolean inPlace = variant % 2 == 1;
                HostMatrix x = HostMatrix.gaussian(shape[0], shape[1], rng).roundedTo(t);
                String what = t + " proxTv " + x.shape() + " λ=" + lambda + (inPlace ? " in place" : "");
                HostMatrix out = run(t, x, lambda, inPlace, variant++, rng, what);
                for (int j = 0; j < x.cols; j++) {
                    certify(x.column(j), out.column(j), lambda, tol, what + " column " + j);
                }
            }
        }
    }

    private static void certify(double[] x, double[] u, double lambda, double tol, String what) {
        double scale = lambda;
        for (double v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] c = TvCertificate.closedForm(x, u, lambda);
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(u[i] - c[i]) <= tol * scale)) {
                Assertions.fail(what + ": element " + i + " is " + u[i] + " but the KKT closed form on its pieces gives "
                        + c[i] + " (tolerance " + tol * scale + ")");
            }
        }
        // w is a running sum of k terms: its rounding grows with k.
        double violation = TvCertificate.violation(x, u, c, lambda);
        Assertions.assertTrue(violation <= tol * scale * x.length, what + ": KKT conditions violated by "
                + violation + " (dual |w| > λ, a nonzero total, or a jump of the wrong sign)");
    }

    /** proxTv of {@code x} placed with {@code variant}, checking the layout's surroundings and the input. */
    private HostMatrix run(DType t, HostMatrix x, double lambda, boolean inPlace, int variant, SplittableRandom rng,
                           String what) {
        Placement px = Placement.of(backend, x, t, variant, rng);
        Placement pout = inPlace ? px : Placement.of(backend, new HostMatrix(x.rows, x.cols), t, variant + 1, rng);
        try {
            backend.proxTv(px.matrix(), lambda, pout.matrix());
            pout.assertSurroundingsUntouched(what);
            if (!inPlace) {
                Assertions.assertArrayEquals(x.data, px.read().data, what + ": the input was modified");
            }
            return pout.read();
        } finally {
            px.close();
            if (!inPlace) {
                pout.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void edgeCases(DType t) {
        SplittableRandom rng = new SplittableRandom(57 + t.ordinal());
        HostMatrix single = HostMatrix.gaussian(1, 9, rng).roundedTo(t);
        Assertions.assertArrayEquals(single.data, run(t, single, 2.5, false, 0, rng, t + " k = 1").data,
                t + " proxTv of one-element signals must be the identity");
        HostMatrix x = HostMatrix.gaussian(33, 6, rng).roundedTo(t);
        Assertions.assertArrayEquals(x.data, run(t, x, 0, false, 1, rng, t + " λ = 0").data,
                t + " proxTv with λ = 0 must be the identity, bit for bit");
        // Beyond reach: λ ≥ max_i |Σ_{l≤i}(x_l − mean)| (at most Σ|x|) makes one piece. The string's tube sits at
        // ±λ around the running sums, so the answer carries rounding of size u·λ, hence the tolerance below.
        double huge = 1e3;
        HostMatrix flat = run(t, x, huge, true, 2, rng, t + " huge λ");
        for (int j = 0; j < x.cols; j++) {
            double mean = 0;
            double magnitude = 0;
            for (double v : x.column(j)) {
                mean += v;
                magnitude = Math.max(magnitude, Math.abs(v));
            }
            mean /= x.rows;
            for (int i = 0; i < x.rows; i++) {
                Assertions.assertEquals(mean, flat.get(i, j), 4 * x.rows * t.unitRoundoff() * (magnitude + huge),
                        t + " proxTv with λ beyond reach must give each column's mean (column " + j + ")");
            }
        }
        HostMatrix constant = new HostMatrix(20, 4);
        for (int j = 0; j < constant.cols; j++) {
            for (int i = 0; i < constant.rows; i++) {
                constant.set(i, j, 0.375 * (j - 1));
            }
        }
        Assertions.assertArrayEquals(constant.data, run(t, constant, 0.7, false, 0, rng, t + " constant").data,
                t + " proxTv must leave constant columns as they are");
    }

    @Test
    void reverseMatchesCentralDifferencesF64() {
        SplittableRandom rng = new SplittableRandom(71);
        double lambda = 0.3;
        double h = 1e-6;
        int variant = 0;
        for (int[] shape : new int[][]{{5, 4}, {40, 4}, {300, 3}}) {
            for (boolean inPlace : new boolean[]{false, true}) {
                HostMatrix x = HostMatrix.gaussian(shape[0], shape[1], rng);
                HostMatrix g = HostMatrix.gaussian(shape[0], shape[1], rng);
                String what = "F64 proxTv reverse " + x.shape() + (inPlace ? " in place" : "");
                Reverse r = reverse(DType.F64, x, g, lambda, inPlace, variant++, rng, what);
                for (int trial = 0; trial < 3; trial++) {
                    HostMatrix d = HostMatrix.gaussian(x.rows, x.cols, rng);
                    double analytic = 0;
                    double magnitude = 0;
                    for (int i = 0; i < d.data.length; i++) {
                        analytic += r.gradIn.data[i] * d.data[i];
                        magnitude += Math.abs(r.gradIn.data[i] * d.data[i]);
                    }
                    double numeric = (loss(x.combine(1, h, d), g, lambda) - loss(x.combine(1, -h, d), g, lambda)) / (2 * h);
                    Assertions.assertEquals(numeric, analytic, 1e-6 * (magnitude + 1),
                            what + ": ⟨∂ℓ/∂x, d⟩ against central differences (trial " + trial + ")");
                }
                double gradLambda = 0;
                for (double v : r.lambdaGrads.data) {
                    gradLambda += v;
                }
                double numeric = (loss(x, g, lambda + h) - loss(x, g, lambda - h)) / (2 * h);
                Assertions.assertEquals(numeric, gradLambda, 1e-6 * (Math.abs(numeric) + 1),
                        what + ": Σ_j ∂ℓ/∂λ against central differences");
            }
        }
    }

    /** ℓ = ⟨g, proxTv(x, λ)⟩ on the backend. */
    private double loss(HostMatrix x, HostMatrix g, double lambda) {
        try (Matrix xm = x.upload(backend, DType.F64)) {
            backend.proxTv(xm, lambda, xm);
            HostMatrix u = HostMatrix.download(backend, xm);
            double s = 0;
            for (int i = 0; i < u.data.length; i++) {
                s += g.data[i] * u.data[i];
            }
            return s;
        }
    }

    private record Reverse(HostMatrix out, HostMatrix gradIn, HostMatrix lambdaGrads) {
    }

    /** Forward then reverse on the backend, with {@code g} = ∂ℓ/∂out placed with {@code variant}. */
    private Reverse reverse(DType t, HostMatrix x, HostMatrix g, double lambda, boolean inPlace, int variant,
                            SplittableRandom rng, String what) {
        Placement pg = Placement.of(backend, g, t, variant, rng);
        Placement pin = inPlace ? pg : Placement.of(backend, new HostMatrix(x.rows, x.cols), t, variant + 1, rng);
        try (Matrix out = x.upload(backend, t);
             Matrix lambdaGrads = backend.allocate(t, 1, x.cols)) {
            backend.proxTv(out, lambda, out);
            HostMatrix before = HostMatrix.download(backend, out);
            backend.proxTvBackward(out, pg.matrix(), pin.matrix(), lambdaGrads);
            pin.assertSurroundingsUntouched(what);
            Assertions.assertArrayEquals(before.data, HostMatrix.download(backend, out).data, what + ": out was modified");
            if (!inPlace) {
                Assertions.assertArrayEquals(g.data, pg.read().data, what + ": ∂ℓ/∂out was modified");
            }
            return new Reverse(before, pin.read(), HostMatrix.download(backend, lambdaGrads));
        } finally {
            pg.close();
            if (!inPlace) {
                pin.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void reverseAveragesOverPieces(DType t) {
        SplittableRandom rng = new SplittableRandom(83 + t.ordinal());
        int variant = 0;
        for (int[] shape : SHAPES) {
            HostMatrix x = HostMatrix.gaussian(shape[0], shape[1], rng).roundedTo(t);
            HostMatrix g = HostMatrix.gaussian(shape[0], shape[1], rng).roundedTo(t);
            String what = t + " proxTv reverse " + x.shape();
            Reverse r = reverse(t, x, g, 0.5, variant % 2 == 1, variant++, rng, what);
            for (int j = 0; j < x.cols; j++) {
                double[] u = r.out.column(j);
                double[] gj = g.column(j);
                double gradLambda = 0;
                double left = 0;
                double magnitude = 0;
                for (int start = 0, end; start < u.length; start = end) {
                    end = start + 1;
                    while (end < u.length && u[end] == u[start]) {
                        end++;
                    }
                    double right = end < u.length ? Math.signum(u[end] - u[start]) : 0;
                    double sum = 0;
                    double abs = 0;
                    for (int i = start; i < end; i++) {
                        sum += gj[i];
                        abs += Math.abs(gj[i]);
                    }
                    double mean = sum / (end - start);
                    for (int i = start; i < end; i++) {
                        Assertions.assertEquals(mean, r.gradIn.get(i, j), 4 * (end - start + 2) * t.unitRoundoff() * abs
                                / (end - start) + 1e-300, what + ": ∂ℓ/∂x at (" + i + ", " + j + ") is the mean over its piece");
                    }
                    gradLambda -= mean * (left - right);
                    magnitude += 2 * abs / (end - start);
                    left = right;
                }
                Assertions.assertEquals(gradLambda, r.lambdaGrads.get(0, j), 4 * u.length * t.unitRoundoff() * magnitude
                        + 1e-300, what + ": ∂ℓ/∂λ of column " + j);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void sameBitsTwice(DType t) {
        SplittableRandom rng = new SplittableRandom(97 + t.ordinal());
        int[] shape = SHAPES[SHAPES.length - 1];
        HostMatrix x = HostMatrix.gaussian(shape[0], shape[1], rng).roundedTo(t);
        HostMatrix g = HostMatrix.gaussian(shape[0], shape[1], rng).roundedTo(t);
        Reverse first = reverse(t, x, g, 0.4, false, 0, rng, t + " determinism");
        Reverse second = reverse(t, x, g, 0.4, false, 0, rng, t + " determinism");
        Assertions.assertArrayEquals(first.out.data, second.out.data, t + " proxTv: same input, different bits");
        Assertions.assertArrayEquals(first.gradIn.data, second.gradIn.data, t + " proxTvBackward ∂ℓ/∂x: different bits");
        Assertions.assertArrayEquals(first.lambdaGrads.data, second.lambdaGrads.data,
                t + " proxTvBackward ∂ℓ/∂λ: different bits");
    }

    @Test
    void frontDoorRejectsInvalidCalls() {
        try (Matrix u = backend.allocate(DType.F64, 6, 3);
             Matrix out = backend.allocate(DType.F64, 6, 3);
             Matrix wrong = backend.allocate(DType.F64, 5, 3);
             Matrix f32 = backend.allocate(DType.F32, 6, 3);
             Matrix lambdas = backend.allocate(DType.F64, 3, 1)) {
            Assertions.assertThrows(InvalidArgumentException.class, () -> backend.proxTv(u, -0.1, out), "λ < 0");
            Assertions.assertThrows(NonFiniteInputException.class, () -> backend.proxTv(u, Double.NaN, out), "λ NaN");
            Assertions.assertThrows(ShapeMismatchException.class, () -> backend.proxTv(u, 1, wrong), "output shape");
            Assertions.assertThrows(InvalidArgumentException.class, () -> backend.proxTv(u, 1, f32), "output precision");
            Assertions.assertThrows(ShapeMismatchException.class,
                    () -> backend.proxTvBackward(out, u, wrong, null), "gradIn shape");
            Assertions.assertThrows(ShapeMismatchException.class,
                    () -> backend.proxTvBackward(out, u, u, lambdas), "one ∂ℓ/∂λ per column: 1×cols");
            Assertions.assertThrows(InvalidArgumentException.class,
                    () -> backend.proxTvBackward(out, u, out, null), "gradIn may not overwrite the prox output");
        }
    }
}
