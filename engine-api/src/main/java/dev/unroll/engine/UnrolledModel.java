package dev.unroll.engine;

import java.util.Objects;

/**
 * Everything an unrolled forward or reverse pass reads besides the data: the learned parameters, the
 * dictionary D (n×m), the fixed analytic weights W̃ (n×m) that {@link Parametrization#ALISTA} needs (null for
 * the others) and the regularisation λ &gt; 0. The backend checks that all of it fits when the model is used.
 *
 * @param params          the learned parameters (their spec gives the network's shape)
 * @param dictionary      D, n×m
 * @param analyticWeights W̃, n×m, for ALISTA only
 * @param lambda          λ &gt; 0
 */
public record UnrolledModel(ParameterSet params, Matrix dictionary, Matrix analyticWeights, double lambda) {
    /** Rejects missing parts. */
    public UnrolledModel {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(dictionary, "dictionary");
    }

    /** A model without analytic weights (every parametrization but ALISTA). */
    public UnrolledModel(ParameterSet params, Matrix dictionary, double lambda) {
        this(params, dictionary, null, lambda);
    }

    /** The network's shape. */
    public NetworkSpec spec() {
        return params.spec();
    }
}
