package dev.unroll.solvers.jacobian;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;

/**
 * The iterates z_0 = 0, …, z_T of ISTA with step 1/L for one signal y (PLIPY {@code jacobian.py:ista}), on the
 * host in double precision: a single n-dimensional signal costs O(nm) per iteration, far less than the
 * Jacobian recursion it feeds, and the recursion needs every iterate.
 */
public final class IstaPath {
    private final HostMatrix d;
    private final double[] y;
    private final double lambda;
    private final double lipschitz;
    private final double[][] iterates;

    private IstaPath(HostMatrix d, double[] y, double lambda, double lipschitz, double[][] iterates) {
        this.d = d;
        this.y = y;
        this.lambda = lambda;
        this.lipschitz = lipschitz;
        this.iterates = iterates;
    }

    /**
     * Runs {@code iterations} ISTA steps z ← ST(z − Dᵀ(Dz − y)/L, λ/L) from 0.
     *
     * @param lipschitz L, held constant (the recursion does not differentiate it)
     */
    public static IstaPath run(HostMatrix d, double[] y, double lambda, double lipschitz, int iterations) {
        if (d == null || y == null) {
            throw new InvalidArgumentException("an ISTA path needs a dictionary and a signal");
        }
        if (y.length != d.rows()) {
            throw new ShapeMismatchException("the signal has " + y.length + " entries but D has " + d.rows() + " rows");
        }
        if (!(lambda > 0) || !(lipschitz > 0) || iterations < 0) {
            throw new InvalidArgumentException("an ISTA path needs λ > 0, L > 0 and iterations ≥ 0, but got λ=" + lambda
                    + ", L=" + lipschitz + ", iterations=" + iterations);
        }
        int n = d.rows();
        int m = d.cols();
        double[] a = d.values();
        double[][] path = new double[iterations + 1][];
        double[] z = new double[m];
        path[0] = z;
        double[] r = new double[n];
        double tau = lambda / lipschitz;
        for (int t = 1; t <= iterations; t++) {
            for (int i = 0; i < n; i++) {
                r[i] = -y[i];
            }
            for (int k = 0; k < m; k++) {
                if (z[k] != 0) {
                    for (int i = 0; i < n; i++) {
                        r[i] += a[k * n + i] * z[k];
                    }
                }
            }
            double[] next = new double[m];
            for (int k = 0; k < m; k++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += a[k * n + i] * r[i];
                }
                double u = z[k] - s / lipschitz;
                double mag = Math.abs(u) - tau;
                next[k] = mag > 0 ? Math.signum(u) * mag : 0;
            }
            path[t] = next;
            z = next;
        }
        return new IstaPath(d, y.clone(), lambda, lipschitz, path);
    }

    /** The dictionary. */
    public HostMatrix dictionary() {
        return d;
    }

    /** The signal (a copy). */
    public double[] signal() {
        return y.clone();
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** L. */
    public double lipschitz() {
        return lipschitz;
    }

    /** T, the iterations run. */
    public int iterations() {
        return iterates.length - 1;
    }

    /** z_t (a copy). */
    public double[] iterate(int t) {
        return iterates[t].clone();
    }

    double[] shared(int t) {
        return iterates[t];
    }

    /** |supp(z_t) Δ supp(ref)|, the Hamming distance between supports (PLIPY {@code distance_support}). */
    public int supportDistance(int t, double[] ref) {
        int count = 0;
        double[] z = iterates[t];
        for (int k = 0; k < z.length; k++) {
            if ((z[k] != 0) != (ref[k] != 0)) {
                count++;
            }
        }
        return count;
    }

    /** The first t from which the support of z_t equals that of {@code ref} up to T, or −1 if it never settles. */
    public int supportIdentifiedAt(double[] ref) {
        int last = -1;
        for (int t = iterations(); t >= 0; t--) {
            if (supportDistance(t, ref) != 0) {
                break;
            }
            last = t;
        }
        return last;
    }
}
