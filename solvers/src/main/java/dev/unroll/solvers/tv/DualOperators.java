package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;

/**
 * The operators of the primal–dual (Condat–Vu) and dual (Chambolle) TV solvers of docs/science.md §9, in the
 * column convention of {@link TvProblem}: the dual variable v ∈ ℝ^{k−1} lives on the differences.
 * <ul>
 *   <li>Δ ((k−1)×k), (Δu)_i = u_{i+1} − u_i, and ‖Δ‖² (CARPET's {@code l_D}, the 2-norm squared);</li>
 *   <li>the dual operator Ψ_d = (Φ⁺)ᵀΔᵀ (m×(k−1)), the row form's {@code A⁺D}, and ℓ = ‖Ψ_d‖²;</li>
 *   <li>B = (ΦᵀΦ)⁺Δᵀ (k×(k−1)): the primal point of a dual one is u = Φ⁺x − Bv, the row form's
 *       {@code (xAᵀ − vDᵀ)(AAᵀ)⁺}, with (ΦᵀΦ)⁺ = Φ⁺(Φ⁺)ᵀ.</li>
 * </ul>
 * Built on first use by {@link TvProblem#dual()}, since only these solvers need them.
 */
final class DualOperators implements AutoCloseable {
    private final Matrix delta;
    private final Matrix deltaT;
    private final Matrix psi;
    private final Matrix primal;
    private final HostMatrix deltaHost;
    private final HostMatrix psiHost;
    private final HostMatrix primalHost;
    private final double deltaNorm2;
    private final double psiNorm2;

    DualOperators(Backend be, DType dtype, HostMatrix phi) {
        int k = phi.cols();
        HostMatrix d = HostMatrix.zeros(k - 1, k);
        for (int i = 0; i + 1 < k; i++) {
            d.set(i, i, -1);
            d.set(i, i + 1, 1);
        }
        HostMatrix pinv = TvProblem.pseudoInverse(phi);
        HostMatrix pinvT = pinv.transpose();
        this.deltaHost = d;
        this.psiHost = TvProblem.multiply(pinvT, d.transpose());
        HostMatrix b = TvProblem.multiply(TvProblem.multiply(pinv, pinvT), d.transpose());
        this.primalHost = b;
        this.deltaNorm2 = Spectral.lipschitz(d.values(), k - 1, k);
        this.psiNorm2 = Spectral.lipschitz(psiHost.values(), psiHost.rows(), psiHost.cols());
        this.delta = Uploads.upload(be, dtype, d);
        this.deltaT = Uploads.upload(be, dtype, d.transpose());
        this.psi = Uploads.upload(be, dtype, psiHost);
        this.primal = Uploads.upload(be, dtype, b);
    }

    /** Δ ((k−1)×k) on the backend. */
    Matrix delta() {
        return delta;
    }

    /** Δᵀ (k×(k−1)), the row form's D, on the backend. */
    Matrix deltaT() {
        return deltaT;
    }

    /** Δ on the host. */
    HostMatrix deltaHost() {
        return deltaHost;
    }

    /** Ψ_d = (Φ⁺)ᵀΔᵀ (m×(k−1)) on the backend. */
    Matrix psi() {
        return psi;
    }

    /** Ψ_d on the host. */
    HostMatrix psiHost() {
        return psiHost;
    }

    /** B = (ΦᵀΦ)⁺Δᵀ (k×(k−1)): u = Φ⁺x − Bv. */
    Matrix primal() {
        return primal;
    }

    /** B on the host. */
    HostMatrix primalHost() {
        return primalHost;
    }

    /** ‖Δ‖₂². */
    double deltaNorm2() {
        return deltaNorm2;
    }

    /** ℓ = ‖Ψ_d‖₂², the Lipschitz constant of the dual's smooth part. */
    double psiNorm2() {
        return psiNorm2;
    }

    /**
     * out = clamp(a, −t, t), the projection on the dual ball of λ‖·‖₁, on the backend as a − ST(a, t)
     * (Moreau's identity). {@code out} must not be {@code a}.
     */
    static void project(Backend be, Matrix a, double t, Matrix out) {
        be.softThreshold(a, t, out, null);
        be.scale(-1, out);
        be.axpy(1, a, out);
    }

    /**
     * The reverse of {@link #project}: ∂ℓ/∂a = g where |a| ≤ t and 0 where clamped (torch's convention at the
     * bounds) into {@code gradA}, from the soft-threshold's reverse on the backend as g − 1{|a| &gt; t} ⊙ g
     * (exact: each entry is g − g = 0 or g − 0 = g); returns ∂ℓ/∂t = Σ_{|a| &gt; t} sign(a)·g, the sum of that
     * reverse's row sums. {@code gradA} must not be {@code gradOut}.
     */
    static double projectBackward(Backend be, Matrix a, double t, Matrix gradOut, Matrix gradA) {
        try (Matrix signSums = be.allocate(a.dtype(), a.rows(), 1)) {
            be.softThresholdBackward(a, t, gradOut, gradA, signSums);
            be.scale(-1, gradA);
            be.axpy(1, gradOut, gradA);
            return be.sum(signSums);
        }
    }

    @Override
    public void close() {
        delta.close();
        deltaT.close();
        psi.close();
        primal.close();
    }
}
