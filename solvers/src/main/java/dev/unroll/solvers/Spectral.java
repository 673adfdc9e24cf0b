package dev.unroll.solvers;

/**
 * Spectral quantities of a dictionary, computed on the host in double precision: the Lipschitz constant
 * {@code L = ‖D‖₂² = λ_max(DᵀD)} and its restriction {@code L_S = λ_max(D_SᵀD_S)} to a support. Both use the
 * smaller of the two Gram matrices (DᵀD is m×m, DDᵀ is n×n: they share their non-zero eigenvalues), and
 * the cyclic Jacobi method, which gives the largest eigenvalue to a few ulps without the slow convergence
 * power iteration shows when the top two eigenvalues are close.
 */
public final class Spectral {
    private Spectral() {
    }

    /** L = λ_max(DᵀD) for a column-major n×m dictionary. */
    public static double lipschitz(double[] d, int n, int m) {
        int[] all = new int[m];
        for (int k = 0; k < m; k++) {
            all[k] = k;
        }
        return restrictedLipschitz(d, n, all, m);
    }

    /**
     * L_S = λ_max(D_SᵀD_S) for the atoms listed in {@code support[0..size)}; 0 for an empty support.
     */
    public static double restrictedLipschitz(double[] d, int n, int[] support, int size) {
        if (size == 0) {
            return 0;
        }
        double[] gram;
        int k;
        if (size <= n) {
            k = size;
            gram = new double[k * k];
            for (int a = 0; a < k; a++) {
                int ca = support[a] * n;
                for (int b = 0; b <= a; b++) {
                    int cb = support[b] * n;
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += d[ca + i] * d[cb + i];
                    }
                    gram[a * k + b] = s;
                    gram[b * k + a] = s;
                }
            }
        } else {
            k = n;
            gram = new double[k * k];
            for (int s = 0; s < size; s++) {
                int c = support[s] * n;
                for (int a = 0; a < n; a++) {
                    double da = d[c + a];
                    for (int b = 0; b <= a; b++) {
                        gram[a * k + b] += da * d[c + b];
                    }
                }
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < a; b++) {
                    gram[b * k + a] = gram[a * k + b];
                }
            }
        }
        return largestEigenvalue(gram, k);
    }

    /** The largest eigenvalue of the symmetric k×k matrix {@code a} (destroyed), by cyclic Jacobi rotations. */
    public static double largestEigenvalue(double[] a, int k) {
        double[] eig = symmetricEigenvalues(a, k);
        double max = Double.NEGATIVE_INFINITY;
        for (double e : eig) {
            max = Math.max(max, e);
        }
        return max;
    }

    /** All eigenvalues of the symmetric k×k matrix {@code a} (destroyed), unordered. */
    public static double[] symmetricEigenvalues(double[] a, int k) {
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < k; p++) {
                diag += a[p * k + p] * a[p * k + p];
                for (int q = p + 1; q < k; q++) {
                    off += a[p * k + q] * a[p * k + q];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < k - 1; p++) {
                for (int q = p + 1; q < k; q++) {
                    double apq = a[p * k + q];
                    if (apq == 0) {
                        continue;
                    }
                    double app = a[p * k + p];
                    double aqq = a[q * k + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < k; r++) {
                        double arp = a[r * k + p];
                        double arq = a[r * k + q];
                        a[r * k + p] = c * arp - s * arq;
                        a[r * k + q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < k; r++) {
                        double apr = a[p * k + r];
                        double aqr = a[q * k + r];
                        a[p * k + r] = c * apr - s * aqr;
                        a[q * k + r] = s * apr + c * aqr;
                    }
                }
            }
        }
        double[] eig = new double[k];
        for (int p = 0; p < k; p++) {
            eig[p] = a[p * k + p];
        }
        return eig;
    }

    /**
     * λ_max by power iteration on DᵀD from a fixed start (all ones), to a relative change below
     * {@code tol} or {@code maxIter} iterations: the method PLIPY uses, kept for comparison with it.
     */
    public static double powerIteration(double[] d, int n, int m, int maxIter, double tol) {
        double[] v = new double[m];
        java.util.Arrays.fill(v, 1 / Math.sqrt(m));
        double[] dv = new double[n];
        double estimate = 0;
        for (int it = 0; it < maxIter; it++) {
            java.util.Arrays.fill(dv, 0);
            for (int k = 0; k < m; k++) {
                double vk = v[k];
                for (int i = 0; i < n; i++) {
                    dv[i] += d[k * n + i] * vk;
                }
            }
            double norm = 0;
            for (int k = 0; k < m; k++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += d[k * n + i] * dv[i];
                }
                v[k] = s;
                norm += s * s;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return 0;
            }
            for (int k = 0; k < m; k++) {
                v[k] /= norm;
            }
            if (Math.abs(norm - estimate) <= tol * norm) {
                return norm;
            }
            estimate = norm;
        }
        return estimate;
    }
}
