package dev.unroll.solvers.dictionary;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;

/**
 * PLIPY's synthetic dictionary-learning problem (experiments {@code jacobian.py}, {@code gradients.py},
 * {@code optim_path.py}; docs/science.md §8): a Gaussian reference dictionary A (P×d, atoms normalised),
 * Bernoulli–Gaussian codes (each entry non-zero with probability k, then standard normal), signals
 * Y = AX + σ·noise, and a starting dictionary A + (std(A)/2)·noise. PLIPY draws from NumPy's PCG64
 * ({@code default_rng(2022)}); this draws the same distributions in the same order from NumPy's legacy
 * MT19937 stream ({@link NumpyRandom}), so the problems are alike in law, not bit for bit.
 *
 * @param reference the ground-truth dictionary A (P×d, unit-norm atoms)
 * @param codes     the codes X (d×N)
 * @param signals   Y = AX + noise (P×N)
 * @param initial   the perturbed starting dictionary (P×d, not normalised, as PLIPY)
 */
public record SyntheticDictionaryData(HostMatrix reference, HostMatrix codes, HostMatrix signals,
                                      HostMatrix initial) {

    /** PLIPY's sizes: P = 30, d = 50 atoms, k = 0.3, σ = 0.1, with {@code samples} signals. */
    public static SyntheticDictionaryData plipy(int samples, NumpyRandom rng) {
        return generate(30, 50, samples, 0.3, 0.1, rng);
    }

    /**
     * Draws one problem: A, then the Bernoulli mask, the Gaussian amplitudes, the noise and the perturbation,
     * each as NumPy fills an array (row-major).
     */
    public static SyntheticDictionaryData generate(int dim, int atoms, int samples, double sparsity, double sigma,
                                                   NumpyRandom rng) {
        if (dim < 1 || atoms < 1 || samples < 1 || !(sparsity >= 0 && sparsity <= 1) || !(sigma >= 0)
                || rng == null) {
            throw new InvalidArgumentException("need dim, atoms, samples ≥ 1, sparsity in [0, 1], σ ≥ 0 and a random "
                    + "stream, but got dim=" + dim + ", atoms=" + atoms + ", samples=" + samples + ", k=" + sparsity
                    + ", σ=" + sigma);
        }
        HostMatrix a = rowMajor(dim, atoms, rng, 1.0 / dim);
        UnitNorm.normalizeColumns(a);
        HostMatrix mask = HostMatrix.zeros(atoms, samples);
        for (int i = 0; i < atoms; i++) {
            for (int j = 0; j < samples; j++) {
                mask.set(i, j, rng.nextDouble() > 1 - sparsity ? 1 : 0);
            }
        }
        HostMatrix x = HostMatrix.zeros(atoms, samples);
        for (int i = 0; i < atoms; i++) {
            for (int j = 0; j < samples; j++) {
                x.set(i, j, mask.get(i, j) * rng.nextGaussian());
            }
        }
        HostMatrix y = HostMatrix.zeros(dim, samples);
        for (int j = 0; j < samples; j++) {
            for (int k = 0; k < atoms; k++) {
                double xk = x.get(k, j);
                if (xk != 0) {
                    for (int i = 0; i < dim; i++) {
                        y.values()[j * dim + i] += a.values()[k * dim + i] * xk;
                    }
                }
            }
        }
        HostMatrix noise = rowMajor(dim, samples, rng, sigma);
        for (int i = 0; i < y.values().length; i++) {
            y.values()[i] += noise.values()[i];
        }
        double std = std(a.values());
        HostMatrix init = rowMajor(dim, atoms, rng, 0.5 * std);
        for (int i = 0; i < init.values().length; i++) {
            init.values()[i] += a.values()[i];
        }
        return new SyntheticDictionaryData(a, x, y, init);
    }

    /** scale·N(0, 1) draws filling a rows×cols matrix in NumPy's (row-major) order. */
    private static HostMatrix rowMajor(int rows, int cols, NumpyRandom rng, double scale) {
        HostMatrix out = HostMatrix.zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.set(i, j, scale * rng.nextGaussian());
            }
        }
        return out;
    }

    /** NumPy's {@code std} (population, ddof = 0). */
    static double std(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / v.length);
    }
}
