package dev.unroll.solvers.dictionary;

import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.gradients.UnrolledAlgorithm;

/**
 * The settings of one dictionary-learning run.
 *
 * @param method        AM, DDL or DDL+step
 * @param algorithm     the unrolled solver (PLIPY's default is FISTA)
 * @param iterations    N, the unrolled iterations
 * @param depth         the back-propagation depth K for DDL (0 &lt; K ≤ N), or −1 for full back-propagation
 * @param lambda        λ &gt; 0 (absolute, PLIPY's 0.1)
 * @param tolerance     stop a phase when |ΔF|/F &lt; tolerance (PLIPY: 1e-6)
 * @param maxIterations the most outer iterations per phase (PLIPY has none; a budget for this machine)
 * @param bound         the L of the steps α_i = s_i/L
 * @param dtype         the backend precision
 */
public record DlOptions(DlMethod method, UnrolledAlgorithm algorithm, int iterations, int depth, double lambda,
                        double tolerance, int maxIterations, LipschitzBound bound, DType dtype) {
    /** Checks the values. */
    public DlOptions {
        if (method == null || algorithm == null || bound == null || dtype == null) {
            throw new InvalidArgumentException("dictionary-learning options need a method, an algorithm, a bound and a "
                    + "dtype");
        }
        if (iterations < 1) {
            throw new InvalidArgumentException("at least one unrolled iteration is needed, but N = " + iterations);
        }
        if (depth == 0 || depth < -1 || depth > iterations) {
            throw new InvalidArgumentException("the back-propagation depth must be −1 (full) or in 1.." + iterations
                    + ", but is " + depth + " (AM is the method for depth 0)");
        }
        if (!(lambda > 0) || Double.isInfinite(lambda) || !(tolerance >= 0) || maxIterations < 1) {
            throw new InvalidArgumentException("need λ > 0, tolerance ≥ 0 and maxIterations ≥ 1, but got λ=" + lambda
                    + ", tolerance=" + tolerance + ", maxIterations=" + maxIterations);
        }
    }

    /** PLIPY's defaults for {@code method} with N unrolled iterations: FISTA, full BP, λ = 0.1, tol 1e-6, Frobenius L. */
    public static DlOptions plipy(DlMethod method, int iterations) {
        return new DlOptions(method, UnrolledAlgorithm.FISTA, iterations, -1, 0.1, 1e-6, 10_000,
                LipschitzBound.FROBENIUS, DType.F64);
    }

    /** The effective back-propagation depth: 0 for AM, N for full. */
    public int effectiveDepth() {
        return method == DlMethod.AM ? 0 : depth < 0 ? iterations : depth;
    }

    /** With another method. */
    public DlOptions withMethod(DlMethod m) {
        return new DlOptions(m, algorithm, iterations, depth, lambda, tolerance, maxIterations, bound, dtype);
    }

    /** With another unrolled solver. */
    public DlOptions withAlgorithm(UnrolledAlgorithm a) {
        return new DlOptions(method, a, iterations, depth, lambda, tolerance, maxIterations, bound, dtype);
    }

    /** With N unrolled iterations (the depth reset to full). */
    public DlOptions withIterations(int n) {
        return new DlOptions(method, algorithm, n, -1, lambda, tolerance, maxIterations, bound, dtype);
    }

    /** With back-propagation depth K (−1 = full). */
    public DlOptions withDepth(int k) {
        return new DlOptions(method, algorithm, iterations, k, lambda, tolerance, maxIterations, bound, dtype);
    }

    /** With λ. */
    public DlOptions withLambda(double l) {
        return new DlOptions(method, algorithm, iterations, depth, l, tolerance, maxIterations, bound, dtype);
    }

    /** With an outer-iteration budget per phase. */
    public DlOptions withMaxIterations(int max) {
        return new DlOptions(method, algorithm, iterations, depth, lambda, tolerance, max, bound, dtype);
    }

    /** With a relative-decrease tolerance. */
    public DlOptions withTolerance(double tol) {
        return new DlOptions(method, algorithm, iterations, depth, lambda, tol, maxIterations, bound, dtype);
    }

    /** With another L. */
    public DlOptions withBound(LipschitzBound b) {
        return new DlOptions(method, algorithm, iterations, depth, lambda, tolerance, maxIterations, b, dtype);
    }

    /** With another precision. */
    public DlOptions withDtype(DType t) {
        return new DlOptions(method, algorithm, iterations, depth, lambda, tolerance, maxIterations, bound, t);
    }
}
