package dev.unroll.solvers.gradients;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;

/**
 * N unrolled iterations of ISTA or FISTA from z = 0 on a batch of signals, with per-iteration steps α_i,
 * and their reverse mode with respect to the dictionary D and the steps, optionally truncated to the last
 * K iterations (docs/science.md §5, "Truncated back-propagation"). The dictionary is an argument of every pass,
 * so one coder serves a dictionary that changes between passes (dictionary learning). Work space is
 * allocated once for batches of up to {@link #capacity()} signals; close the coder to free it.
 *
 * <p>Only the last {@link #recordDepth()} iterations are recorded: the earlier ones run without keeping
 * anything, so memory grows with the back-propagation depth, not with N.
 */
public sealed interface UnrolledCoder extends AutoCloseable permits IstaCoder, FistaCoder {

    /**
     * A coder of {@code iterations} iterations of {@code algorithm} for n×m dictionaries, recording the last
     * {@code recordDepth} iterations (0 = none: only the forward pass, as alternating minimisation needs).
     */
    static UnrolledCoder create(Backend backend, DType dtype, UnrolledAlgorithm algorithm, int signalDim, int atoms,
                                int capacity, int iterations, int recordDepth) {
        if (backend == null || dtype == null || algorithm == null) {
            throw new InvalidArgumentException("an unrolled coder needs a backend, a dtype and an algorithm");
        }
        if (signalDim < 1 || atoms < 1 || capacity < 1 || iterations < 1) {
            throw new InvalidArgumentException("an unrolled coder needs n ≥ 1, m ≥ 1, capacity ≥ 1 and iterations ≥ 1,"
                    + " but got n=" + signalDim + ", m=" + atoms + ", capacity=" + capacity + ", iterations="
                    + iterations);
        }
        if (recordDepth < 0 || recordDepth > iterations) {
            throw new InvalidArgumentException("the recorded depth must be in 0.." + iterations + " (the iterations), "
                    + "but is " + recordDepth);
        }
        return algorithm == UnrolledAlgorithm.ISTA
                ? new IstaCoder(backend, dtype, signalDim, atoms, capacity, iterations, recordDepth)
                : new FistaCoder(backend, dtype, signalDim, atoms, capacity, iterations, recordDepth);
    }

    /** The algorithm. */
    UnrolledAlgorithm algorithm();

    /** N, the iterations of a forward pass. */
    int iterations();

    /** How many of the last iterations a forward pass records (the deepest back-propagation possible). */
    int recordDepth();

    /** The largest batch. */
    int capacity();

    /**
     * Runs the N iterations on {@code x} (n×B) with dictionary {@code d} (n×m), threshold weight λ and the
     * absolute steps {@code alphas} (length N; α_i = 1/L is plain ISTA/FISTA). The codes are then in
     * {@link #output()}.
     */
    void forward(Matrix d, Matrix x, double lambda, double[] alphas);

    /** The codes of the last forward pass (m×B, a view into the coder's memory). */
    Matrix output();

    /**
     * Reverse mode through the last {@code depth} iterations of the last forward pass: from
     * {@code gradOutput} = ∂ℓ/∂output (m×B) it writes into {@code gradD} (n×m, overwritten) the part of ∂ℓ/∂D
     * that flows through those iterations (add the loss's own ∂ℓ/∂D for the total) and into
     * {@code gradAlphas} (length N, overwritten) ∂ℓ/∂α_i, zero for the iterations not differentiated. The
     * iterate entering the window counts as a constant; depth 0 gives zeros.
     */
    void backward(Matrix gradOutput, Matrix gradD, double[] gradAlphas, int depth);

    /** Frees the work space. */
    @Override
    void close();
}
