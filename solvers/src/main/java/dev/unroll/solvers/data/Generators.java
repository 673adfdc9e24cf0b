package dev.unroll.solvers.data;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;

/**
 * The data generators of the reference experiments (docs/science.md §1), drawing NumPy's numbers in NumPy's
 * order through {@link NumpyRandom}, so a seed gives the reference's data. Everything is returned in the
 * column convention (D is n×m, signals are columns) although the reference draws in rows.
 */
public final class Generators {
    private Generators() {
    }

    /**
     * ADOPTY's {@code make_coding(n_samples, n_atoms, n_dim, random_state)}: Gaussian atoms normalised to
     * the unit sphere, dense Gaussian codes z, x = Dz, each x scaled so that ‖Dᵀx‖_∞ = 1.
     *
     * @param samples total signals (train + test)
     * @param atoms   m
     * @param dim     n
     * @param train   how many of the first signals train
     * @param seed    {@code random_state}
     */
    public static CodingData simulated(int samples, int atoms, int dim, int train, long seed) {
        positive(samples, "samples");
        positive(atoms, "atoms");
        positive(dim, "dim");
        NumpyRandom rng = new NumpyRandom(seed);
        // D = rng.randn(n_atoms, n_dim), row k is atom k: in columns, column k of D.
        double[] d = rng.gaussians(atoms * dim);
        for (int k = 0; k < atoms; k++) {
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                norm += d[k * dim + i] * d[k * dim + i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) {
                d[k * dim + i] /= norm;
            }
        }
        HostMatrix dict = new HostMatrix(dim, atoms, d);
        HostMatrix x = combine(dict, rng, samples);
        normalise(dict, x);
        return new CodingData(dict, x, train, "simulated m=" + atoms + " n=" + dim + " seed=" + seed);
    }

    /**
     * The "digits" problem (docs/science.md §1.2) on scikit-learn's 8×8 digits: the images are shuffled with
     * {@code RandomState(seed)}, the first {@code atoms} (unit-normalised) are D, the training signals are
     * Gaussian combinations zD of them, and the test signals are the remaining real digits (centred and
     * scaled per image, as the reference's MNIST pipeline does). Each signal is scaled to ‖Dᵀx‖_∞ = 1. The
     * set has 1797 images, so at most 1797 − atoms real test signals exist; {@code test} is capped there.
     */
    public static CodingData digits(int atoms, int train, int test, long seed) {
        positive(atoms, "atoms");
        Digits digits = Digits.load();
        int count = digits.count();
        if (atoms >= count) {
            throw new InvalidArgumentException("the digits set has " + count + " images; at most " + (count - 1)
                    + " can be atoms, but " + atoms + " were asked for");
        }
        NumpyRandom rng = new NumpyRandom(seed);
        int[] order = rng.permutation(count);
        int dim = 64;
        double[] d = new double[dim * atoms];
        for (int k = 0; k < atoms; k++) {
            double[] img = digits.image(order[k]);
            double norm = 0;
            for (double v : img) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) {
                d[k * dim + i] = img[i] / norm;
            }
        }
        HostMatrix dict = new HostMatrix(dim, atoms, d);
        HostMatrix synthetic = combine(dict, rng, train);
        int realCount = Math.min(test, count - atoms);
        double[] all = new double[dim * (train + realCount)];
        System.arraycopy(synthetic.values(), 0, all, 0, synthetic.values().length);
        for (int j = 0; j < realCount; j++) {
            double[] img = standardise(digits.image(order[atoms + j]));
            System.arraycopy(img, 0, all, (train + j) * dim, dim);
        }
        HostMatrix x = new HostMatrix(dim, train + realCount, all);
        normalise(dict, x);
        return new CodingData(dict, x, train, "digits m=" + atoms + " seed=" + seed);
    }

    /**
     * The oracle-ISTA problem of Fig 2 (docs/science.md §1.3): {@code D = randn(50, 10)} not normalised,
     * {@code x = randn(10)} scaled so that ‖Dᵀx‖_∞ = 1, seed 92518.
     */
    public static CodingData oracleIstaProblem(long seed) {
        NumpyRandom rng = new NumpyRandom(seed);
        int atoms = 50;
        int dim = 10;
        HostMatrix dict = new HostMatrix(dim, atoms, rng.gaussians(atoms * dim));
        HostMatrix x = new HostMatrix(dim, 1, rng.gaussians(dim));
        normalise(dict, x);
        return new CodingData(dict, x, 1, "oracle-ISTA problem seed=" + seed);
    }

    /** A Gaussian n×m matrix (not normalised), drawn as NumPy's {@code randn(n, m)} (row-major order). */
    public static HostMatrix gaussianMatrix(int rows, int cols, long seed) {
        double[] rowMajor = new NumpyRandom(seed).gaussians(rows * cols);
        return new HostMatrix(cols, rows, rowMajor).transpose();
    }

    /**
     * Fresh signals for a given dictionary, drawn as {@link #simulated} draws its own: x = Dz with Gaussian z,
     * each scaled so that ‖Dᵀx‖_∞ = 1. For test sets of a model whose D came from elsewhere.
     */
    public static HostMatrix signalsFor(HostMatrix dictionary, int samples, long seed) {
        positive(samples, "samples");
        HostMatrix x = combine(dictionary, new NumpyRandom(seed), samples);
        normalise(dictionary, x);
        return x;
    }

    /** x = zD with z = randn(samples, atoms) (row convention), as columns. */
    private static HostMatrix combine(HostMatrix dict, NumpyRandom rng, int samples) {
        int dim = dict.rows();
        int atoms = dict.cols();
        double[] x = new double[dim * samples];
        double[] d = dict.values();
        for (int s = 0; s < samples; s++) {
            double[] z = rng.gaussians(atoms);
            for (int k = 0; k < atoms; k++) {
                double zk = z[k];
                for (int i = 0; i < dim; i++) {
                    x[s * dim + i] += zk * d[k * dim + i];
                }
            }
        }
        return new HostMatrix(dim, samples, x);
    }

    /** Scales each column of x so that ‖Dᵀx‖_∞ = 1 (λ is then a fraction of λ_max). */
    private static void normalise(HostMatrix dict, HostMatrix x) {
        double[] lmax = dev.unroll.solvers.LassoProblem.lambdaMax(dict, x);
        int dim = x.rows();
        for (int s = 0; s < x.cols(); s++) {
            for (int i = 0; i < dim; i++) {
                x.values()[s * dim + i] /= lmax[s];
            }
        }
    }

    private static double[] standardise(double[] img) {
        double mean = 0;
        for (double v : img) {
            mean += v;
        }
        mean /= img.length;
        double var = 0;
        for (double v : img) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / img.length);
        double[] out = new double[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = std == 0 ? 0 : (img[i] - mean) / std;
        }
        return out;
    }

    private static void positive(int v, String what) {
        if (v < 1) {
            throw new InvalidArgumentException(what + " must be ≥ 1, but is " + v);
        }
    }
}
