package dev.unroll.solvers.tv;

import dev.unroll.engine.spi.TautString;
import dev.unroll.engine.spi.TautStringBackward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The taut-string prox against an independent solve of the same problem, its optimality certificate on long
 * signals, and its implicit backward against central finite differences (F64).
 */
class TautStringTest {

    /** prox by projected gradient on the dual, max_{|w| ≤ λ} −½‖x − Δᵀw‖², run until it no longer moves. */
    static double[] dualProjectedGradient(double[] x, double lambda) {
        int k = x.length;
        double[] w = new double[k - 1];
        double[] u = x.clone();
        for (int it = 0; it < 200_000; it++) {
            primal(x, w, u);
            double moved = 0;
            for (int i = 0; i < k - 1; i++) {
                // ‖ΔΔᵀ‖ ≤ 4, so 1/4 is a safe step.
                double next = Math.max(-lambda, Math.min(lambda, w[i] + 0.25 * (u[i + 1] - u[i])));
                moved = Math.max(moved, Math.abs(next - w[i]));
                w[i] = next;
            }
            if (moved == 0) {
                break;
            }
        }
        primal(x, w, u);
        return u;
    }

    /** u = x − Δᵀw with (Δᵀw)_j = w_{j−1} − w_j. */
    private static void primal(double[] x, double[] w, double[] u) {
        int k = x.length;
        for (int j = 0; j < k; j++) {
            double left = j > 0 ? w[j - 1] : 0;
            double right = j < k - 1 ? w[j] : 0;
            u[j] = x[j] - (left - right);
        }
    }

    private static double[] prox(double[] x, double lambda) {
        double[] out = new double[x.length];
        new TautString().prox(x, 0, x.length, lambda, out, 0);
        return out;
    }

    @Test
    void matchesTheDualSolveOnShortSignals() {
        Random rng = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int k = 2 + rng.nextInt(11);
            double[] x = new double[k];
            for (int i = 0; i < k; i++) {
                // Piecewise-constant plus noise, the case the networks see, and plain noise.
                x[i] = (trial % 2 == 0 ? (i < k / 2 ? 1 : -0.5) : 0) + rng.nextGaussian();
            }
            double lambda = Math.exp(rng.nextGaussian() - 1);
            double[] expected = dualProjectedGradient(x, lambda);
            double[] got = prox(x, lambda);
            for (int i = 0; i < k; i++) {
                assertEquals(expected[i], got[i], 1e-10, "trial " + trial + " k " + k + " λ " + lambda + " i " + i);
            }
        }
    }

    @Test
    void satisfiesTheOptimalityConditionsOnLongSignals() {
        Random rng = new Random(2);
        TautString ts = new TautString();
        for (int k : new int[] {2, 3, 17, 250, 1000, 10_000}) {
            for (double lambda : new double[] {1e-3, 0.1, 1, 30}) {
                double[] x = new double[k];
                double level = 0;
                for (int i = 0; i < k; i++) {
                    if (rng.nextDouble() < 0.05) {
                        level = rng.nextGaussian() * 3;
                    }
                    x[i] = level + rng.nextGaussian();
                }
                double[] u = new double[k];
                ts.prox(x, 0, k, lambda, u, 0);
                assertOptimal(x, u, lambda, "k " + k + " λ " + lambda);
            }
        }
    }

    /**
     * The certificate: w_i = Σ_{j≤i}(u_j − x_j) must satisfy |w_i| ≤ λ, w_i = λ·sign(u_{i+1} − u_i) at every
     * jump, and Σ(u − x) = 0. Exactly the KKT conditions of the prox, so no second solver is needed.
     */
    static void assertOptimal(double[] x, double[] u, double lambda, String what) {
        int k = x.length;
        double scale = 1e-10 * Math.max(1, lambda) * Math.sqrt(k);
        double w = 0;
        for (int i = 0; i < k - 1; i++) {
            w += u[i] - x[i];
            assertTrue(Math.abs(w) <= lambda + scale, what + ": |w_" + i + "| = " + Math.abs(w) + " > λ");
            double jump = u[i + 1] - u[i];
            if (jump != 0) {
                assertEquals(lambda * Math.signum(jump), w, scale, what + ": jump at " + i);
            }
        }
        w += u[k - 1] - x[k - 1];
        assertEquals(0, w, scale, what + ": the mean is kept");
    }

    @Test
    void aZeroThresholdIsTheIdentityAndALargeOneTheMean() {
        double[] x = {3, -1, 4, 1, -5, 9};
        assertEquals(x[2], prox(x, 0)[2]);
        double mean = (3 - 1 + 4 + 1 - 5 + 9) / 6.0;
        for (double v : prox(x, 100)) {
            assertEquals(mean, v, 1e-14);
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(3);
        double h = 1e-6;
        int checked = 0;
        for (int trial = 0; trial < 200; trial++) {
            int k = 2 + rng.nextInt(30);
            double[] x = new double[k];
            double[] g = new double[k];
            for (int i = 0; i < k; i++) {
                x[i] = (i < k / 3 ? 2 : 0) + rng.nextGaussian();
                g[i] = rng.nextGaussian();
            }
            double lambda = Math.exp(rng.nextGaussian() - 1);
            double[] u = prox(x, lambda);
            double[] gradX = new double[k];
            double gradLambda = TautStringBackward.backward(u, 0, g, 0, k, gradX, 0);
            // The prox is piecewise affine; skip the rare trial whose step crosses a kink (the jump set changes).
            if (!sameJumps(u, prox(x, lambda + h)) || !sameJumps(u, prox(x, lambda - h))) {
                continue;
            }
            assertEquals(directional(x, lambda, g, -1, h), gradLambda, 1e-7 * (1 + Math.abs(gradLambda)),
                    "∂/∂λ, trial " + trial);
            for (int i = 0; i < k; i++) {
                double[] xp = x.clone();
                xp[i] += h;
                double[] xm = x.clone();
                xm[i] -= h;
                if (!sameJumps(u, prox(xp, lambda)) || !sameJumps(u, prox(xm, lambda))) {
                    continue;
                }
                double fd = (dot(g, prox(xp, lambda)) - dot(g, prox(xm, lambda))) / (2 * h);
                assertEquals(fd, gradX[i], 1e-7 * (1 + Math.abs(fd)), "∂/∂x_" + i + ", trial " + trial);
                checked++;
            }
        }
        assertTrue(checked > 1000, "enough coordinates checked: " + checked);
    }

    private static double directional(double[] x, double lambda, double[] g, int unused, double h) {
        return (dot(g, prox(x, lambda + h)) - dot(g, prox(x, lambda - h))) / (2 * h);
    }

    private static boolean sameJumps(double[] a, double[] b) {
        for (int i = 0; i + 1 < a.length; i++) {
            if ((a[i + 1] == a[i]) != (Math.abs(b[i + 1] - b[i]) < 1e-12)) {
                return false;
            }
        }
        return true;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
