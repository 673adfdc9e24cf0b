package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;

/**
 * FISTA (Beck &amp; Teboulle) on a batch, as ADOPTY's {@code fista.py}: the prox step at the extrapolated
 * point y, {@code t_{k+1} = (1 + √(1 + 4t_k²))/2}, {@code y = z_{k+1} + (t_k − 1)/t_{k+1}·(z_{k+1} − z_k)},
 * returning the prox point z. Unlike the reference it never aliases y and z (docs/science.md §10.1).
 *
 * <p>Each signal stops on its own ({@link Stopping}): the duality gap is tested at y, where the gradient is
 * taken anyway, and a signal that passes keeps the prox point z_{k+1} = T(y_k), for which F(z_{k+1}) ≤ F(y_k)
 * (the prox step with 1/L never raises F), so it is certified too. FISTA is not monotone, so an objective
 * that rises is no reason to stop. Every active signal shares the momentum sequence t_k (they have all run
 * k iterations), so a signal's iterates are the same alone or in any batch.
 */
public final class Fista implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final int batch;
    private final Matrix residual;
    private final Matrix gradient;
    private final Matrix update;
    private final Matrix extrapolated;
    private final Matrix previous;
    private final Matrix signals;
    private final ActiveColumns columns;
    private final DualityGap gap;

    /** Work space for batches of up to {@code batch} signals. */
    public Fista(LassoProblem problem, int batch) {
        this.problem = problem;
        this.be = problem.backend();
        this.batch = batch;
        int n = problem.signalDim();
        int m = problem.atoms();
        this.residual = be.allocate(problem.dtype(), n, batch);
        this.gradient = be.allocate(problem.dtype(), m, batch);
        this.update = be.allocate(problem.dtype(), m, batch);
        this.extrapolated = be.allocate(problem.dtype(), m, batch);
        this.previous = be.allocate(problem.dtype(), m, batch);
        this.signals = be.allocate(problem.dtype(), n, batch);
        this.columns = new ActiveColumns(be, problem.dtype(), n, m, batch);
        this.gap = new DualityGap(be, problem.lambda(), n, m);
    }

    /** Iterates from {@code z} (updated in place, ends at the prox point), each signal until it converges. */
    public IterativeResult solve(Matrix x, Matrix z, Stopping stopping) {
        Ista.checkBatch(x, z, batch);
        int b = x.cols();
        double step = 1 / problem.lipschitz();
        Matrix xw = x;
        if (stopping.perSignal()) {
            // The signals are permuted with their codes as columns converge: work on a copy of them.
            xw = signals.columns(0, b);
            be.copy(x, xw);
            gap.start(x, stopping.tolerance());
        }
        columns.reset(b);
        double[] costs = new double[stopping.maxIterations() + 1];
        costs[0] = problem.objective(xw, z);
        Matrix y = extrapolated.columns(0, b);
        Matrix zPrevious = previous.columns(0, b);
        be.copy(z, y);
        Matrix[] kept = {xw, z};
        Matrix[] carried = {y, zPrevious};
        double t = 1;
        int k = 0;
        while (k < stopping.maxIterations() && columns.active() > 0) {
            int a = columns.active();
            Matrix za = z.columns(0, a);
            Matrix ya = y.columns(0, a);
            Matrix pa = zPrevious.columns(0, a);
            Matrix r = residual.columns(0, a);
            Matrix g = gradient.columns(0, a);
            be.copy(za, pa);
            ProximalGradient.gradient(be, problem, xw.columns(0, a), ya, r, g);
            int passed = stopping.perSignal() ? gap.check(r, g, ya, columns, columns.done()) : 0;
            ProximalGradient.prox(be, problem, ya, g, step, update.columns(0, a), za);
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double beta = (t - 1) / tNext;
            // y = z + β(z − z_prev) = (1 + β)z − β z_prev
            be.copy(za, ya);
            be.scale(1 + beta, ya);
            be.axpy(-beta, pa, ya);
            t = tNext;
            k++;
            costs[k] = problem.objective(xw, z);
            if (passed > 0) {
                columns.retire(k, kept, carried);
            }
        }
        return columns.finish(costs, k, z);
    }

    /** Frees the work matrices. */
    @Override
    public void close() {
        residual.close();
        gradient.close();
        update.close();
        extrapolated.close();
        previous.close();
        signals.close();
        columns.close();
    }
}
