package dev.unroll.solvers.gradients;

import dev.unroll.solvers.HostMatrix;

/** The few dense host products the smooth min–min problems need (column-major {@link HostMatrix}). */
final class Dense {
    private Dense() {
    }

    /** D v. */
    static double[] times(HostMatrix d, double[] v) {
        int n = d.rows();
        double[] out = new double[n];
        double[] a = d.values();
        for (int j = 0; j < d.cols(); j++) {
            double vj = v[j];
            if (vj != 0) {
                for (int i = 0; i < n; i++) {
                    out[i] += a[j * n + i] * vj;
                }
            }
        }
        return out;
    }

    /** Dᵀ v. */
    static double[] timesTransposed(HostMatrix d, double[] v) {
        int n = d.rows();
        double[] out = new double[d.cols()];
        double[] a = d.values();
        for (int j = 0; j < d.cols(); j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[j * n + i] * v[i];
            }
            out[j] = s;
        }
        return out;
    }

    /** D z − x. */
    static double[] residual(HostMatrix d, double[] z, double[] x) {
        double[] r = times(d, z);
        for (int i = 0; i < r.length; i++) {
            r[i] -= x[i];
        }
        return r;
    }

    /** Dᵀ diag(w) D / (w == null ? n : 1) + reg·I, p×p column-major; w null means the 1/n-scaled Gram. */
    static double[] weightedGram(HostMatrix d, double[] w, double reg) {
        int n = d.rows();
        int p = d.cols();
        double[] a = d.values();
        double[] h = new double[p * p];
        for (int k = 0; k < p; k++) {
            for (int l = 0; l <= k; l++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += a[k * n + i] * a[l * n + i] * (w == null ? 1.0 / n : w[i]);
                }
                h[k * p + l] = s;
                h[l * p + k] = s;
            }
            h[k * p + k] += reg;
        }
        return h;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return Math.sqrt(s);
    }
}
