package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;

/**
 * FISTA (Beck &amp; Teboulle) on a batch, as ADOPTY's {@code fista.py}: the prox step at the extrapolated
 * point y, {@code t_{k+1} = (1 + √(1 + 4t_k²))/2}, {@code y = z_{k+1} + (t_k − 1)/t_{k+1}·(z_{k+1} − z_k)},
 * returning the prox point z. Unlike the reference it never aliases y and z (SCIENCE.md §10.1).
 */
public final class Fista implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final int batch;
    private final Matrix residual;
    private final Matrix update;
    private final Matrix extrapolated;
    private final Matrix previous;

    /** Work space for batches of up to {@code batch} signals. */
    public Fista(LassoProblem problem, int batch) {
        this.problem = problem;
        this.be = problem.backend();
        this.batch = batch;
        int m = problem.atoms();
        this.residual = be.allocate(problem.dtype(), problem.signalDim(), batch);
        this.update = be.allocate(problem.dtype(), m, batch);
        this.extrapolated = be.allocate(problem.dtype(), m, batch);
        this.previous = be.allocate(problem.dtype(), m, batch);
    }

    /** Iterates from {@code z} (updated in place, ends at the prox point). */
    public IterativeResult solve(Matrix x, Matrix z, Stopping stopping) {
        Ista.checkBatch(x, z, batch);
        double step = 1 / problem.lipschitz();
        double[] costs = new double[stopping.maxIterations() + 1];
        costs[0] = problem.objective(x, z);
        int b = x.cols();
        Matrix residual = this.residual.columns(0, b);
        Matrix update = this.update.columns(0, b);
        Matrix extrapolated = this.extrapolated.columns(0, b);
        Matrix previous = this.previous.columns(0, b);
        be.copy(z, extrapolated);
        double t = 1;
        int k = 0;
        boolean converged = false;
        while (k < stopping.maxIterations()) {
            be.copy(z, previous);
            Ista.gradientStep(be, problem, x, extrapolated, step, residual, update);
            be.softThreshold(update, problem.lambda() * step, z, null);
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double beta = (t - 1) / tNext;
            // y = z + β(z − z_prev) = (1 + β)z − β z_prev
            be.copy(z, extrapolated);
            be.scale(1 + beta, extrapolated);
            be.axpy(-beta, previous, extrapolated);
            t = tNext;
            k++;
            costs[k] = problem.objective(x, z);
            if (stopping.stalled(costs[k - 1], costs[k])) {
                converged = true;
                break;
            }
        }
        return new IterativeResult(java.util.Arrays.copyOf(costs, k + 1), converged);
    }

    /** Frees the work matrices. */
    @Override
    public void close() {
        residual.close();
        update.close();
        extrapolated.close();
        previous.close();
    }
}
