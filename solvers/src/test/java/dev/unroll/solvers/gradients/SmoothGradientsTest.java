package dev.unroll.solvers.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * g² against central finite differences of x ↦ G(z_t(x), x) (the function reverse mode differentiates), g³
 * at a converged z against finite differences of ℓ(x) = min_z G, and the ordering of the three errors, on
 * small ridge and logistic-regression problems.
 */
class SmoothGradientsTest {

    private static MinMinProblem problem(boolean logistic) {
        NumpyRandom rng = new NumpyRandom(3);
        HostMatrix d = new HostMatrix(6, 9, rng.gaussians(54));
        return logistic ? new LogisticRegression(d, 0.2) : new Ridge(d, 0.2);
    }

    private static double[] signal(int n) {
        return new NumpyRandom(5).gaussians(n);
    }

    private static double[] finiteDifference(Function<double[], Double> f, double[] x) {
        double[] g = new double[x.length];
        double eps = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += eps;
            down[i] -= eps;
            g[i] = (f.apply(up) - f.apply(down)) / (2 * eps);
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void automaticGradientIsTheDerivativeOfTheUnrolledValue(boolean logistic) {
        MinMinProblem p = problem(logistic);
        double[] x = signal(p.xDim());
        int t = 7;
        GradientDescentPath path = GradientDescentPath.run(p, x, p.step(), t);
        double[] g2 = ValueFunctionGradients.automatic(path, t);
        double[] fd = finiteDifference(v -> {
            GradientDescentPath q = GradientDescentPath.run(p, v, p.step(), t);
            return p.value(q.iterate(t), v);
        }, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(fd[i], g2[i], 1e-7, "∂/∂x_" + i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void implicitGradientAtTheOptimumIsTheValueFunctionGradient(boolean logistic) {
        MinMinProblem p = problem(logistic);
        double[] x = signal(p.xDim());
        Function<double[], double[]> solve = v -> GradientDescentPath.run(p, v, p.step(), 4000).iterate(4000);
        double[] zStar = solve.apply(x);
        double[] g3 = ValueFunctionGradients.implicitAt(p, zStar, x);
        double[] g1 = p.gradX(zStar, x);
        double[] fd = finiteDifference(v -> p.value(solve.apply(v), v), x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(fd[i], g3[i], 1e-7, "g³ ∂/∂x_" + i);
            assertEquals(g1[i], g3[i], 1e-9, "g¹ = g³ at z*");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void automaticAndImplicitEstimatesAreSuperEfficient(boolean logistic) {
        MinMinProblem p = problem(logistic);
        double[] x = signal(p.xDim());
        double[] zStar = GradientDescentPath.run(p, x, p.step(), 6000).iterate(6000);
        double[] gStar = p.gradX(zStar, x);
        int t = 25;
        GradientDescentPath path = GradientDescentPath.run(p, x, p.step(), t);
        double zErr = Dense.distance(path.iterate(t), zStar);
        double e1 = Dense.distance(ValueFunctionGradients.analytic(path, t), gStar);
        double e2 = Dense.distance(ValueFunctionGradients.automatic(path, t), gStar);
        double e3 = Dense.distance(ValueFunctionGradients.implicit(path, t), gStar);
        assertTrue(zErr < 0.1 && zErr > 1e-8, "|z_t − z*| = " + zErr);
        assertTrue(e2 < e1 && e3 < e1, "g¹ " + e1 + ", g² " + e2 + ", g³ " + e3);
        assertTrue(e3 < 10 * zErr * zErr, "g³ error " + e3 + " is O(|z_t − z*|²) = " + zErr * zErr);
    }
}
