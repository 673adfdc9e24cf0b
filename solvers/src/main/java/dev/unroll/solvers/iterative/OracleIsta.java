package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Spectral;

/**
 * Oracle ISTA (OISTA, SCIENCE.md §2 and Prop 3.1 of the NeurIPS 2019 paper) for one signal: at each
 * iteration it takes the step 1/L_S of the current support S (L_S = λ_max(D_SᵀD_S), from an oracle: its
 * cost is not the point), keeps the result only when its support stays inside S, and otherwise redoes the
 * step with 1/L. With S = ∅ it uses 1/L. The gradient steps run on the backend; the support test and L_S
 * on the host, since they are per-signal and small.
 */
public final class OracleIsta implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final Matrix residual;
    private final Matrix update;
    private final Matrix candidate;

    /** Work space for one signal. */
    public OracleIsta(LassoProblem problem) {
        this.problem = problem;
        this.be = problem.backend();
        this.residual = be.allocate(problem.dtype(), problem.signalDim(), 1);
        this.update = be.allocate(problem.dtype(), problem.atoms(), 1);
        this.candidate = be.allocate(problem.dtype(), problem.atoms(), 1);
    }

    /**
     * Iterates from {@code z} (m×1, updated in place) on the signal {@code x} (n×1).
     *
     * @return the objective per iteration and the step taken at each iteration (1/L_S or 1/L)
     */
    public Result solve(Matrix x, Matrix z, Stopping stopping) {
        Ista.checkBatch(x, z, 1);
        double stepL = 1 / problem.lipschitz();
        int m = problem.atoms();
        double[] costs = new double[stopping.maxIterations() + 1];
        double[] steps = new double[stopping.maxIterations()];
        costs[0] = problem.objective(x, z);
        int[] support = new int[m];
        int k = 0;
        boolean converged = false;
        while (k < stopping.maxIterations()) {
            double[] current = be.toDoubleArray(z);
            int size = 0;
            for (int a = 0; a < m; a++) {
                if (current[a] != 0) {
                    support[size++] = a;
                }
            }
            double step = size == 0 ? stepL
                    : 1 / Spectral.restrictedLipschitz(problem.hostDictionary().values(), problem.signalDim(), support, size);
            proxStep(x, z, step);
            if (step != stepL && !insideSupport(be.toDoubleArray(candidate), current)) {
                step = stepL;
                proxStep(x, z, step);
            }
            be.copy(candidate, z);
            steps[k] = step;
            k++;
            costs[k] = problem.objective(x, z);
            if (stopping.stalled(costs[k - 1], costs[k])) {
                converged = true;
                break;
            }
        }
        return new Result(new IterativeResult(java.util.Arrays.copyOf(costs, k + 1), converged),
                java.util.Arrays.copyOf(steps, k));
    }

    private void proxStep(Matrix x, Matrix z, double step) {
        Ista.gradientStep(be, problem, x, z, step, residual, update);
        be.softThreshold(update, problem.lambda() * step, candidate, null);
    }

    private static boolean insideSupport(double[] next, double[] current) {
        for (int a = 0; a < next.length; a++) {
            if (next[a] != 0 && current[a] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Frees the work matrices. */
    @Override
    public void close() {
        residual.close();
        update.close();
        candidate.close();
    }

    /**
     * OISTA's trace.
     *
     * @param run   the objective per iteration
     * @param steps the step used at each iteration
     */
    public record Result(IterativeResult run, double[] steps) {
    }
}
