package dev.unroll.tck.support;

import java.util.SplittableRandom;

/** Test problems shaped like the reference code's. */
public final class Problems {
    private Problems() {
    }

    /** A dictionary D (n×m) and signals X (n×B). */
    public record Coding(HostMatrix d, HostMatrix x) {
    }

    /**
     * ADOPTY's {@code make_coding} (docs/science.md §1.1) in column convention: atoms uniform on the sphere,
     * X = D Z with Z Gaussian, each signal scaled so that ‖Dᵀx‖_∞ = 1 (λ is then a fraction of λ_max).
     * The random stream is Java's, not NumPy's: same law, other draws.
     */
    public static Coding makeCoding(int samples, int atoms, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        HostMatrix d = HostMatrix.gaussian(dim, atoms, rng);
        for (int j = 0; j < atoms; j++) {
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                norm += d.get(i, j) * d.get(i, j);
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) {
                d.set(i, j, d.get(i, j) / norm);
            }
        }
        HostMatrix x = d.times(HostMatrix.gaussian(atoms, samples, rng));
        HostMatrix corr = d.transpose().times(x);
        for (int b = 0; b < samples; b++) {
            double lmax = 0;
            for (int k = 0; k < atoms; k++) {
                lmax = Math.max(lmax, Math.abs(corr.get(k, b)));
            }
            for (int i = 0; i < dim; i++) {
                x.set(i, b, x.get(i, b) / lmax);
            }
        }
        return new Coding(d, x);
    }
}
