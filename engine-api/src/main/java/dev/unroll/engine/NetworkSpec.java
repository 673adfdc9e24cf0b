package dev.unroll.engine;

import java.util.Objects;

/**
 * The shape of an unrolled network: its parametrization, its number of layers T, the signal dimension n
 * and the number of atoms m (D is n×m), and the precision its parameters use.
 *
 * @param parametrization how each layer is parametrized
 * @param layers          T ≥ 1
 * @param signalDim       n ≥ 1
 * @param atoms           m ≥ 1
 * @param dtype           precision of parameters, data and tapes
 */
public record NetworkSpec(Parametrization parametrization, int layers, int signalDim, int atoms, DType dtype) {
    /** Validates the sizes. */
    public NetworkSpec {
        Objects.requireNonNull(parametrization, "parametrization");
        Objects.requireNonNull(dtype, "dtype");
        if (layers < 1 || signalDim < 1 || atoms < 1) {
            throw new InvalidArgumentException("a network needs layers ≥ 1, signalDim n ≥ 1 and atoms m ≥ 1, but got "
                    + "layers=" + layers + ", n=" + signalDim + ", m=" + atoms);
        }
    }
}
