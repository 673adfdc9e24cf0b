package dev.unroll.engine;

import java.util.Arrays;

/**
 * What the reverse mode needs from a forward pass: the codes z_t and the pre-threshold values u_t of the
 * layers it differentiates, and for the parametrizations built on the residual (all but LISTA) a place for
 * R_t = D z_{t−1} − X, for up to {@link #capacity()} samples. A tape is allocated once per shape with
 * {@link Backend#newTape(NetworkSpec, int, int)} and reused by every forward pass (a workspace: no allocation
 * per training step). Each forward pass rebinds it to its inputs; the reverse pass reads them back.
 *
 * <p>A tape records the last {@link #window()} layers of a pass only: for a pass of k layers, z_t for t in
 * k − w..k and u_t, R_t for t in k − w + 1..k (w = min(window, k)). Truncated back-propagation through the
 * last K layers needs a window of K, and pays for K layers of record instead of all of them; the layers before
 * the window run through the backend's scratch memory.
 *
 * <p>Do not change the input batch or the parameters between the forward and the reverse pass that reads
 * the tape. A tape is not thread-safe: use one per concurrent training loop.
 */
public final class Tape implements AutoCloseable {
    private final Backend owner;
    private final NetworkSpec spec;
    private final int capacity;
    private final int window;
    /** Slot s holds z of layer first + s (s = 0..window), u and R of layer first + s (s = 1..window). */
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
    private int firstRecorded;
    private int batch;
    private UnrolledModel model;

    Tape(Backend owner, NetworkSpec spec, int capacity, Matrix[] zFull, Matrix[] uFull, Matrix[] rFull) {
        this.owner = owner;
        this.spec = spec;
        this.capacity = capacity;
        this.window = zFull.length - 1;
        this.zFull = zFull;
        this.uFull = uFull;
        this.rFull = rFull;
        this.z = new Matrix[spec.layers() + 1];
        this.u = new Matrix[spec.layers() + 1];
        this.r = new Matrix[spec.layers() + 1];
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

    /** The most layers a pass records: its last {@code window} layers (the network's layers for a full tape). */
    public int window() {
        return window;
    }

    /**
     * The first layer index whose z is recorded by the last pass: max(0, layersRun − window). z_t is recorded
     * for t in recordedFrom()..layersRun, u_t and R_t for t in recordedFrom() + 1..layersRun; the reverse mode
     * can differentiate the last layersRun − recordedFrom() layers.
     */
    public int recordedFrom() {
        return firstRecorded;
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

    /**
     * z_t (m×B), the output of layer t; t = 0 is the starting point. Null for a layer before the window
     * ({@code t < recordedFrom()}), whose codes the pass did not record.
     */
    public Matrix z(int t) {
        return z[t];
    }

    /** u_t (m×B), the value layer t soft-thresholds, for t in recordedFrom() + 1..layers; null elsewhere. */
    public Matrix u(int t) {
        return u[t];
    }

    /**
     * Space for the residual R_t = D z_{t−1} − X (n×B) of layer t, t in recordedFrom() + 1..layers, or null for
     * LISTA and outside the window. A backend may record it in the forward pass and read it back in the reverse
     * pass instead of recomputing it (one product of four per layer of the reverse mode); one that does not
     * leaves it unwritten. Its contents are the backend's, not part of the recorded result.
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
        this.firstRecorded = Math.max(0, layers - window);
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
        for (int t = firstRecorded; t <= layers; t++) {
            int slot = t - firstRecorded;
            z[t] = zViews[slot];
            if (slot > 0) {
                u[t] = uViews[slot];
                r[t] = rViews[slot];
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
