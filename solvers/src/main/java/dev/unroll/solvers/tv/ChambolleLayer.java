package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of unrolled projected gradient on the dual of the TV problem (Chambolle; docs/science.md §9,
 * CARPET {@code origchambolle}/{@code coupledchambolle}/{@code stepchambolle}): the dual
 * {@code min_{|v| ≤ λ} ½‖Ψ_d v‖² − ⟨x, Ψ_d v⟩} with Ψ_d = (Φ⁺)ᵀΔᵀ (m×(k−1)), in the column convention
 * (the row form's {@code v − (vΨᵀ − x)W} transposed):
 * <ul>
 *   <li>{@link SynthesisKind#LISTA} (orig): a = W_v v + W_x x, learning W_v ((k−1)×(k−1)) and W_x ((k−1)×m);</li>
 *   <li>{@link SynthesisKind#COUPLED}: a = v − Wᵀ(Ψ_d v − x), learning W (m×(k−1));</li>
 *   <li>{@link SynthesisKind#STEP}: a = v − αΨ_dᵀ(Ψ_d v − x), learning α;</li>
 * </ul>
 * then v⁺ = clamp(a, −λ, λ). Initialised, each is one projected gradient step of size 1/ℓ, ℓ = ‖Ψ_d‖²:
 * W_v = I − Ψ_dᵀΨ_d/ℓ, W_x = Ψ_dᵀ/ℓ, W = Ψ_d/ℓ, α = 1/ℓ. The bound stays λ: CARPET keeps a threshold
 * parameter for orig but never applies it (its clamp takes no tensor bound), so none is learned here.
 */
final class ChambolleLayer implements AutoCloseable {
    private final SynthesisKind kind;
    private final Backend be;
    private final Matrix psi;
    private final Param p1;
    private final Param p2;
    private Matrix vIn;
    private Matrix x;
    private Matrix r;
    private Matrix a;
    private double lambda;

    ChambolleLayer(SynthesisKind kind, Backend be, TvProblem problem, List<Param> ps) {
        this.kind = kind;
        this.be = be;
        this.psi = problem.dual().psi();
        this.p1 = ps.get(0);
        this.p2 = kind == SynthesisKind.LISTA ? ps.get(1) : null;
    }

    /** The parameters of one projected gradient step of size 1/ℓ, named with {@code tag}. */
    static List<Param> initial(SynthesisKind kind, Backend be, TvProblem p, String tag) {
        HostMatrix psiHost = p.dual().psiHost();
        double l = p.dual().psiNorm2();
        List<Param> out = new ArrayList<>();
        switch (kind) {
            case LISTA -> {
                HostMatrix wv = SynthesisLayer.scale(TvProblem.multiply(psiHost.transpose(), psiHost), -1 / l);
                for (int i = 0; i < wv.rows(); i++) {
                    wv.set(i, i, wv.get(i, i) + 1);
                }
                out.add(new Param(be, p, tag + "Wv", wv, true));
                out.add(new Param(be, p, tag + "Wx", SynthesisLayer.scale(psiHost.transpose(), 1 / l), true));
            }
            case COUPLED -> out.add(new Param(be, p, tag + "W", SynthesisLayer.scale(psiHost, 1 / l), true));
            case STEP -> out.add(Param.scalar(be, p, tag + "alpha", 1 / l, true));
        }
        return out;
    }

    /** v⁺ from v ((k−1)×b) and x (m×b) into {@code out}. */
    void forward(Matrix v, Matrix xIn, double lambda, Matrix out) {
        release();
        this.vIn = v;
        this.x = xIn;
        this.lambda = lambda;
        int b = v.cols();
        a = be.allocate(v.dtype(), v.rows(), b);
        if (kind == SynthesisKind.LISTA) {
            be.gemm(1, p1.value(), v, 0, a);
            be.gemm(1, p2.value(), xIn, 1, a);
        } else {
            r = be.allocate(v.dtype(), xIn.rows(), b);
            be.copy(xIn, r);
            be.gemm(1, psi, v, -1, r);
            be.copy(v, a);
            if (kind == SynthesisKind.COUPLED) {
                be.gemm(Transpose.YES, Transpose.NO, -1, p1.value(), r, 1, a);
            } else {
                be.gemm(Transpose.YES, Transpose.NO, -p1.scalar(), psi, r, 1, a);
            }
        }
        DualOperators.project(be, a, lambda, out);
    }

    /** From ∂ℓ/∂v⁺ writes ∂ℓ/∂v into {@code gradIn} and adds the parameters' gradients. */
    void backward(Matrix gradOut, Matrix gradIn) {
        int b = gradOut.cols();
        try (Matrix ga = be.allocate(gradOut.dtype(), gradOut.rows(), b)) {
            DualOperators.projectBackward(be, a, lambda, gradOut, ga);
            switch (kind) {
                case LISTA -> {
                    be.gemm(Transpose.NO, Transpose.YES, 1, ga, vIn, 1, p1.grad());
                    be.gemm(Transpose.NO, Transpose.YES, 1, ga, x, 1, p2.grad());
                    be.gemm(Transpose.YES, Transpose.NO, 1, p1.value(), ga, 0, gradIn);
                }
                case COUPLED -> {
                    be.gemm(Transpose.NO, Transpose.YES, -1, r, ga, 1, p1.grad());
                    try (Matrix wg = be.allocate(gradOut.dtype(), r.rows(), b)) {
                        be.gemm(1, p1.value(), ga, 0, wg);
                        be.copy(ga, gradIn);
                        be.gemm(Transpose.YES, Transpose.NO, -1, psi, wg, 1, gradIn);
                    }
                }
                case STEP -> {
                    double alpha = p1.scalar();
                    try (Matrix q = be.allocate(gradOut.dtype(), gradOut.rows(), b);
                         Matrix pg = be.allocate(gradOut.dtype(), r.rows(), b)) {
                        be.gemm(Transpose.YES, Transpose.NO, 1, psi, r, 0, q);
                        p1.addScalarGrad(-be.dot(ga, q));
                        be.gemm(1, psi, ga, 0, pg);
                        be.copy(ga, gradIn);
                        be.gemm(Transpose.YES, Transpose.NO, -alpha, psi, pg, 1, gradIn);
                    }
                }
            }
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
    }
}
