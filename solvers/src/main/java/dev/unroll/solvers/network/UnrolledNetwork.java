package dev.unroll.solvers.network;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import java.util.List;

/**
 * An unrolled ISTA network for a Lasso problem: T untied layers of one parametrization (LISTA, LISTA-CP,
 * ALISTA, SLISTA, first-step; docs/science.md §3.1), its parameters on the problem's backend. A new network is
 * initialised so that every type but ALISTA computes exactly T iterations of ISTA. Closing it frees the
 * parameters (and ALISTA's W̃), not the problem.
 */
public final class UnrolledNetwork implements AutoCloseable {
    private final LassoProblem problem;
    private final NetworkSpec spec;
    private final ParameterSet params;
    private final Matrix analyticWeights;
    private final UnrolledModel model;

    private UnrolledNetwork(LassoProblem problem, NetworkSpec spec, ParameterSet params, Matrix analyticWeights) {
        this.problem = problem;
        this.spec = spec;
        this.params = params;
        this.analyticWeights = analyticWeights;
        this.model = new UnrolledModel(params, problem.dictionary(), analyticWeights, problem.lambda());
    }

    /**
     * A T-layer network initialised as ISTA (ALISTA: α = θ = 1/L with W̃ computed from D, which takes a while
     * for large dictionaries: pass W̃ through {@link #create(LassoProblem, Parametrization, int, HostMatrix)}
     * to reuse it).
     */
    public static UnrolledNetwork create(LassoProblem problem, Parametrization parametrization, int layers) {
        HostMatrix w = parametrization == Parametrization.ALISTA
                ? AlistaWeights.compute(problem.backend(), problem.hostDictionary()) : null;
        return create(problem, parametrization, layers, w);
    }

    /** As {@link #create(LassoProblem, Parametrization, int)}, with ALISTA's W̃ given (null for the others). */
    public static UnrolledNetwork create(LassoProblem problem, Parametrization parametrization, int layers,
                                         HostMatrix alistaWeights) {
        if (parametrization == null) {
            throw new InvalidArgumentException("a network needs a parametrization, one of "
                    + List.of(Parametrization.values()));
        }
        if (layers < 1) {
            throw new InvalidArgumentException("a network needs at least 1 layer, but " + layers + " were asked for");
        }
        if ((parametrization == Parametrization.ALISTA) != (alistaWeights != null)) {
            throw new InvalidArgumentException(parametrization == Parametrization.ALISTA
                    ? "an alista network needs its analytic weights W̃ (AlistaWeights.compute)"
                    : "analytic weights W̃ belong to alista networks only, but this one is " + parametrization.id());
        }
        Backend be = problem.backend();
        NetworkSpec spec = new NetworkSpec(parametrization, layers, problem.signalDim(), problem.atoms(),
                problem.dtype());
        ParameterSet params = be.newParameters(spec);
        Matrix w = null;
        try {
            if (alistaWeights != null) {
                if (alistaWeights.rows() != problem.signalDim() || alistaWeights.cols() != problem.atoms()) {
                    throw new InvalidArgumentException("W̃ must have D's shape " + problem.signalDim() + "×"
                            + problem.atoms() + ", but is " + alistaWeights.rows() + "×" + alistaWeights.cols());
                }
                w = Uploads.upload(be, problem.dtype(), alistaWeights);
            }
            UnrolledNetwork net = new UnrolledNetwork(problem, spec, params, w);
            net.initialiseAsIsta();
            return net;
        } catch (RuntimeException e) {
            params.close();
            if (w != null) {
                w.close();
            }
            throw e;
        }
    }

    /** Sets every layer to its ISTA-equivalent value (docs/science.md §3.1's "init" column). */
    public void initialiseAsIsta() {
        for (int t = 0; t < spec.layers(); t++) {
            for (ParamKind kind : spec.parametrization().layout(t)) {
                setParameter(t, kind, IstaInitialisation.value(kind, problem.hostDictionary(), problem.lipschitz()));
            }
        }
    }

