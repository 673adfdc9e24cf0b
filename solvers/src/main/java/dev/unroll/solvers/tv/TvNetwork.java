package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An unrolled TV network of docs/science.md §9: T layers of one {@link TvNetworkKind}, from u₀ = Φ⁺x
 * (z₀ = C⁻¹u₀ for the synthesis kinds, v₀ = 0 for the primal–dual and dual ones), output u_T (synthesis:
 * u_T = Cz_T; dual: u_T = Φ⁺x − Bv_T, see {@link DualOperators}). Forward and reverse mode
 * through any prefix of the layers, on the backend: its GEMMs, soft-threshold (and its reverse) and prox-TV
 * primitives ({@link Backend#proxTv}), with no host round trip per layer but scalar parameters' reads (see
 * {@link HostBridge}). Trained unsupervised on the analysis objective P by {@link TvTrainer}.
 */
public final class TvNetwork implements AutoCloseable {
    private final TvNetworkKind kind;
    private final TvProblem problem;
    private final Backend be;
    private final int layers;
    private final List<SynthesisLayer> synthesis = new ArrayList<>();
    private final List<AnalysisLayer> analysis = new ArrayList<>();
    private final List<CondatVuLayer> condatVu = new ArrayList<>();
    private final List<ChambolleLayer> chambolle = new ArrayList<>();
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final List<Matrix> states = new ArrayList<>();
    private Matrix input;
    private int ran;

    private TvNetwork(TvNetworkKind kind, TvProblem problem, int layers) {
        this.kind = kind;
        this.problem = problem;
        this.be = problem.backend();
        this.layers = layers;
    }

    /** A network of {@code layers} layers, initialised to the iterative algorithm it unrolls. */
    public static TvNetwork create(TvNetworkKind kind, TvProblem problem, int layers) {
        if (kind == null || problem == null) {
            throw new InvalidArgumentException("a TV network needs a kind and a problem");
        }
        if (layers < 1) {
            throw new InvalidArgumentException("a network needs at least 1 layer, but " + layers + " were asked");
        }
        TvNetwork net = new TvNetwork(kind, problem, layers);
        try {
            net.build();
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private void build() {
        List<Param> shared = null;
        if (kind.innerLayers() > 0 && kind.learnProx() == TvNetworkKind.LearnProx.GLOBAL) {
            shared = register(ListaProx.initialParams(be, problem, kind.innerLayers(), "prox.", true));
        }
        List<Param> frozen = null;
        if (kind.innerLayers() > 0 && kind.learnProx() == TvNetworkKind.LearnProx.NONE) {
            frozen = register(ListaProx.initialParams(be, problem, kind.innerLayers(), "prox.", false));
        }
        for (int t = 0; t < layers; t++) {
            String tag = "layer" + t + ".";
            if (kind.family() == TvNetworkKind.Family.CONDAT_VU) {
                condatVu.add(new CondatVuLayer(kind.parametrization(), be, problem,
                        register(CondatVuLayer.initial(kind.parametrization(), be, problem, tag))));
            } else if (kind.family() == TvNetworkKind.Family.CHAMBOLLE) {
                chambolle.add(new ChambolleLayer(kind.parametrization(), be, problem,
                        register(ChambolleLayer.initial(kind.parametrization(), be, problem, tag))));
            } else if (kind.synthesisKind() != null) {
                List<Param> ps = register(SynthesisLayer.initial(kind.synthesisKind(), be, problem,
                        hostSynthesis(), problem.rhoSynthesis(), tag, true));
                synthesis.add(SynthesisLayer.of(kind.synthesisKind(), be, problem, problem.synthesis(),
                        problem.rhoSynthesis(), ps));
            } else {
                List<Param> ps = register(AnalysisLayer.initial(be, problem, tag, kind.innerLayers() > 0));
                Prox prox;
                if (kind.innerLayers() == 0) {
                    prox = new TautStringProx();
                } else if (kind.learnProx() == TvNetworkKind.LearnProx.PER_LAYER) {
                    prox = new ListaProx(be, problem,
                            register(ListaProx.initialParams(be, problem, kind.innerLayers(), tag + "prox.", true)));
                } else {
                    prox = new ListaProx(be, problem, shared != null ? shared : frozen);
                }
                analysis.add(new AnalysisLayer(be, ps, prox));
            }
        }
    }

    private HostMatrix hostSynthesis() {
        return TvProblem.multiply(problem.operator(), TvProblem.cumulative(problem.length()));
    }

    private List<Param> register(List<Param> ps) {
        for (Param p : ps) {
            params.put(p.name(), p);
        }
        return ps;
    }

    public TvNetworkKind kind() {
        return kind;
    }

    public TvProblem problem() {
        return problem;
    }

    public int layers() {
        return layers;
    }

    /** Every parameter by name, in layer order (fixed ones included). */
    public Map<String, Param> parameters() {
        return params;
    }

    /** The parameters training moves. */
    public List<Param> trainable() {
        return params.values().stream().filter(Param::trainable).toList();
    }

    /**
     * Copies every parameter of {@code other} whose name this network also has (a shallower network's layers
     * into the first layers of this one: CARPET's warm start). Returns how many were copied.
     */
    public int warmStartFrom(TvNetwork other) {
        int copied = 0;
        for (Param p : other.params.values()) {
            Param mine = params.get(p.name());
            if (mine != null) {
                be.copy(p.value(), mine.value());
                copied++;
            }
        }
        return copied;
    }

    /**
     * Runs the first {@code depth} layers on the signals {@code x} (m×b) and writes u_depth into {@code uOut}
     * (k×b); the pass is recorded for {@link #backward}. {@code x} must stay unchanged until then.
     */
    public void forward(Matrix x, int depth, Matrix uOut) {
        if (depth < 0 || depth > layers) {
            throw new InvalidArgumentException("depth must be in 0.." + layers + ", but is " + depth);
        }
        releaseStates();
        input = x;
        ran = depth;
        int k = problem.length();
        int b = x.cols();
        Matrix u0 = state(k, b);
        problem.initialU(x, u0);
        Matrix cur = u0;
        if (kind.family() == TvNetworkKind.Family.CONDAT_VU) {
            Matrix v = state(k - 1, b);
            be.fill(v, 0);
            for (int t = 0; t < depth; t++) {
                Matrix nextU = state(k, b);
                Matrix nextV = state(k - 1, b);
                condatVu.get(t).forward(cur, v, x, problem.lambda(), nextU, nextV);
                cur = nextU;
                v = nextV;
            }
            be.copy(cur, uOut);
        } else if (kind.family() == TvNetworkKind.Family.CHAMBOLLE) {
            Matrix v = state(k - 1, b);
            be.fill(v, 0);
            for (int t = 0; t < depth; t++) {
                Matrix next = state(k - 1, b);
                chambolle.get(t).forward(v, x, problem.lambda(), next);
                v = next;
            }
            // The primal point of v: Φ⁺x − Bv, whatever the problem's primal start.
            be.gemm(1, problem.pseudoInverse(), x, 0, uOut);
            be.gemm(-1, problem.dual().primal(), v, 1, uOut);
        } else if (kind.synthesisKind() != null) {
            Matrix z = state(k, b);
            be.gemm(1, problem.cumulativeInverse(), u0, 0, z);
            cur = z;
            for (int t = 0; t < depth; t++) {
                Matrix next = state(k, b);
                synthesis.get(t).forward(cur, x, problem.lambda(), next);
                cur = next;
            }
            be.gemm(1, problem.cumulative(), cur, 0, uOut);
        } else {
            for (int t = 0; t < depth; t++) {
                Matrix next = state(k, b);
                analysis.get(t).forward(cur, x, problem.lambda(), next);
                cur = next;
            }
            be.copy(cur, uOut);
        }
    }

    private Matrix state(int k, int b) {
        Matrix m = be.allocate(problem.dtype(), k, b);
        states.add(m);
        return m;
    }

    /** Sets every parameter's gradient to 0. */
    public void zeroGradients() {
        for (Param p : params.values()) {
            be.fill(p.grad(), 0);
        }
    }

    /** Adds ∂ℓ/∂p for every parameter from ∂ℓ/∂u at the output of the last {@link #forward}. */
    public void backward(Matrix gradU) {
        if (kind.family() == TvNetworkKind.Family.CONDAT_VU) {
            backwardCondatVu(gradU);
            return;
        }
        if (kind.family() == TvNetworkKind.Family.CHAMBOLLE) {
            backwardChambolle(gradU);
            return;
        }
        int k = problem.length();
        int b = gradU.cols();
        try (Matrix g0 = be.allocate(problem.dtype(), k, b); Matrix g1 = be.allocate(problem.dtype(), k, b)) {
            Matrix g = g0;
            Matrix prev = g1;
            if (kind.synthesisKind() != null) {
                be.gemm(Transpose.YES, Transpose.NO, 1, problem.cumulative(), gradU, 0, g);
                for (int t = ran - 1; t >= 0; t--) {
                    synthesis.get(t).backward(g, prev, null);
                    Matrix s = g;
                    g = prev;
                    prev = s;
                }
            } else {
                be.copy(gradU, g);
                for (int t = ran - 1; t >= 0; t--) {
                    analysis.get(t).backward(g, prev);
                    Matrix s = g;
                    g = prev;
                    prev = s;
                }
            }
        }
    }

    private void backwardCondatVu(Matrix gradU) {
        int k = problem.length();
        int b = gradU.cols();
        Matrix[] g = new Matrix[4];
        try {
            for (int i = 0; i < 4; i++) {
                g[i] = be.allocate(problem.dtype(), i % 2 == 0 ? k : k - 1, b);
            }
            // g[0], g[1]: ∂ℓ/∂(u, v) after layer t; g[2], g[3]: before it. The output is u_T only.
            be.copy(gradU, g[0]);
            be.fill(g[1], 0);
            for (int t = ran - 1; t >= 0; t--) {
                condatVu.get(t).backward(g[0], g[1], g[2], g[3]);
                Matrix su = g[0];
                Matrix sv = g[1];
                g[0] = g[2];
                g[1] = g[3];
                g[2] = su;
                g[3] = sv;
            }
        } finally {
            for (Matrix m : g) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }

    private void backwardChambolle(Matrix gradU) {
        int k = problem.length();
        int b = gradU.cols();
        try (Matrix g0 = be.allocate(problem.dtype(), k - 1, b); Matrix g1 = be.allocate(problem.dtype(), k - 1, b)) {
            Matrix g = g0;
            Matrix prev = g1;
            // u_T = Φ⁺x − Bv_T.
            be.gemm(Transpose.YES, Transpose.NO, -1, problem.dual().primal(), gradU, 0, g);
            for (int t = ran - 1; t >= 0; t--) {
                chambolle.get(t).backward(g, prev);
                Matrix s = g;
                g = prev;
                prev = s;
            }
        }
    }

    /** The network's output for host signals (m×b), on the host (k×b). */
    public HostMatrix solve(HostMatrix x, int depth) {
        try (Matrix xd = problem.upload(x); Matrix u = problem.zeros(x.cols())) {
            forward(xd, depth, u);
            return dev.unroll.solvers.Uploads.download(be, u);
        } finally {
            releaseStates();
        }
    }

    /** The mean objective P at depth {@code depth} on host signals. */
    public double objective(HostMatrix x, int depth) {
        try (Matrix xd = problem.upload(x); Matrix u = problem.zeros(x.cols())) {
            forward(xd, depth, u);
            return problem.objective(xd, u);
        } finally {
            releaseStates();
        }
    }

    /**
     * For an analysis network: the prox sub-optimality of each of the first {@code depth} layers on host
     * signals (docs/science.md §9, CARPET {@code compute_prox_tv_errors}); zeros for the exact prox.
     */
    public double[] proxGaps(HostMatrix x, int depth) {
        if (kind.family() != TvNetworkKind.Family.LPGD) {
            throw new InvalidArgumentException("prox sub-optimality is defined for the analysis (LPGD) networks");
        }
        double[] gaps = new double[depth];
        try (Matrix xd = problem.upload(x); Matrix u = problem.zeros(x.cols())) {
            forward(xd, depth, u);
            for (int t = 0; t < depth; t++) {
                // states: u₀, then one per layer.
                gaps[t] = analysis.get(t).proxGap(states.get(t + 1));
            }
            return gaps;
        } finally {
            releaseStates();
        }
    }

    private void releaseStates() {
        states.forEach(Matrix::close);
        states.clear();
        input = null;
    }

    @Override
    public void close() {
        releaseStates();
        synthesis.forEach(SynthesisLayer::close);
        analysis.forEach(AnalysisLayer::close);
        condatVu.forEach(CondatVuLayer::close);
        chambolle.forEach(ChambolleLayer::close);
        params.values().forEach(Param::close);
    }
}
