package dev.unroll.solvers.network;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.iterative.ProximalGradient;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Safeguarded inference with a trained network: after every layer, each signal's Lasso objective is compared
 * with what one ISTA step from the same point gives, and where the learned layer did worse the signal takes
 * the ISTA step instead. So, per signal and after every layer, F(z_t) ≤ F(ISTA step from z_{t−1}): a layer
 * that misbehaves on a signal unlike its training data (the reference SLISTA sent one test signal to
 * F − F* = 371) can do no worse there than ISTA. On the signals it was trained for the network mostly beats
 * ISTA and the guard rarely fires.
 *
 * <p>Built on the SPI alone: each layer runs as a one-layer model from the guarded point (its parameters are
 * copied once, here: later changes to the network's parameters are not seen), the ISTA step on GEMM and
 * soft-threshold ({@link ProximalGradient}), the comparison on {@code lassoObjective}'s per-sample values.
 * It costs, per layer, one ISTA step (two products) and two per-signal objectives on top of the layer. The
 * network stays the caller's and must outlive this object; close this one to free the layer copies.
 */
public final class SafeguardedNetwork implements AutoCloseable {
    private final LassoProblem problem;
    private final Backend be;
    private final List<UnrolledModel> layers;

    private SafeguardedNetwork(LassoProblem problem, List<UnrolledModel> layers) {
        this.problem = problem;
        this.be = problem.backend();
        this.layers = layers;
    }

    /** Guards {@code net}: copies each of its layers into a one-layer model of its own. */
    public static SafeguardedNetwork of(UnrolledNetwork net) {
        LassoProblem problem = net.problem();
        Backend be = problem.backend();
        NetworkSpec spec = net.spec();
        Parametrization par = spec.parametrization();
        List<UnrolledModel> layers = new ArrayList<>();
        try {
            for (int t = 0; t < spec.layers(); t++) {
                // FIRST_STEP's later layers are STEP layers; as the first layer of a model they must say so.
                Parametrization own = par == Parametrization.FIRST_STEP && t > 0 ? Parametrization.STEP : par;
                ParameterSet params = be.newParameters(new NetworkSpec(own, 1, spec.signalDim(), spec.atoms(),
                        spec.dtype()));
                layers.add(new UnrolledModel(params, problem.dictionary(), net.model().analyticWeights(),
                        problem.lambda()));
                for (ParamKind kind : par.layout(t)) {
                    be.copy(net.parameters().get(t, kind), params.get(0, kind));
                }
            }
        } catch (RuntimeException e) {
            layers.forEach(l -> l.params().close());
            throw e;
        }
        return new SafeguardedNetwork(problem, List.copyOf(layers));
    }

    /** The number of layers T. */
    public int layers() {
        return layers.size();
    }

    /** The problem the network solves. */
    public LassoProblem problem() {
        return problem;
    }

    /** Scratch for batches of up to {@code capacity} signals; one per thread, closed by the caller. */
    public Workspace newWorkspace(int capacity) {
        return new Workspace(capacity);
    }

    /**
     * The guarded codes z_T of {@code x} (n×B) into {@code z} (m×B).
     *
     * @param steps  null, or per signal (signal j at {@code offset + j}) incremented for each layer at which it
     *               took the ISTA step
     * @return how many (signal, layer) pairs took the ISTA step
     */
    public long encode(Matrix x, Matrix z, Workspace w, int[] steps, int offset) {
        return run(x, z, w, steps, offset, null, null, null);
    }

    /**
     * The guarded run on {@code x} with its record: the mean objective after each layer, how many signals
     * took the ISTA step at each layer, and each signal's final objective.
     */
    public Trace trace(Matrix x) {
        int b = x.cols();
        double[] costs = new double[layers.size() + 1];
        int[] fired = new int[layers.size()];
        double[] last = new double[b];
        try (Workspace w = newWorkspace(b); Matrix z = be.allocate(problem.dtype(), problem.atoms(), b)) {
            run(x, z, w, null, 0, costs, fired, last);
        }
        return new Trace(costs, fired, last);
    }

    /** The guarded layers; {@code costs}, {@code firedPerLayer} and {@code finalObjectives} are filled when given. */
    private long run(Matrix x, Matrix z, Workspace w, int[] steps, int offset, double[] costs, int[] firedPerLayer,
                     double[] finalObjectives) {
        int b = x.cols();
        if (b > w.capacity) {
            throw new ShapeMismatchException("the workspace holds " + w.capacity
                    + " signals but the batch has " + b + "; make a workspace with newWorkspace(" + b + ")");
        }
        Matrix current = w.codesA.columns(0, b);
        Matrix next = w.codesB.columns(0, b);
        Matrix ista = w.ista.columns(0, b);
        Matrix fLayer = w.layerCost.columns(0, b);
        Matrix fIsta = w.istaCost.columns(0, b);
        double step = 1 / problem.lipschitz();
        be.fill(current, 0);
        if (costs != null) {
            costs[0] = problem.objective(x, current);
        }
        long total = 0;
        for (int t = 0; t < layers.size(); t++) {
            be.unrolledForward(layers.get(t), x, t == 0 ? null : current, 1, null, next);
            ProximalGradient.gradient(be, problem, x, current, w.residual.columns(0, b), w.gradient.columns(0, b));
            ProximalGradient.prox(be, problem, current, w.gradient.columns(0, b), step, w.update.columns(0, b), ista);
            be.lassoObjective(problem.dictionary(), x, next, problem.lambda(), fLayer, null, null);
            be.lassoObjective(problem.dictionary(), x, ista, problem.lambda(), fIsta, null, null);
            double[] layerValues = w.download(fLayer, b, w.first);
            double[] istaValues = w.download(fIsta, b, w.second);
            int fired = 0;
            double sum = 0;
            for (int j = 0; j < b; j++) {
                if (layerValues[j] > istaValues[j]) {
                    be.copy(ista.columns(j, j + 1), next.columns(j, j + 1));
                    layerValues[j] = istaValues[j];
                    fired++;
                    if (steps != null) {
                        steps[offset + j]++;
                    }
                }
                sum += layerValues[j];
            }
            if (costs != null) {
                costs[t + 1] = sum / b;
                firedPerLayer[t] = fired;
            }
            total += fired;
            Matrix swap = current;
            current = next;
            next = swap;
        }
        be.copy(current, z);
        if (finalObjectives != null && !layers.isEmpty()) {
            System.arraycopy(w.first, 0, finalObjectives, 0, b);
        }
        return total;
    }

    /** Frees the layer copies (the network itself stays the caller's). */
    @Override
    public void close() {
        layers.forEach(l -> l.params().close());
    }

    /**
     * A guarded run's record.
     *
     * @param costs           F(z_t) (mean over the signals) for t = 0..T
     * @param fired           per layer, how many signals took the ISTA step there
     * @param finalObjectives per signal, F(z_T)
     */
    public record Trace(double[] costs, int[] fired, double[] finalObjectives) {
        /** How many (signal, layer) pairs took the ISTA step. */
        public long totalFired() {
            long sum = 0;
            for (int f : fired) {
                sum += f;
            }
            return sum;
        }
    }

    /** One thread's backend scratch for a guarded run. */
    public final class Workspace implements AutoCloseable {
        private final int capacity;
        private final Matrix codesA;
        private final Matrix codesB;
        private final Matrix ista;
        private final Matrix residual;
        private final Matrix gradient;
        private final Matrix update;
        private final Matrix layerCost;
        private final Matrix istaCost;
        private final List<Matrix> all = new ArrayList<>();
        private final double[] first;
        private final double[] second;
        private final float[] floats;

        private Workspace(int capacity) {
            this.capacity = capacity;
            int n = problem.signalDim();
            int m = problem.atoms();
            try {
                codesA = add(m, capacity);
                codesB = add(m, capacity);
                ista = add(m, capacity);
                residual = add(n, capacity);
                gradient = add(m, capacity);
                update = add(m, capacity);
                layerCost = add(1, capacity);
                istaCost = add(1, capacity);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            first = new double[capacity];
            second = new double[capacity];
            floats = new float[capacity];
        }

        private Matrix add(int rows, int cols) {
            Matrix m = be.allocate(problem.dtype(), rows, cols);
            all.add(m);
            return m;
        }

        /** Per-sample values (1×b) on the host, in {@code into}. */
        double[] download(Matrix values, int b, double[] into) {
            if (problem.dtype() == DType.F64) {
                be.download(values, MemorySegment.ofArray(into).asSlice(0, 8L * b));
            } else {
                be.download(values, MemorySegment.ofArray(floats).asSlice(0, 4L * b));
                for (int j = 0; j < b; j++) {
                    into[j] = floats[j];
                }
            }
            return into;
        }

        @Override
        public void close() {
            all.forEach(Matrix::close);
        }
    }
}
