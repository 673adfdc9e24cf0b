package dev.unroll.solvers.tv;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;

/**
 * Synthetic piecewise-constant 1-D signals as CARPET's {@code synthetic_1d_dataset} draws them
 * (docs/science.md §9), in the column convention: a Gaussian operator A (k×m) with unit rows, so Φ = Aᵀ has
 * unit columns; per sample, ⌊k·s⌋ random positions of z get Gaussian jumps (a position may repeat), u = Cz
 * (z₀ the offset), x = Φu plus Gaussian noise at the given SNR; then each x is scaled so that its
 * λ_max = 1 (the largest |(LA)(x − c·A1)| after removing the best constant fit), as the reference does.
 * Same distribution, not the same stream as numpy.
 *
 * @param operator Φ (m×k)
 * @param signals  x (m×n), one signal per column
 * @param truth    the clean u (k×n), before the λ_max scaling of x
 */
public record TvData(HostMatrix operator, HostMatrix signals, HostMatrix truth) {

    /**
     * {@code n} signals of length {@code k} seen through {@code m} measurements, jump density {@code s},
     * noiseless (the paper's snr = 0 dB is the noise level the reference draws; pass it with
     * {@link #generate(int, int, int, double, double, long)}).
     */
    public static TvData generate(int k, int m, int n, double s, long seed) {
        return generate(k, m, n, s, Double.POSITIVE_INFINITY, seed);
    }

    /** As {@link #generate(int, int, int, double, long)} with noise at {@code snrDb} (∞ = none). */
    public static TvData generate(int k, int m, int n, double s, double snrDb, long seed) {
        if (k < 2 || m < 1 || n < 1 || !(s > 0) || s > 1 || (int) (k * s) == 0) {
            throw new InvalidArgumentException("TV data needs k ≥ 2, m ≥ 1, n ≥ 1 and 0 < s ≤ 1 with ⌊k·s⌋ ≥ 1; got k="
                    + k + ", m=" + m + ", n=" + n + ", s=" + s);
        }
        NumpyRandom rng = new NumpyRandom(seed & 0xffffffffL);
        HostMatrix phi = HostMatrix.zeros(m, k);
        for (int row = 0; row < k; row++) {
            double norm = 0;
            double[] a = rng.gaussians(m);
            for (double v : a) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < m; j++) {
                phi.set(j, row, a[j] / norm);
            }
        }
        return sample(phi, n, s, snrDb, rng);
    }

    /** Signals for a given operator Φ (m×k), drawn as {@link #generate} draws them. */
    public static TvData sample(HostMatrix phi, int n, double s, double snrDb, NumpyRandom rng) {
        int m = phi.rows();
        int k = phi.cols();
        int jumps = (int) (k * s);
        HostMatrix x = HostMatrix.zeros(m, n);
        HostMatrix u = HostMatrix.zeros(k, n);
        HostMatrix lipschitzMatrix = TvProblem.multiply(phi, TvProblem.cumulative(k)); // Ψ = ΦC
        for (int col = 0; col < n; col++) {
            double[] z = new double[k];
            int[] where = new int[jumps];
            for (int j = 0; j < jumps; j++) {
                where[j] = (int) rng.nextInterval(k - 1);
            }
            for (int j = 0; j < jumps; j++) {
                z[where[j]] = rng.nextGaussian();
            }
            double level = 0;
            for (int i = 0; i < k; i++) {
                level += z[i];
                u.set(i, col, level);
            }
            double[] clean = new double[m];
            double signal = 0;
            for (int r = 0; r < m; r++) {
                double v = 0;
                for (int i = 0; i < k; i++) {
                    v += phi.get(r, i) * u.get(i, col);
                }
                clean[r] = v;
                signal += v * v;
            }
            if (Double.isFinite(snrDb)) {
                double[] noise = rng.gaussians(m);
                double nn = 0;
                for (double v : noise) {
                    nn += v * v;
                }
                double std = Math.sqrt(signal) / (Math.sqrt(nn) + 2.220446049250313e-16) / Math.sqrt(Math.pow(10,
                        snrDb / 10));
                for (int r = 0; r < m; r++) {
                    clean[r] += std * noise[r];
                }
            }
            double lmax = lambdaMax(phi, lipschitzMatrix, clean);
            // A noiseless constant signal (its only jump drawn at the offset) has λ_max = 0: left unscaled
            // rather than blown up.
            boolean scale = lmax > 1e-12 * Math.sqrt(signal);
            for (int r = 0; r < m; r++) {
                x.set(r, col, scale ? clean[r] / lmax : clean[r]);
            }
        }
        return new TvData(phi, x, u);
    }

    /**
     * The reference's λ_max of one signal: with S = Φ1 (the image of a constant), c = ⟨x, S⟩/‖S‖², the
     * largest |Ψᵀ(x − cS)|.
     */
    static double lambdaMax(HostMatrix phi, HostMatrix psi, double[] x) {
        int m = phi.rows();
        int k = phi.cols();
        double[] s = new double[m];
        double xs = 0;
        double ss = 0;
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < k; i++) {
                s[r] += phi.get(r, i);
            }
            xs += x[r] * s[r];
            ss += s[r] * s[r];
        }
        double c = xs / ss;
        double best = 0;
        for (int i = 0; i < k; i++) {
            double v = 0;
            for (int r = 0; r < m; r++) {
                v += psi.get(r, i) * (x[r] - c * s[r]);
            }
            best = Math.max(best, Math.abs(v));
        }
        return best;
    }
}
