package dev.unroll.solvers.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dictionary gradients of the unrolled Lasso loss on the backend under test, in F64, against central
 * finite differences of a host re-implementation: g² (full and truncated back-propagation, ISTA and FISTA)
 * and the step gradients against F(D, z_N(D)) with the first N − K iterations frozen at the base D; g³ at a
 * converged code against the value function h(D) = F(D, z*(D)).
 */
class LassoGradientsOnBackendTest {
    private static final int N_DIM = 5;
    private static final int ATOMS = 7;
    private static final int BATCH = 4;
    private static final double LAMBDA = 0.15;
    private static Backend be;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    private static HostMatrix dictionary() {
        HostMatrix d = new HostMatrix(N_DIM, ATOMS, new NumpyRandom(7).gaussians(N_DIM * ATOMS));
        dev.unroll.solvers.dictionary.UnitNorm.normalizeColumns(d);
        return d;
    }

    private static HostMatrix signals() {
        return new HostMatrix(N_DIM, BATCH, new NumpyRandom(8).gaussians(N_DIM * BATCH));
    }

    private static double[] steps(HostMatrix d, int n) {
        double l = Spectral.lipschitz(d.values(), N_DIM, ATOMS);
        double[] a = new double[n];
        NumpyRandom rng = new NumpyRandom(9);
        for (int i = 0; i < n; i++) {
            a[i] = (0.8 + 0.6 * rng.nextDouble()) / l;
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"ISTA, 6, 6", "ISTA, 6, 2", "FISTA, 6, 6", "FISTA, 6, 3", "FISTA, 5, 1"})
    void unrolledGradientsMatchFiniteDifferences(UnrolledAlgorithm algo, int iterations, int depth) {
        HostMatrix d = dictionary();
        HostMatrix x = signals();
        double[] alphas = steps(d, iterations);
        double[] gD;
        double[] gA = new double[iterations];
        try (UnrolledLassoLoss loss = UnrolledLassoLoss.create(be, DType.F64, algo, N_DIM, ATOMS, BATCH, iterations,
                depth);
             Matrix dm = Uploads.upload(be, DType.F64, d);
             Matrix xm = Uploads.upload(be, DType.F64, x);
             Matrix g = be.allocate(DType.F64, N_DIM, ATOMS)) {
            double f = loss.valueAndGradient(dm, xm, LAMBDA, alphas, depth, g, gA);
            assertEquals(HostUnrolled.loss(algo, d, d, x, LAMBDA, alphas, iterations - depth), f, 1e-12);
            gD = be.toDoubleArray(g);
        }
        double eps = 1e-6;
        for (int k = 0; k < gD.length; k++) {
            HostMatrix up = copy(d);
            HostMatrix down = copy(d);
            up.values()[k] += eps;
            down.values()[k] -= eps;
            double fd = (HostUnrolled.loss(algo, d, up, x, LAMBDA, alphas, iterations - depth)
                    - HostUnrolled.loss(algo, d, down, x, LAMBDA, alphas, iterations - depth)) / (2 * eps);
            assertEquals(fd, gD[k], 1e-6 * Math.max(1, Math.abs(fd)), algo + " ∂/∂D[" + k + "]");
        }
        for (int i = 0; i < iterations; i++) {
            double[] up = alphas.clone();
            double[] down = alphas.clone();
            up[i] += eps * alphas[i];
            down[i] -= eps * alphas[i];
            double fd = (HostUnrolled.loss(algo, d, d, x, LAMBDA, up, iterations - depth)
                    - HostUnrolled.loss(algo, d, d, x, LAMBDA, down, iterations - depth)) / (2 * eps * alphas[i]);
            double expected = i < iterations - depth ? 0 : fd;
            assertEquals(expected, gA[i], 1e-6 * Math.max(1, Math.abs(fd)), algo + " ∂/∂α_" + i);
        }
    }

    @Test
    void implicitGradientAtTheSolutionMatchesTheValueFunction() {
        HostMatrix d = dictionary();
        HostMatrix x = signals();
        HostMatrix z = HostUnrolled.solve(d, x, LAMBDA);
        HostMatrix g3 = LassoImplicitGradient.compute(d, x, z, LAMBDA);
        HostMatrix g1 = LassoImplicitGradient.analytic(d, x, z);
        double eps = 1e-6;
        for (int k = 0; k < g3.values().length; k++) {
            HostMatrix up = copy(d);
            HostMatrix down = copy(d);
            up.values()[k] += eps;
            down.values()[k] -= eps;
            double fd = (HostUnrolled.objective(up, x, HostUnrolled.solve(up, x, LAMBDA), LAMBDA)
                    - HostUnrolled.objective(down, x, HostUnrolled.solve(down, x, LAMBDA), LAMBDA)) / (2 * eps);
            assertEquals(fd, g3.values()[k], 1e-6, "g³ ∂/∂D[" + k + "]");
            assertEquals(g1.values()[k], g3.values()[k], 1e-9, "g¹ = g³ at z*");
        }
    }

    private static HostMatrix copy(HostMatrix m) {
        return new HostMatrix(m.rows(), m.cols(), m.values().clone());
    }
}
