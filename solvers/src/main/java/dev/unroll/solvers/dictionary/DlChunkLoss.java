package dev.unroll.solvers.dictionary;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * h(D, s) and its gradient over a chunk of signals handed in from the host, for a {@link DlLoss} that adds
 * up chunks held elsewhere (a cluster's partitions): the chunks' sums add up to the whole set's, as h is a sum
 * over signals. Holds the unrolled encoder and a buffer for chunks of up to {@code capacity} signals; close
 * it to free them.
 */
public final class DlChunkLoss implements AutoCloseable {
    private final Backend be;
    private final DlObjective objective;
    private final Matrix buffer;
    private final int capacity;

    /** For n×m dictionaries, chunks of up to {@code capacity} signals. */
    public DlChunkLoss(Backend backend, DlOptions options, int signalDim, int atoms, int capacity) {
        this.be = backend;
        this.capacity = capacity;
        this.objective = new DlObjective(backend, options, signalDim, atoms, capacity);
        try {
            this.buffer = backend.allocate(options.dtype(), signalDim, capacity);
        } catch (RuntimeException e) {
            objective.close();
            throw e;
        }
    }

    /** h(D, s) summed over the signals of {@code x} (n×c, c ≤ capacity). */
    public double value(HostMatrix d, double[] s, HostMatrix x) {
        return objective.value(d, s, upload(x));
    }

    /** As {@link DlLoss#gradient}, over the signals of {@code x} (n×c, c ≤ capacity). */
    public double gradient(HostMatrix d, double[] s, HostMatrix x, int depth, double[] gD, double[] gS) {
        return objective.gradient(d, s, upload(x), depth, gD, gS);
    }

    private Matrix upload(HostMatrix x) {
        if (x.cols() < 1 || x.cols() > capacity || x.rows() != buffer.rows()) {
            throw new InvalidArgumentException("a chunk must be " + buffer.rows() + "×c with 1 ≤ c ≤ " + capacity
                    + ", but is " + x.rows() + "×" + x.cols());
        }
        Matrix view = buffer.columns(0, x.cols());
        Uploads.write(be, x, view);
        return view;
    }

    @Override
    public void close() {
        objective.close();
        buffer.close();
    }
}
