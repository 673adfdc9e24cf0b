package dev.unroll.spark;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.io.Serializable;

/**
 * What an executor needs to rebuild a network being trained, without its parameters (those travel with
 * every step): the problem (D, λ, precision), the parametrization, the depth and ALISTA's W̃. Broadcast once
 * per training run.
 *
 * @param n               signal dimension
 * @param m               atoms
 * @param dictionary      D, column-major n×m
 * @param lambda          λ
 * @param dtype           the precision the network computes in
 * @param parametrization the layer type
 * @param layers          T
 * @param analyticWeights ALISTA's W̃ (n×m column-major), null for the other types
 */
record NetworkShape(int n, int m, double[] dictionary, double lambda, DType dtype, Parametrization parametrization,
                    int layers, double[] analyticWeights) implements Serializable {

    /** The shape of {@code net}. */
    static NetworkShape of(UnrolledNetwork net) {
        LassoProblem p = net.problem();
        HostMatrix w = net.analyticWeights();
        return new NetworkShape(p.signalDim(), p.atoms(), p.hostDictionary().values(), p.lambda(), p.dtype(),
                net.parametrization(), net.layers(), w == null ? null : w.values());
    }

    /** A new problem on {@code be}; the caller closes it after the network. */
    LassoProblem problem(Backend be) {
        return LassoProblem.create(be, dtype, new HostMatrix(n, m, dictionary), lambda);
    }

    /** A new network of this shape on {@code problem} (its parameters are overwritten before each use). */
    UnrolledNetwork network(LassoProblem problem) {
        return UnrolledNetwork.create(problem, parametrization, layers,
                analyticWeights == null ? null : new HostMatrix(n, m, analyticWeights));
    }
}
