package dev.unroll.solvers.gradients;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;

/**
 * The Cholesky factor of a symmetric positive definite k×k matrix (column-major doubles, on the host), for
 * the small linear solves of the implicit gradient g³ and of the closed-form Jacobian J*: Hessians of
 * strongly convex problems and Gram matrices D_SᵀD_S restricted to a support.
 */
public final class Cholesky {
    private final int k;
    private final double[] lower;

    private Cholesky(int k, double[] lower) {
        this.k = k;
        this.lower = lower;
    }

    /**
     * Factors {@code a} = LLᵀ (only its lower triangle is read; {@code a} is not changed).
     *
     * @throws InvalidArgumentException when the matrix is not (numerically) positive definite
     */
    public static Cholesky factor(double[] a, int k) {
        if (a == null || k < 0 || a.length != (long) k * k) {
            throw new ShapeMismatchException("Cholesky needs a k×k matrix with k·k values, but got k=" + k
                    + " and " + (a == null ? "null" : a.length + " values"));
        }
        double[] l = new double[k * k];
        for (int j = 0; j < k; j++) {
            double d = a[j * k + j];
            for (int p = 0; p < j; p++) {
                d -= l[p * k + j] * l[p * k + j];
            }
            if (!(d > 0)) {
                throw new InvalidArgumentException("the matrix is not positive definite (pivot " + j + " is " + d
                        + "); a Hessian or Gram matrix restricted to the support must be invertible");
            }
            double djj = Math.sqrt(d);
            l[j * k + j] = djj;
            for (int i = j + 1; i < k; i++) {
                double s = a[j * k + i];
                for (int p = 0; p < j; p++) {
                    s -= l[p * k + i] * l[p * k + j];
                }
                l[j * k + i] = s / djj;
            }
        }
        return new Cholesky(k, l);
    }

    /** The order k. */
    public int size() {
        return k;
    }

    /** x with A x = b (b is not changed). */
    public double[] solve(double[] b) {
        if (b.length != k) {
            throw new ShapeMismatchException("the right-hand side has " + b.length + " values but the matrix is "
                    + k + "×" + k);
        }
        double[] x = b.clone();
        for (int i = 0; i < k; i++) {
            double s = x[i];
            for (int p = 0; p < i; p++) {
                s -= lower[p * k + i] * x[p];
            }
            x[i] = s / lower[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--) {
            double s = x[i];
            for (int p = i + 1; p < k; p++) {
                s -= lower[i * k + p] * x[p];
            }
            x[i] = s / lower[i * k + i];
        }
        return x;
    }
}
