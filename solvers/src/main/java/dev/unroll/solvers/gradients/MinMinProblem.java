package dev.unroll.solvers.gradients;

/**
 * A min–min problem ℓ(x) = min_z G(z, x) with G smooth and strongly convex in z (ICML 2020, docs/science.md §7),
 * on the host in double precision: its value, first derivatives and the Hessian products that the three
 * gradient estimators and gradient descent's reverse mode need. Vectors are plain arrays; z has
 * {@link #zDim()} entries, x has {@link #xDim()}.
 */
public interface MinMinProblem {
    /** The dimension of the inner variable z. */
    int zDim();

    /** The dimension of the outer variable x. */
    int xDim();

    /** G(z, x). */
    double value(double[] z, double[] x);

    /** ∇_z G(z, x). */
    double[] gradZ(double[] z, double[] x);

    /** ∇_x G(z, x). */
    double[] gradX(double[] z, double[] x);

    /** ∇²_zz G(z, x), zDim×zDim, column-major. */
    double[] hessianZZ(double[] z, double[] x);

    /** ∇²_zz G(z, x)·v. */
    double[] hessianZZTimes(double[] z, double[] x, double[] v);

    /** ∇²_xz G(z, x)·v: how ∇_x G moves when z moves along v (an xDim vector). */
    double[] hessianXZTimes(double[] z, double[] x, double[] v);

    /** The gradient-descent step 1/L, L a Lipschitz constant of ∇_z G (DIFFOPT's default step). */
    double step();
}
