package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.LassoProblem;

/**
 * ISTA on a batch: {@code z ← ST(z − (1/L)Dᵀ(Dz − x), λ/L)} for every column at once, through the backend's
 * GEMM and soft-threshold, each signal stopped on its own ({@link Stopping}). Holds its work matrices for one
 * batch size; close it to free them.
 */
public final class Ista implements AutoCloseable {
    private static final Matrix[] NONE = {};

    private final LassoProblem problem;
    private final Backend be;
    private final Matrix residual;
    private final Matrix gradient;
    private final Matrix update;
    private final Matrix signals;
    private final ActiveColumns columns;
    private final DualityGap gap;
    private final int batch;

    /** Work space for batches of up to {@code batch} signals. */
    public Ista(LassoProblem problem, int batch) {
        this.problem = problem;
        this.be = problem.backend();
        this.batch = batch;
        int n = problem.signalDim();
        int m = problem.atoms();
        this.residual = be.allocate(problem.dtype(), n, batch);
        this.gradient = be.allocate(problem.dtype(), m, batch);
        this.update = be.allocate(problem.dtype(), m, batch);
        this.signals = be.allocate(problem.dtype(), n, batch);
        this.columns = new ActiveColumns(be, problem.dtype(), n, m, batch);
        this.gap = new DualityGap(be, problem.lambda(), n, m);
    }

    /**
     * Iterates from the codes in {@code z} (updated in place) on the signals {@code x}, each signal until it
     * converges or the budget runs out.
     *
     * @return the objective at the start and after every iteration, and per signal its iterations
     */
    public IterativeResult solve(Matrix x, Matrix z, Stopping stopping) {
        checkBatch(x, z, batch);
        int b = x.cols();
        double step = 1 / problem.lipschitz();
        DualityGap gap = null;
        Matrix xw = x;
        if (stopping.perSignal()) {
            // The signals are permuted with their codes as columns converge: work on a copy of them.
            xw = signals.columns(0, b);
            be.copy(x, xw);
            gap = this.gap;
            gap.start(x, stopping.tolerance());
        }
        columns.reset(b);
        double[] costs = new double[stopping.maxIterations() + 1];
        costs[0] = problem.objective(xw, z);
        Matrix[] kept = {xw, z};
        int k = 0;
        while (k < stopping.maxIterations() && columns.active() > 0) {
            int a = columns.active();
            Matrix za = z.columns(0, a);
            Matrix r = residual.columns(0, a);
            Matrix g = gradient.columns(0, a);
            ProximalGradient.gradient(be, problem, xw.columns(0, a), za, r, g);
            int passed = gap == null ? 0 : gap.check(r, g, za, columns, columns.done());
            ProximalGradient.prox(be, problem, za, g, step, update.columns(0, a), za);
            k++;
            costs[k] = problem.objective(xw, z);
            if (passed > 0) {
                columns.retire(k, kept, NONE);
            }
        }
        return columns.finish(costs, k, z);
    }

    /** One proximal gradient step of size {@code step} (threshold λ·step) on every column, in place on {@code z}. */
    void step(Matrix x, Matrix z, double step) {
        int b = x.cols();
        Matrix g = gradient.columns(0, b);
        ProximalGradient.gradient(be, problem, x, z, residual.columns(0, b), g);
        ProximalGradient.prox(be, problem, z, g, step, update.columns(0, b), z);
    }

    static void checkBatch(Matrix x, Matrix z, int batch) {
        if (x.cols() > batch || z.cols() != x.cols()) {
            throw new ShapeMismatchException("this solver was sized for batches of up to " + batch + " signals and Z "
                    + "must have one column per signal, but X is " + x.shape() + " and Z is " + z.shape());
        }
    }

    /** Frees the work matrices. */
    @Override
    public void close() {
        residual.close();
        gradient.close();
        update.close();
        signals.close();
        columns.close();
    }
}
