package dev.unroll.solvers.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward-mode recursion J_t = ∂z_t/∂D_l on the backend under test against central finite differences
 * of unrolled ISTA (L held fixed, as the recursion does), the closed form J* against finite differences of
 * the converged solution, and truncation: depth t from iteration 0 is the full recursion.
 */
class RowJacobiansOnBackendTest {
    private static final int N_DIM = 5;
    private static final int ATOMS = 8;
    private static final double LAMBDA = 0.1;
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
        return new HostMatrix(N_DIM, ATOMS, new NumpyRandom(21).gaussians(N_DIM * ATOMS));
    }

    private static double[] signal() {
        return new NumpyRandom(22).gaussians(N_DIM);
    }

    @Test
    void recursionMatchesFiniteDifferencesOfUnrolledIsta() {
        HostMatrix d = dictionary();
        double[] y = signal();
        double l = Spectral.lipschitz(d.values(), N_DIM, ATOMS);
        int t = 12;
        IstaPath path = IstaPath.run(d, y, LAMBDA, l, t);
        HostMatrix jac;
        try (RowJacobians rj = new RowJacobians(be, d, l)) {
            rj.run(path, 0, t, null, null);
            jac = rj.current();
        }
        double eps = 1e-7;
        for (int row = 0; row < N_DIM; row++) {
            for (int k = 0; k < ATOMS; k++) {
                double[] up = perturbed(d, row, k, eps);
                double[] down = perturbed(d, row, k, -eps);
                double[] zu = IstaPath.run(new HostMatrix(N_DIM, ATOMS, up), y, LAMBDA, l, t).iterate(t);
                double[] zd = IstaPath.run(new HostMatrix(N_DIM, ATOMS, down), y, LAMBDA, l, t).iterate(t);
                for (int a = 0; a < ATOMS; a++) {
                    double fd = (zu[a] - zd[a]) / (2 * eps);
                    assertEquals(fd, jac.get(a, row * ATOMS + k), 1e-6, "∂z_" + a + "/∂D[" + row + "," + k + "]");
                }
            }
        }
    }

    @Test
    void closedFormMatchesFiniteDifferencesOfTheSolution() {
        HostMatrix d = dictionary();
        double[] y = signal();
        double l = Spectral.lipschitz(d.values(), N_DIM, ATOMS);
        int iters = 30_000;
        double[] zStar = IstaPath.run(d, y, LAMBDA, l, iters).iterate(iters);
        HostMatrix jStar = ClosedFormJacobian.compute(d, y, zStar);
        double eps = 1e-6;
        for (int row = 0; row < N_DIM; row++) {
            for (int k = 0; k < ATOMS; k++) {
                double[] zu = IstaPath.run(new HostMatrix(N_DIM, ATOMS, perturbed(d, row, k, eps)), y, LAMBDA, l, iters)
                        .iterate(iters);
                double[] zd = IstaPath.run(new HostMatrix(N_DIM, ATOMS, perturbed(d, row, k, -eps)), y, LAMBDA, l,
                        iters).iterate(iters);
                for (int a = 0; a < ATOMS; a++) {
                    double fd = (zu[a] - zd[a]) / (2 * eps);
                    assertEquals(fd, jStar.get(a, row * ATOMS + k), 1e-5, "J*: ∂z*_" + a + "/∂D[" + row + "," + k + "]");
                }
            }
        }
    }

    @Test
    void recursionConvergesToTheClosedFormAndTruncationFromZeroIsFull() {
        HostMatrix d = dictionary();
        double[] y = signal();
        double l = Spectral.lipschitz(d.values(), N_DIM, ATOMS);
        int iters = 3000;
        IstaPath path = IstaPath.run(d, y, LAMBDA, l, iters);
        HostMatrix jStar = ClosedFormJacobian.compute(d, y, path.iterate(iters));
        try (RowJacobians rj = new RowJacobians(be, d, l)) {
            rj.setTarget(jStar);
            double[][] seen = new double[1][];
            rj.run(path, 0, iters, new int[]{iters}, t -> seen[0] = rj.errorsTo());
            for (double e : seen[0]) {
                assertEquals(0, e, 1e-8);
            }
            rj.run(path, 0, 40, null, null);
            HostMatrix full = rj.current();
            rj.run(path, 30, 40, null, null);
            HostMatrix truncated = rj.current();
            double diff = 0;
            for (int i = 0; i < full.values().length; i++) {
                diff = Math.max(diff, Math.abs(full.values()[i] - truncated.values()[i]));
            }
            assertEquals(true, diff > 0, "truncation at depth 10 < 40 changes the Jacobian");
        }
    }

    private static double[] perturbed(HostMatrix d, int row, int col, double eps) {
        double[] v = d.values().clone();
        v[col * N_DIM + row] += eps;
        return v;
    }
}
