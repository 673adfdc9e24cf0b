package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of learned proximal gradient descent on the analysis form (LPGD, docs/science.md §9):
 * a = W_u u + W_x x, then u⁺ = prox_{λθ‖Δ·‖₁}(a) with an exact ({@link TautStringProx}) or unrolled
 * ({@link ListaProx}) prox. Initialised, W_u = I − ΦᵀΦ/ρ, W_x = Φᵀ/ρ and θ = 1/ρ: one proximal gradient
 * step of size 1/ρ. θ is learned only when asked (CARPET's LPGD-taut-string keeps it at 1/ρ, LPGD-LISTA
 * learns it).
 */
final class AnalysisLayer implements AutoCloseable {
    private final Backend be;
    private final Param wu;
    private final Param wx;
    private final Param theta;
    private final Prox prox;
    private Matrix uIn;
    private Matrix x;
    private double lambda;
    private Matrix a;

    AnalysisLayer(Backend be, List<Param> ps, Prox prox) {
        this.be = be;
        this.wu = ps.get(0);
        this.wx = ps.get(1);
        this.theta = ps.get(2);
        this.prox = prox;
    }

    /** W_u, W_x, θ of one proximal gradient step, named with {@code tag}. */
    static List<Param> initial(Backend be, TvProblem p, String tag, boolean learnThreshold) {
        HostMatrix phi = p.operator();
        HostMatrix phiT = phi.transpose();
        double rho = p.rho();
        HostMatrix wu = SynthesisLayer.scale(TvProblem.multiply(phiT, phi), -1 / rho);
        for (int i = 0; i < wu.rows(); i++) {
            wu.set(i, i, wu.get(i, i) + 1);
        }
        List<Param> out = new ArrayList<>();
        out.add(new Param(be, p, tag + "Wu", wu, true));
        out.add(new Param(be, p, tag + "Wx", SynthesisLayer.scale(phiT, 1 / rho), true));
        out.add(Param.scalar(be, p, tag + "theta", 1 / rho, learnThreshold));
        return out;
    }

    Prox prox() {
        return prox;
    }

    void forward(Matrix uIn, Matrix x, double lambda, Matrix out) {
        this.uIn = uIn;
        this.x = x;
        this.lambda = lambda;
        // Kept until the next pass: an unrolled prox reads it again in its reverse mode.
        if (a != null) {
            a.close();
        }
        a = be.allocate(uIn.dtype(), uIn.rows(), uIn.cols());
        be.gemm(1, wu.value(), uIn, 0, a);
        be.gemm(1, wx.value(), x, 1, a);
        prox.forward(a, lambda * theta.scalar(), out);
    }

    /**
     * How far the last forward's prox output {@code out} is from the exact prox of the same input, in the
     * prox's own objective ½‖u − a‖² + μ‖Δu‖₁ averaged over the batch (0 for the taut-string prox).
     */
    double proxGap(Matrix out) {
        int k = a.rows();
        int b = a.cols();
        double[] av = HostBridge.read(a);
        double[] uv = HostBridge.read(out);
        double mu = lambda * theta.scalar();
        double[] exact;
        try (Matrix e = be.allocate(a.dtype(), k, b)) {
            be.proxTv(a, mu, e);
            exact = HostBridge.read(e);
        }
        return (proxObjective(av, uv, mu, k) - proxObjective(av, exact, mu, k)) / b;
    }

    private static double proxObjective(double[] a, double[] u, double mu, int k) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += 0.5 * (u[i] - a[i]) * (u[i] - a[i]);
        }
        return s + mu * HostBridge.totalVariation(u, k, a.length / k);
    }

    /** From ∂ℓ/∂u⁺ writes ∂ℓ/∂u into {@code gradIn} and adds the parameters' gradients. */
    void backward(Matrix gradOut, Matrix gradIn) {
        try (Matrix ga = be.allocate(gradOut.dtype(), gradOut.rows(), gradOut.cols())) {
            double gradMu = prox.backward(gradOut, ga);
            if (theta.trainable()) {
                theta.addScalarGrad(gradMu * lambda);
            }
            be.gemm(Transpose.NO, Transpose.YES, 1, ga, uIn, 1, wu.grad());
            be.gemm(Transpose.NO, Transpose.YES, 1, ga, x, 1, wx.grad());
            be.gemm(Transpose.YES, Transpose.NO, 1, wu.value(), ga, 0, gradIn);
        }
    }

    @Override
    public void close() {
        prox.close();
        if (a != null) {
            a.close();
        }
    }
}
