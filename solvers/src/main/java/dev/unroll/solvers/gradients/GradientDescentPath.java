package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import java.util.ArrayList;
import java.util.List;

/**
 * The iterates z_0 = 0, z_1, …, z_T of gradient descent z_{t+1} = z_t − ρ∇_z G(z_t, x) on a min–min
 * problem, kept so that the reverse mode can run back through them (DIFFOPT's {@code transform} with
 * {@code requires_grad}).
 */
public final class GradientDescentPath {
    private final MinMinProblem problem;
    private final double[] x;
    private final double step;
    private final List<double[]> iterates = new ArrayList<>();

    private GradientDescentPath(MinMinProblem problem, double[] x, double step) {
        this.problem = problem;
        this.x = x;
        this.step = step;
    }

    /**
     * Runs {@code iterations} steps of size {@code step} from z_0 = 0.
     *
     * @throws InvalidArgumentException for a negative count or a step that is not finite and positive
     */
    public static GradientDescentPath run(MinMinProblem problem, double[] x, double step, int iterations) {
        if (problem == null || x == null) {
            throw new InvalidArgumentException("gradient descent needs a problem and an outer variable x");
        }
        if (x.length != problem.xDim()) {
            throw new ShapeMismatchException("x has " + x.length + " entries but the problem's x has "
                    + problem.xDim());
        }
        if (iterations < 0 || !(step > 0) || Double.isInfinite(step)) {
            throw new InvalidArgumentException("gradient descent needs iterations ≥ 0 and a finite step > 0, but got "
                    + iterations + " and " + step);
        }
        GradientDescentPath path = new GradientDescentPath(problem, x.clone(), step);
        double[] z = new double[problem.zDim()];
        path.iterates.add(z);
        for (int t = 0; t < iterations; t++) {
            double[] g = problem.gradZ(z, x);
            double[] next = new double[z.length];
            for (int k = 0; k < z.length; k++) {
                next[k] = z[k] - step * g[k];
            }
            path.iterates.add(next);
            z = next;
        }
        return path;
    }

    /** The problem. */
    public MinMinProblem problem() {
        return problem;
    }

    /** The outer variable x the path was run at. */
    public double[] x() {
        return x.clone();
    }

    /** The step ρ. */
    public double step() {
        return step;
    }

    /** The number of steps run, T. */
    public int iterations() {
        return iterates.size() - 1;
    }

    /** z_t (a copy), 0 ≤ t ≤ T. */
    public double[] iterate(int t) {
        return iterates.get(t).clone();
    }

    double[] iterateShared(int t) {
        return iterates.get(t);
    }

    double[] xShared() {
        return x;
    }
}
