package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Spectral;

/**
 * Oracle ISTA (OISTA, docs/science.md §2 and Prop 3.1 of the NeurIPS 2019 paper) for one signal: at each
 * iteration it takes the step 1/L_S of the current support S (L_S = λ_max(D_SᵀD_S), from an oracle: its
 * cost is not the point), keeps the result only when its support stays inside S, and otherwise redoes the
 * step with 1/L. With S = ∅ it uses 1/L. The gradient steps run on the backend; the support test and L_S
 * on the host, since they are per-signal and small.
 */
public final class OracleIsta implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final Matrix residual;
    private final Matrix gradient;
    private final Matrix update;
    private final Matrix candidate;
    private final ActiveColumns column;
    private final DualityGap gap;

    /** Work space for one signal. */
    public OracleIsta(LassoProblem problem) {
        this.problem = problem;
        this.be = problem.backend();
        this.residual = be.allocate(problem.dtype(), problem.signalDim(), 1);
        this.gradient = be.allocate(problem.dtype(), problem.atoms(), 1);
        this.update = be.allocate(problem.dtype(), problem.atoms(), 1);
        this.candidate = be.allocate(problem.dtype(), problem.atoms(), 1);
        this.column = new ActiveColumns(be, problem.dtype(), problem.signalDim(), problem.atoms(), 1);
        this.gap = new DualityGap(be, problem.lambda(), problem.signalDim(), problem.atoms());
    }

    /**
     * Iterates from {@code z} (m×1, updated in place) on the signal {@code x} (n×1).
     *
     * @return the objective per iteration and the step taken at each iteration (1/L_S or 1/L); with a
     *         tolerance, the signal stops after the step from the first iterate whose duality gap passes
     */
    public Result solve(Matrix x, Matrix z, Stopping stopping) {
        Ista.checkBatch(x, z, 1);
        double stepL = 1 / problem.lipschitz();
        int m = problem.atoms();
        double[] costs = new double[stopping.maxIterations() + 1];
        double[] steps = new double[stopping.maxIterations()];
        costs[0] = problem.objective(x, z);
        int[] support = new int[m];
        column.reset(1);
        if (stopping.perSignal()) {
            gap.start(x, stopping.tolerance());
        }
        Matrix[] kept = {z};
        int k = 0;
        while (k < stopping.maxIterations() && column.active() > 0) {
            double[] current = be.toDoubleArray(z);
            int size = 0;
            for (int a = 0; a < m; a++) {
                if (current[a] != 0) {
                    support[size++] = a;
                }
            }
            double step = size == 0 ? stepL
                    : 1 / Spectral.restrictedLipschitz(problem.hostDictionary().values(), problem.signalDim(), support, size);
            ProximalGradient.gradient(be, problem, x, z, residual, gradient);
            int passed = stopping.perSignal() ? gap.check(residual, gradient, z, column, column.done()) : 0;
            ProximalGradient.prox(be, problem, z, gradient, step, update, candidate);
            if (step != stepL && !insideSupport(be.toDoubleArray(candidate), current)) {
                step = stepL;
                ProximalGradient.prox(be, problem, z, gradient, step, update, candidate);
            }
            be.copy(candidate, z);
            steps[k] = step;
            k++;
            costs[k] = problem.objective(x, z);
            if (passed > 0) {
                column.retire(k, kept, new Matrix[0]);
            }
        }
        return new Result(column.finish(costs, k, z), java.util.Arrays.copyOf(steps, k));
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
        gradient.close();
        update.close();
        candidate.close();
        column.close();
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
