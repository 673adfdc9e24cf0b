package dev.unroll.engine;

import java.util.Arrays;

/**
 * What the reverse mode needs from a forward pass: the codes z_0..z_T and the pre-threshold values
 * u_1..u_T of every layer, and for the parametrizations built on the residual (all but LISTA) a place for
 * R_t = D z_{t−1} − X, for up to {@link #capacity()} samples. A tape is allocated once per shape with
 * {@link Backend#newTape(NetworkSpec, int)} and reused by every forward pass (a workspace: no allocation
 * per training step). Each forward pass rebinds it to its inputs; the reverse pass reads them back.
 *
 * <p>Do not change the input batch or the parameters between the forward and the reverse pass that reads
 * the tape. A tape is not thread-safe: use one per concurrent training loop.
 */
public final class Tape implements AutoCloseable {
    private final Backend owner;
    private final NetworkSpec spec;
    private final int capacity;
    private final Matrix[] zFull;
    private final Matrix[] uFull;
    /** Null for LISTA, whose layers have no residual. */
    private final Matrix[] rFull;
    private final Matrix[] z;
    private final Matrix[] u;
    private final Matrix[] r;
    /** Views of the first {@link #viewBatch} columns of every z_t and u_t, rebuilt when the batch changes. */
    private final Matrix[] zViews;
    private final Matrix[] uViews;
    private final Matrix[] rViews;
    private int viewBatch = -1;
    private Matrix input;
    private Matrix start;
    private int layersRun;
    private int batch;
    private UnrolledModel model;

    Tape(Backend owner, NetworkSpec spec, int capacity, Matrix[] zFull, Matrix[] uFull, Matrix[] rFull) {
        this.owner = owner;
        this.spec = spec;
        this.capacity = capacity;
        this.zFull = zFull;
        this.uFull = uFull;
        this.rFull = rFull;
        this.z = new Matrix[zFull.length];
        this.u = new Matrix[uFull.length];
        this.r = new Matrix[uFull.length];
        this.zViews = new Matrix[zFull.length];
        this.uViews = new Matrix[uFull.length];
        this.rViews = new Matrix[uFull.length];
    }

    /** The network shape this tape records. */
    public NetworkSpec spec() {
        return spec;
    }

    /** The largest batch it can record. */
    public int capacity() {
        return capacity;
    }

    /** Whether a forward pass has been recorded. */
    public boolean isRecorded() {
        return layersRun > 0;
    }

    /** Layers run by the last recorded forward pass. */
    public int layersRun() {
        return layersRun;
    }

    /** Batch size of the last recorded forward pass. */
    public int batch() {
        return batch;
    }

    /** The input batch X (n×B) of the recorded pass. */
    public Matrix input() {
        return input;
    }

    /** The starting codes z_0 of the recorded pass, or null when it started from zeros. */
    public Matrix start() {
        return start;
    }

    /** The model of the recorded pass. */
    public UnrolledModel model() {
        return model;
    }

    /** z_t (m×B), the output of layer t; t = 0 is the starting point. */
    public Matrix z(int t) {
        return z[t];
    }

    /** u_t (m×B), the value layer t soft-thresholds, for t in 1..layers. */
    public Matrix u(int t) {
        return u[t];
    }

    /**
     * Space for the residual R_t = D z_{t−1} − X (n×B) of layer t, t in 1..layers, or null for LISTA. A backend
     * may record it in the forward pass and read it back in the reverse pass instead of recomputing it (one
     * product of four per layer of the reverse mode); one that does not leaves it unwritten. Its contents are
     * the backend's, not part of the recorded result.
     */
    public Matrix residual(int t) {
        return r[t];
    }

    Backend owner() {
        return owner;
    }

    void bind(UnrolledModel model, Matrix x, Matrix z0, int layers) {
        this.model = model;
        this.input = x;
        this.start = z0;
        this.batch = x.cols();
        this.layersRun = layers;
        if (viewBatch != batch) {
            // Views are kept while the batch stays the same, so a training loop's passes allocate nothing.
            for (int t = 0; t < zFull.length; t++) {
                zViews[t] = zFull[t].columns(0, batch);
                uViews[t] = uFull[t] == null ? null : uFull[t].columns(0, batch);
                rViews[t] = rFull == null || rFull[t] == null ? null : rFull[t].columns(0, batch);
            }
            viewBatch = batch;
        }
        Arrays.fill(z, null);
        Arrays.fill(u, null);
        Arrays.fill(r, null);
        for (int t = 0; t <= layers; t++) {
            z[t] = zViews[t];
            if (t > 0) {
                u[t] = uViews[t];
                r[t] = rViews[t];
            }
        }
    }

    /** Frees the tape's memory (idempotent). */
    @Override
    public void close() {
        closeAll(zFull);
        closeAll(uFull);
        closeAll(rFull);
    }

    /** Closes every matrix of {@code record} (null, or with null slots where a layer has none). */
    static void closeAll(Matrix[] record) {
        if (record == null) {
            return;
        }
        for (Matrix m : record) {
            if (m != null) {
                m.close();
            }
        }
    }

    boolean isClosed() {
        return zFull[0].isClosed();
    }
}
