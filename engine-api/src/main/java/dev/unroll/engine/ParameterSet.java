package dev.unroll.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The learned parameters of an unrolled network (or their gradients, or an optimizer's moments: the same
 * shapes), one list per layer in the order {@link Parametrization#layout(int)} gives. Created by
 * {@link Backend#newParameters(NetworkSpec)}; closing it frees every matrix.
 */
public final class ParameterSet implements AutoCloseable {
    private final NetworkSpec spec;
    private final List<List<Matrix>> layers;
    private final List<Matrix> flat;

    ParameterSet(NetworkSpec spec, List<List<Matrix>> layers) {
        this.spec = spec;
        List<List<Matrix>> copy = new ArrayList<>();
        List<Matrix> all = new ArrayList<>();
        for (List<Matrix> layer : layers) {
            copy.add(List.copyOf(layer));
            all.addAll(layer);
        }
        this.layers = Collections.unmodifiableList(copy);
        this.flat = List.copyOf(all);
    }

    /** The network these parameters belong to. */
    public NetworkSpec spec() {
        return spec;
    }

    /** The parameters of layer {@code layer} (0-based), in layout order. */
    public List<Matrix> layer(int layer) {
        return layers.get(layer);
    }

    /**
     * Parameter {@code kind} of layer {@code layer}.
     *
     * @throws InvalidArgumentException when that layer has no such parameter
     */
    public Matrix get(int layer, ParamKind kind) {
        if (layer < 0 || layer >= layers.size()) {
            throw new InvalidArgumentException("layer " + layer + " does not exist: the network has layers 0.."
                    + (layers.size() - 1));
        }
        int slot = spec.parametrization().layout(layer).indexOf(kind);
        if (slot < 0) {
            throw new InvalidArgumentException("layer " + layer + " of a " + spec.parametrization().id()
                    + " network has no parameter " + kind.id() + "; it has " + spec.parametrization().layout(layer));
        }
        return layers.get(layer).get(slot);
    }

    /** Every parameter matrix, layer by layer. */
    public List<Matrix> all() {
        return flat;
    }

    /** Total number of scalar parameters. */
    public long count() {
        return flat.stream().mapToLong(Matrix::size).sum();
    }

    /** Frees every matrix (idempotent). */
    @Override
    public void close() {
        flat.forEach(Matrix::close);
    }
}
