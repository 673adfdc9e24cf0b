package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of unrolled ISTA on the synthesis form {@code min_z ½‖x − Ψz‖² + λ Σ_{i≥1}|z_i|} (z₀, the
 * offset, unpenalised), in one of three parametrizations (docs/science.md §9, column convention):
 * <ul>
 *   <li>{@link SynthesisKind#LISTA}: a = W_z z + W_x x, z⁺ = pST(a, λθ/ρ̃), learning W_z (k×k), W_x (k×m), θ;</li>
 *   <li>{@link SynthesisKind#COUPLED}: a = z − W(Ψz − x), z⁺ = pST(a, λθ/ρ̃), learning W (k×m), θ;</li>
 *   <li>{@link SynthesisKind#STEP}: a = z − αΨᵀ(Ψz − x), z⁺ = pST(a, λα), learning α.</li>
 * </ul>
 * ρ̃ = ‖Ψ‖². Initialised, every parametrization is one ISTA step of size 1/ρ̃. pST soft-thresholds every
 * row but the first. The forward pass and its reverse are written once here; the layer records its input
 * and pre-threshold value for the reverse.
 */
final class SynthesisLayer implements AutoCloseable {
    private final SynthesisKind kind;
    private final Backend be;
    private final Matrix psi;
    private final double rhoTilde;
    private final Param p1;
    private final Param p2;
    private final Param scalar;
    private final Matrix tauRows;
    private Matrix zIn;
    private Matrix x;
    private Matrix a;
    private Matrix r;
    private double tau;
    private double lambda;

    /** Takes the parameters (p1/p2 null where the kind has none); see {@link #initial}. */
    SynthesisLayer(SynthesisKind kind, Backend be, TvProblem problem, Matrix psi, double rhoTilde, Param p1, Param p2,
                   Param scalar) {
        this.kind = kind;
        this.be = be;
        this.psi = psi;
        this.rhoTilde = rhoTilde;
        this.p1 = p1;
        this.p2 = p2;
        this.scalar = scalar;
        int k = psi.cols();
        double[] t = new double[k];
        for (int i = 1; i < k; i++) {
            t[i] = 1;
        }
        this.tauRows = be.allocate(problem.dtype(), k, 1);
        HostBridge.write(t, tauRows);
    }

    /**
     * The ISTA-equivalent parameters for the layer {@code tag} (names prefixed with it), as CARPET
     * initialises them: W_z = I − ΨᵀΨ/ρ̃, W_x = Ψᵀ/ρ̃, W = Ψᵀ/ρ̃, θ = 1, α = 1/ρ̃.
     */
    static List<Param> initial(SynthesisKind kind, Backend be, TvProblem problem, HostMatrix psi, double rhoTilde, String tag,
                               boolean trainable) {
        HostMatrix psiT = psi.transpose();
        HostMatrix wx = scale(psiT, 1 / rhoTilde);
        List<Param> out = new ArrayList<>();
        switch (kind) {
            case LISTA -> {
                HostMatrix gram = TvProblem.multiply(psiT, psi);
                HostMatrix wz = scale(gram, -1 / rhoTilde);
                for (int i = 0; i < wz.rows(); i++) {
                    wz.set(i, i, wz.get(i, i) + 1);
                }
                out.add(new Param(be, problem, tag + "Wz", wz, trainable));
                out.add(new Param(be, problem, tag + "Wx", wx, trainable));
                out.add(Param.scalar(be, problem, tag + "theta", 1, trainable));
            }
            case COUPLED -> {
                out.add(new Param(be, problem, tag + "W", wx, trainable));
                out.add(Param.scalar(be, problem, tag + "theta", 1, trainable));
            }
            case STEP -> out.add(Param.scalar(be, problem, tag + "alpha", 1 / rhoTilde, trainable));
        }
        return out;
    }

    /** Builds a layer from the list {@link #initial} returns (or a copy of one). */
    static SynthesisLayer of(SynthesisKind kind, Backend be, TvProblem problem, Matrix psi, double rhoTilde, List<Param> ps) {
        return switch (kind) {
            case LISTA -> new SynthesisLayer(kind, be, problem, psi, rhoTilde, ps.get(0), ps.get(1), ps.get(2));
            case COUPLED -> new SynthesisLayer(kind, be, problem, psi, rhoTilde, ps.get(0), null, ps.get(1));
            case STEP -> new SynthesisLayer(kind, be, problem, psi, rhoTilde, null, null, ps.get(0));
        };
    }

    static HostMatrix scale(HostMatrix m, double s) {
        double[] v = m.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
        return new HostMatrix(m.rows(), m.cols(), v);
    }

    /** z⁺ from z (k×b) and x (rows of Ψ × b) at threshold scale λ, into {@code out}. */
    void forward(Matrix zIn, Matrix x, double lambda, Matrix out) {
        release();
        this.zIn = zIn;
        this.x = x;
        this.lambda = lambda;
        int k = zIn.rows();
        int b = zIn.cols();
        a = be.allocate(zIn.dtype(), k, b);
        double s = scalar.scalar();
        switch (kind) {
            case LISTA -> {
                be.gemm(1, p1.value(), zIn, 0, a);
                be.gemm(1, p2.value(), x, 1, a);
                tau = lambda * s / rhoTilde;
            }
            case COUPLED -> {
                r = residual(zIn, x);
                be.copy(zIn, a);
                be.gemm(-1, p1.value(), r, 1, a);
                tau = lambda * s / rhoTilde;
            }
            case STEP -> {
                r = residual(zIn, x);
                be.copy(zIn, a);
                be.gemm(Transpose.YES, Transpose.NO, -s, psi, r, 1, a);
                tau = lambda * s;
            }
        }
        be.softThreshold(a, tauRows, tau, out, null);
    }

    private Matrix residual(Matrix z, Matrix xIn) {
        Matrix res = be.allocate(z.dtype(), xIn.rows(), z.cols());
        be.copy(xIn, res);
        be.gemm(1, psi, z, -1, res);
        return res;
    }

    /**
     * From ∂ℓ/∂z⁺ writes ∂ℓ/∂z into {@code gradIn}, adds ∂ℓ/∂x into {@code gradX} when it is not null, adds
     * the parameters' gradients and returns ∂ℓ/∂λ (the threshold's scale, needed when λ is itself the output
     * of a learned layer, as in LPGD-LISTA).
     */
    double backward(Matrix gradOut, Matrix gradIn, Matrix gradX) {
        int k = gradOut.rows();
        int b = gradOut.cols();
        double s = scalar.scalar();
        try (Matrix ga = be.allocate(gradOut.dtype(), k, b)) {
            double gradTau = pseudoSoftThresholdBackward(gradOut, ga);
            switch (kind) {
                case LISTA -> {
                    be.gemm(Transpose.NO, Transpose.YES, 1, ga, zIn, 1, p1.grad());
                    be.gemm(Transpose.NO, Transpose.YES, 1, ga, x, 1, p2.grad());
                    scalar.addScalarGrad(gradTau * lambda / rhoTilde);
                    be.gemm(Transpose.YES, Transpose.NO, 1, p1.value(), ga, 0, gradIn);
                    if (gradX != null) {
                        be.gemm(Transpose.YES, Transpose.NO, 1, p2.value(), ga, 1, gradX);
                    }
                    return gradTau * s / rhoTilde;
                }
                case COUPLED -> {
                    be.gemm(Transpose.NO, Transpose.YES, -1, ga, r, 1, p1.grad());
                    scalar.addScalarGrad(gradTau * lambda / rhoTilde);
                    try (Matrix wg = be.allocate(gradOut.dtype(), r.rows(), b)) {
                        be.gemm(Transpose.YES, Transpose.NO, 1, p1.value(), ga, 0, wg);
                        be.copy(ga, gradIn);
                        be.gemm(Transpose.YES, Transpose.NO, -1, psi, wg, 1, gradIn);
                        if (gradX != null) {
                            be.axpy(1, wg, gradX);
                        }
                    }
                    return gradTau * s / rhoTilde;
                }
                default -> {
                    try (Matrix q = be.allocate(gradOut.dtype(), k, b);
                         Matrix pg = be.allocate(gradOut.dtype(), r.rows(), b)) {
                        be.gemm(Transpose.YES, Transpose.NO, 1, psi, r, 0, q);
                        scalar.addScalarGrad(-be.dot(ga, q) + gradTau * lambda);
                        be.gemm(1, psi, ga, 0, pg);
                        be.copy(ga, gradIn);
                        be.gemm(Transpose.YES, Transpose.NO, -s, psi, pg, 1, gradIn);
                        if (gradX != null) {
                            be.axpy(s, pg, gradX);
                        }
                    }
                    return gradTau * s;
                }
            }
        }
    }

    /**
     * The reverse of z = pST(a, τ) on the backend: the soft-threshold's reverse with the per-row thresholds
     * (τ_0 = 0), then row 0 copied through (pST passes it whatever a_0 is, where the τ = 0 mask would drop an
     * exact zero); returns ∂ℓ/∂τ = −Σ_{i ≥ 1} Σ_j sign(a_ij)·M_ij·g_ij from the row sums, less row 0's.
     */
    private double pseudoSoftThresholdBackward(Matrix gradOut, Matrix ga) {
        int k = gradOut.rows();
        int b = gradOut.cols();
        try (Matrix signSums = be.allocate(gradOut.dtype(), k, 1)) {
            be.softThresholdBackward(a, tauRows, tau, gradOut, ga, signSums);
            be.copy(gradOut.view(0, 0, 1, b), ga.view(0, 0, 1, b));
            double[] sums = HostBridge.read(signSums);
            double total = 0;
            for (int i = 1; i < k; i++) {
                total += sums[i];
            }
            return -total;
        }
    }

    private void release() {
        if (a != null) {
            a.close();
            a = null;
        }
        if (r != null) {
            r.close();
            r = null;
        }
    }

    @Override
    public void close() {
        release();
        tauRows.close();
    }
}
