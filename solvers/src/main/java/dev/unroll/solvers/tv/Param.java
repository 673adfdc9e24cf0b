package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * One learnable tensor of a TV network and its gradient, both on the backend. Layers that share a
 * parameter (the global inner prox of LPGD-LISTA) hold the same instance and add into one gradient.
 * A scalar (a threshold multiplier, a step) is a 1×1 matrix.
 */
public final class Param implements AutoCloseable {
    private final String name;
    private final Matrix value;
    private final Matrix grad;
    private final boolean trainable;

    /** A parameter holding {@code initial}; {@code trainable} false keeps it fixed (an untrained inner prox). */
    public Param(Backend be, TvProblem p, String name, HostMatrix initial, boolean trainable) {
        this.name = name;
        this.value = Uploads.upload(be, p.dtype(), initial);
        this.grad = be.allocate(p.dtype(), initial.rows(), initial.cols());
        this.trainable = trainable;
    }

    /** A trainable scalar. */
    public static Param scalar(Backend be, TvProblem p, String name, double v, boolean trainable) {
        return new Param(be, p, name, new HostMatrix(1, 1, new double[] {v}), trainable);
    }

    public String name() {
        return name;
    }

    public Matrix value() {
        return value;
    }

    public Matrix grad() {
        return grad;
    }

    public boolean trainable() {
        return trainable;
    }

    /** The value of a 1×1 parameter. */
    double scalar() {
        return value.backend().toDoubleArray(value)[0];
    }

    /** Adds {@code g} to a 1×1 parameter's gradient. */
    void addScalarGrad(double g) {
        double[] cur = HostBridge.read(grad);
        cur[0] += g;
        HostBridge.write(cur, grad);
    }

    /** The value on the host. */
    public HostMatrix host() {
        return Uploads.download(value.backend(), value);
    }

    /** Overwrites the value. */
    public void set(HostMatrix v) {
        Uploads.write(value.backend(), v, value);
    }

    @Override
    public void close() {
        value.close();
        grad.close();
    }
}