    /** Copies every layer of {@code shallower} (same parametrization and problem shape, fewer or equal layers). */
    public void warmStartFrom(UnrolledNetwork shallower) {
        NetworkSpec s = shallower.spec;
        if (s.parametrization() != spec.parametrization() || s.signalDim() != spec.signalDim()
                || s.atoms() != spec.atoms() || s.layers() > spec.layers()) {
            throw new InvalidArgumentException("a warm start needs a network of the same parametrization and shape "
                    + "with at most " + spec.layers() + " layers, but got " + s);
        }
        for (int t = 0; t < s.layers(); t++) {
            for (ParamKind kind : spec.parametrization().layout(t)) {
                setParameter(t, kind, shallower.parameter(t, kind));
            }
        }
    }

    /** The value of parameter {@code kind} of layer {@code layer}, in double precision. */
    public HostMatrix parameter(int layer, ParamKind kind) {
        return Uploads.download(problem.backend(), params.get(layer, kind));
    }

    /** Overwrites parameter {@code kind} of layer {@code layer}, checking its shape and finiteness. */
    public void setParameter(int layer, ParamKind kind, HostMatrix value) {
        Matrix target = params.get(layer, kind);
        if (value.rows() != target.rows() || value.cols() != target.cols()) {
            throw new InvalidArgumentException("parameter " + kind.id() + " of layer " + layer + " is "
                    + target.shape() + ", but the value given is " + value.rows() + "×" + value.cols());
        }
        value.requireFinite("parameter " + kind.id() + " of layer " + layer);
        Uploads.write(problem.backend(), value, target);
    }

    /** z_T for the signals {@code x} (n×B) into {@code zOut} (m×B), without recording. */
    public void encode(Matrix x, Matrix zOut) {
        problem.backend().unrolledForward(model, x, null, spec.layers(), null, zOut);
    }

    /** The codes of {@code x} after all T layers, as a new matrix the caller closes. */
    public Matrix encode(Matrix x) {
        Matrix z = problem.backend().allocate(problem.dtype(), problem.atoms(), x.cols());
        try {
            encode(x, z);
        } catch (RuntimeException e) {
            z.close();
            throw e;
        }
        return z;
    }

    /** F(z_T) on {@code x}, the mean Lasso objective at the network's output. */
    public double loss(Matrix x) {
        try (Matrix z = encode(x)) {
            return problem.objective(x, z);
        }
    }

    /**
     * F(z_t) for t = 0..T on {@code x} (z₀ = 0): the per-layer curve the figures plot. Uses one forward pass
     * recorded on a tape, so every layer's output is available.
     */
    public double[] layerCosts(Matrix x) {
        Backend be = problem.backend();
        double[] costs = new double[spec.layers() + 1];
        try (Tape tape = be.newTape(spec, x.cols()); Matrix zero = problem.zeroCodes(x.cols())) {
            be.unrolledForward(model, x, null, spec.layers(), tape, null);
            costs[0] = problem.objective(x, zero);
            for (int t = 1; t <= spec.layers(); t++) {
                costs[t] = problem.objective(x, tape.z(t).columns(0, x.cols()));
            }
        }
        return costs;
    }

    /** The problem this network solves. */
    public LassoProblem problem() {
        return problem;
    }

    /** The network's shape. */
    public NetworkSpec spec() {
        return spec;
    }

    /** The parametrization. */
    public Parametrization parametrization() {
        return spec.parametrization();
    }

    /** The number of layers T. */
    public int layers() {
        return spec.layers();
    }

    /** The learned parameters on the backend. */
    public ParameterSet parameters() {
        return params;
    }

    /** What the backend's unrolled kernels read: parameters, D, W̃ and λ. */
    public UnrolledModel model() {
        return model;
    }

    /** ALISTA's W̃ on the host, or null for other parametrizations. */
    public HostMatrix analyticWeights() {
        return analyticWeights == null ? null : Uploads.download(problem.backend(), analyticWeights);
    }

    /** Frees the parameters and W̃. */
    @Override
    public void close() {
        params.close();
        if (analyticWeights != null) {
            analyticWeights.close();
        }
    }
}
