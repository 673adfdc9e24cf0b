package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;

/** Argument checks and host transfers shared by the coders. */
final class CoderChecks {
    private CoderChecks() {
    }

    static void forwardArguments(Matrix d, Matrix x, double lambda, double[] alphas, int n, int m, int capacity,
                                 int iterations) {
        if (d == null || x == null || alphas == null) {
            throw new InvalidArgumentException("a forward pass needs D, X and the steps");
        }
        if (d.rows() != n || d.cols() != m) {
            throw new ShapeMismatchException("D must be " + n + "×" + m + " for this coder, but is " + d.shape());
        }
        if (x.rows() != n || x.cols() < 1 || x.cols() > capacity) {
            throw new ShapeMismatchException("X must have n = " + n + " rows and 1.." + capacity
                    + " columns (the coder's capacity), but is " + x.shape());
        }
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new InvalidArgumentException("λ must be finite and > 0, but is " + lambda);
        }
        if (alphas.length != iterations) {
            throw new ShapeMismatchException("one step per iteration is needed (" + iterations + "), but "
                    + alphas.length + " were given");
        }
        for (double a : alphas) {
            if (!Double.isFinite(a) || a == 0) {
                throw new InvalidArgumentException("every step must be finite and non-zero, but one is " + a);
            }
        }
    }

    static void backwardArguments(boolean recorded, Matrix gradOutput, Matrix gradD, double[] gradAlphas, int depth,
                                  int recordDepth, int n, int m, int batch, int iterations) {
        if (!recorded) {
            throw new InvalidArgumentException("no forward pass has run; call forward before backward");
        }
        if (depth < 0 || depth > recordDepth) {
            throw new InvalidArgumentException("the back-propagation depth must be in 0.." + recordDepth
                    + " (what the coder records), but is " + depth);
        }
        if (gradOutput == null || gradOutput.rows() != m || gradOutput.cols() != batch) {
            throw new ShapeMismatchException("∂ℓ/∂output must be " + m + "×" + batch + " (the last batch), but is "
                    + (gradOutput == null ? "null" : gradOutput.shape()));
        }
        if (gradD != null && (gradD.rows() != n || gradD.cols() != m)) {
            throw new ShapeMismatchException("gradD must be " + n + "×" + m + ", but is " + gradD.shape());
        }
        if (gradAlphas != null && gradAlphas.length != iterations) {
            throw new ShapeMismatchException("gradAlphas must hold " + iterations + " values, but holds "
                    + gradAlphas.length);
        }
    }
}
