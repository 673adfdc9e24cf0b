package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.LassoProblem;

/**
 * ISTA on a batch: {@code z ← ST(z − (1/L)Dᵀ(Dz − x), λ/L)} for every column at once, through the backend's
 * GEMM and soft-threshold. Holds its work matrices for one batch size; close it to free them.
 */
public final class Ista implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final Matrix residual;
    private final Matrix update;
    private final int batch;

    /** Work space for batches of up to {@code batch} signals. */
    public Ista(LassoProblem problem, int batch) {
        this.problem = problem;
        this.be = problem.backend();
        this.batch = batch;
        this.residual = be.allocate(problem.dtype(), problem.signalDim(), batch);
        this.update = be.allocate(problem.dtype(), problem.atoms(), batch);
    }

    /**
     * Iterates from the codes in {@code z} (updated in place) on the signals {@code x}.
     *
     * @return the objective at the start and after every iteration
     */
    public IterativeResult solve(Matrix x, Matrix z, Stopping stopping) {
        checkBatch(x, z, batch);
        double step = 1 / problem.lipschitz();
        double[] costs = new double[stopping.maxIterations() + 1];
        costs[0] = problem.objective(x, z);
        int k = 0;
        boolean converged = false;
        while (k < stopping.maxIterations()) {
            step(x, z, step);
            k++;
            costs[k] = problem.objective(x, z);
            if (stopping.stalled(costs[k - 1], costs[k])) {
                converged = true;
                break;
            }
        }
        return new IterativeResult(java.util.Arrays.copyOf(costs, k + 1), converged);
    }

    /** One proximal gradient step of size {@code step} (threshold λ·step), in place on {@code z}. */
    void step(Matrix x, Matrix z, double step) {
        int b = x.cols();
        Matrix u = update.columns(0, b);
        gradientStep(be, problem, x, z, step, residual.columns(0, b), u);
        be.softThreshold(u, problem.lambda() * step, z, null);
    }

    /** u ← z − step·Dᵀ(Dz − x), with r as scratch. */
    static void gradientStep(Backend be, LassoProblem problem, Matrix x, Matrix z, double step, Matrix r, Matrix u) {
        be.copy(x, r);
        be.gemm(Transpose.NO, Transpose.NO, 1, problem.dictionary(), z, -1, r);
        be.copy(z, u);
        be.gemm(Transpose.YES, Transpose.NO, -step, problem.dictionary(), r, 1, u);
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
        update.close();
    }
}
