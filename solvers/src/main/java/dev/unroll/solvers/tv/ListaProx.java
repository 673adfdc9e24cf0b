package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import java.util.ArrayList;
import java.util.List;

/**
 * The prox-TV approximated by an unrolled synthesis LISTA with A = I (the inner network of LPGD-LISTA,
 * docs/science.md §9): z₀ = C⁻¹a, n inner {@link SynthesisLayer}s of kind LISTA on Ψ = C with threshold
 * scale μ, then u = Cz. Its parameters may be fixed (the untrained, ISTA-equivalent inner prox), its own
 * (learned per outer layer) or shared with the other outer layers (learned globally).
 */
final class ListaProx implements Prox {
    private final Backend be;
    private final TvProblem problem;
    private final List<SynthesisLayer> layers = new ArrayList<>();
    private final List<Param> params;
    private final List<Matrix> states = new ArrayList<>();

    /** {@code params} holds three per inner layer (W_z, W_x, θ), as {@link #initialParams} lays them out. */
    ListaProx(Backend be, TvProblem problem, List<Param> params) {
        this.be = be;
        this.problem = problem;
        this.params = params;
        double rho = rhoInner(problem);
        for (int t = 0; t < params.size() / 3; t++) {
            layers.add(SynthesisLayer.of(SynthesisKind.LISTA, be, problem, problem.cumulative(), rho,
                    params.subList(3 * t, 3 * t + 3)));
        }
    }

    /** ‖C‖², the Lipschitz constant of the inner problem ½‖a − Cz‖² (row-convention A = I). */
    static double rhoInner(TvProblem problem) {
        return dev.unroll.solvers.Spectral.lipschitz(TvProblem.cumulative(problem.length()).values(),
                problem.length(), problem.length());
    }

    /** The ISTA-equivalent parameters of {@code inner} layers, named {@code tag}inner{t}.. */
    static List<Param> initialParams(Backend be, TvProblem problem, int inner, String tag, boolean trainable) {
        List<Param> out = new ArrayList<>();
        var c = TvProblem.cumulative(problem.length());
        double rho = rhoInner(problem);
        for (int t = 0; t < inner; t++) {
            out.addAll(SynthesisLayer.initial(SynthesisKind.LISTA, be, problem, c, rho, tag + "inner" + t + ".",
                    trainable));
        }
        return out;
    }

    @Override
    public void forward(Matrix a, double mu, Matrix out) {
        releaseStates();
        int k = a.rows();
        int b = a.cols();
        Matrix z = be.allocate(a.dtype(), k, b);
        be.gemm(1, problem.cumulativeInverse(), a, 0, z);
        states.add(z);
        for (SynthesisLayer layer : layers) {
            Matrix next = be.allocate(a.dtype(), k, b);
            layer.forward(z, a, mu, next);
            states.add(next);
            z = next;
        }
        be.gemm(1, problem.cumulative(), z, 0, out);
    }

    @Override
    public double backward(Matrix gradOut, Matrix gradA) {
        int k = gradOut.rows();
        int b = gradOut.cols();
        double gradMu = 0;
        be.fill(gradA, 0);
        Matrix g = be.allocate(gradOut.dtype(), k, b);
        Matrix prev = be.allocate(gradOut.dtype(), k, b);
        try {
            be.gemm(Transpose.YES, Transpose.NO, 1, problem.cumulative(), gradOut, 0, g);
            for (int t = layers.size() - 1; t >= 0; t--) {
                gradMu += layers.get(t).backward(g, prev, gradA);
                Matrix swap = g;
                g = prev;
                prev = swap;
            }
            // z₀ = C⁻¹a.
            be.gemm(Transpose.YES, Transpose.NO, 1, problem.cumulativeInverse(), g, 1, gradA);
        } finally {
            g.close();
            prev.close();
        }
        return gradMu;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    private void releaseStates() {
        states.forEach(Matrix::close);
        states.clear();
    }

    @Override
    public void close() {
        releaseStates();
        layers.forEach(SynthesisLayer::close);
    }
}
