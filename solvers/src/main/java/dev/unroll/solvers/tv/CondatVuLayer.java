package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of unrolled Condat–Vu (docs/science.md §9, CARPET {@code coupledcondatvu}/{@code stepcondatvu}),
 * a primal–dual step on (u, v) with v ∈ ℝ^{k−1} the dual of the differences, in the column convention
 * (CARPET's row form {@code u − τ(uA − x)Aᵀ − τvWᵀ} transposed):
 * <pre>
 *   g  = Φᵀ(Φu − x) + Kv,   u⁺ = u − τg,
 *   a  = v + σKᵀ(2u⁺ − u),  v⁺ = clamp(a, −t, t)
 * </pre>
 * <ul>
 *   <li>{@link SynthesisKind#COUPLED}: K = W (k×(k−1)) learned, initialised to Δᵀ (the row form's D), and
 *       t = λθ with θ learned (init 1); σ = ½ and τ = 1/(ρ/2 + σ‖Δ‖⁴) fixed;</li>
 *   <li>{@link SynthesisKind#STEP}: K = Δᵀ; σ = clamp(s, ½, 2) with s learned (init ½),
 *       τ = 1/(ρ/2 + σ‖Δ‖⁴), t = λ.</li>
 * </ul>
 * ρ = ‖Φ‖². The dual step clamp(a, ±t) is CARPET's {@code v_ − σ·pST(v_/σ, t, 1/σ)} by Moreau's identity,
 * except that CARPET's pseudo soft-threshold leaves the first dual coordinate unthresholded, which zeroes it
 * and drops the first difference from the penalty; here every difference is penalised, so the untrained
 * network converges to the problem's P*. The ‖Δ‖⁴ (not ‖Δ‖²) of τ is CARPET's, a conservative step.
 */
final class CondatVuLayer implements AutoCloseable {
    /** Initial and lower bound of σ (CARPET). */
    static final double SIGMA_MIN = 0.5;
    /** Upper bound of the learned σ (CARPET). */
    static final double SIGMA_MAX = 2.0;

    private final SynthesisKind kind;
    private final Backend be;
    private final TvProblem problem;
    private final Param w;
    private final Param scalar;
    private Matrix uIn;
    private Matrix vIn;
    private Matrix g;
    private Matrix wPoint;
    private Matrix a;
    private double sigma;
    private double tau;
    private double threshold;
    private double lambda;

    CondatVuLayer(SynthesisKind kind, Backend be, TvProblem problem, List<Param> ps) {
        this.kind = kind;
        this.be = be;
        this.problem = problem;
        this.w = kind == SynthesisKind.COUPLED ? ps.get(0) : null;
        this.scalar = kind == SynthesisKind.COUPLED ? ps.get(1) : ps.get(0);
    }

    /** The parameters of one layer as CARPET initialises them: W = Δᵀ and θ = 1, or s = ½. */
    static List<Param> initial(SynthesisKind kind, Backend be, TvProblem p, String tag) {
        List<Param> out = new ArrayList<>();
        switch (kind) {
            case COUPLED -> {
                out.add(new Param(be, p, tag + "W", p.dual().deltaHost().transpose(), true));
                out.add(Param.scalar(be, p, tag + "theta", 1, true));
            }
            case STEP -> out.add(Param.scalar(be, p, tag + "sigma", SIGMA_MIN, true));
            default -> throw new IllegalArgumentException("Condat–Vu has coupled and step parametrizations only");
        }
        return out;
    }

    /** τ = 1/(ρ/2 + σ‖Δ‖⁴). */
    static double primalStep(TvProblem p, double sigma) {
        double d2 = p.dual().deltaNorm2();
        return 1 / (p.rho() / 2 + sigma * d2 * d2);
    }

    private Matrix k() {
        return w != null ? w.value() : problem.dual().deltaT();
    }

    /** (u⁺, v⁺) from (u, v) (k×b, (k−1)×b) and x (m×b) into {@code uOut}, {@code vOut}. */
    void forward(Matrix u, Matrix v, Matrix x, double lambda, Matrix uOut, Matrix vOut) {
        release();
        this.uIn = u;
        this.vIn = v;
        this.lambda = lambda;
        int k = u.rows();
        int b = u.cols();
        double s = scalar.scalar();
        sigma = kind == SynthesisKind.COUPLED ? SIGMA_MIN : Math.clamp(s, SIGMA_MIN, SIGMA_MAX);
        tau = primalStep(problem, sigma);
        threshold = kind == SynthesisKind.COUPLED ? lambda * s : lambda;
        g = be.allocate(u.dtype(), k, b);
        try (Matrix r = be.allocate(u.dtype(), x.rows(), b)) {
            be.copy(x, r);
            be.gemm(1, problem.phi(), u, -1, r);
            be.gemm(Transpose.YES, Transpose.NO, 1, problem.phi(), r, 0, g);
        }
        be.gemm(1, k(), v, 1, g);
        be.copy(u, uOut);
        be.axpy(-tau, g, uOut);
        wPoint = be.allocate(u.dtype(), k, b);
        be.copy(uOut, wPoint);
        be.scale(2, wPoint);
        be.axpy(-1, u, wPoint);
        a = be.allocate(u.dtype(), v.rows(), b);
        be.copy(v, a);
        be.gemm(Transpose.YES, Transpose.NO, sigma, k(), wPoint, 1, a);
        DualOperators.project(be, a, threshold, vOut);
    }

    /**
     * From ∂ℓ/∂u⁺ and ∂ℓ/∂v⁺ writes ∂ℓ/∂u and ∂ℓ/∂v into {@code gradUIn} and {@code gradVIn} and adds the
     * parameters' gradients (the chain of the forward's lines read bottom-up).
     */
    void backward(Matrix gradUOut, Matrix gradVOut, Matrix gradUIn, Matrix gradVIn) {
        int k = gradUOut.rows();
        int b = gradUOut.cols();
        try (Matrix ga = be.allocate(gradUOut.dtype(), a.rows(), b);
             Matrix gw = be.allocate(gradUOut.dtype(), k, b);
             Matrix gUplus = be.allocate(gradUOut.dtype(), k, b);
             Matrix gg = be.allocate(gradUOut.dtype(), k, b);
             Matrix kta = be.allocate(gradUOut.dtype(), a.rows(), b);
             Matrix pg = be.allocate(gradUOut.dtype(), problem.measurements(), b)) {
            double gradT = DualOperators.projectBackward(be, a, threshold, gradVOut, ga);
            // a = v + σKᵀw.
            be.gemm(sigma, k(), ga, 0, gw);
            be.gemm(Transpose.YES, Transpose.NO, 1, k(), wPoint, 0, kta);
            double gradSigma = be.dot(ga, kta);
            // w = 2u⁺ − u.
            be.copy(gradUOut, gUplus);
            be.axpy(2, gw, gUplus);
            // u⁺ = u − τg.
            double gradTau = -be.dot(gUplus, g);
            be.copy(gUplus, gg);
            be.scale(-tau, gg);
            // g = Φᵀ(Φu − x) + Kv.
            be.copy(gUplus, gradUIn);
            be.axpy(-1, gw, gradUIn);
            be.gemm(1, problem.phi(), gg, 0, pg);
            be.gemm(Transpose.YES, Transpose.NO, 1, problem.phi(), pg, 1, gradUIn);
            be.copy(ga, gradVIn);
            be.gemm(Transpose.YES, Transpose.NO, 1, k(), gg, 1, gradVIn);
            if (kind == SynthesisKind.COUPLED) {
                be.gemm(Transpose.NO, Transpose.YES, sigma, wPoint, ga, 1, w.grad());
                be.gemm(Transpose.NO, Transpose.YES, 1, gg, vIn, 1, w.grad());
                scalar.addScalarGrad(gradT * lambda);
            } else {
                double s = scalar.scalar();
                double d2 = problem.dual().deltaNorm2();
                // σ = clamp(s, ½, 2) passes the gradient inside the bounds (torch's clamp); τ'(σ) = −‖Δ‖⁴τ².
                if (s >= SIGMA_MIN && s <= SIGMA_MAX) {
                    scalar.addScalarGrad(gradSigma - gradTau * d2 * d2 * tau * tau);
                }
            }
        }
    }

    private void release() {
        for (Matrix m : new Matrix[] {g, wPoint, a}) {
            if (m != null) {
                m.close();
            }
        }
        g = null;
        wPoint = null;
        a = null;
    }

    @Override
    public void close() {
        release();
    }
}
