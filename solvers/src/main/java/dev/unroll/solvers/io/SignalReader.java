package dev.unroll.solvers.io;

import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads signals from a {@code .npy} file of shape (N, n) — one signal per row, as NumPy, scikit-learn and
 * the reference code store them — a batch at a time, so files larger than memory stream through. A C-order
 * (N, n) array is byte for byte the column-major n×N matrix the backends take, so a batch is one contiguous
 * read. Other layouts (Fortran order, integer dtypes) are read whole through {@link Npy#read} and served
 * from memory. Both paths check the file with NumPy's grammar ({@link NpyPreamble}) before any signal is
 * read. Close it to release the file.
 */
public final class SignalReader implements AutoCloseable {
    private final String source;
    private final FileChannel channel;
    private final HostMatrix inMemory;
    private final int count;
    private final int dim;
    private final int elementSize;
    private final ByteOrder order;
    private final long dataStart;
    private int next;

    private SignalReader(String source, FileChannel channel, HostMatrix inMemory, int count, int dim, int elementSize,
                         ByteOrder order, long dataStart) {
        this.source = source;
        this.channel = channel;
        this.inMemory = inMemory;
        this.count = count;
        this.dim = dim;
        this.elementSize = elementSize;
        this.order = order;
        this.dataStart = dataStart;
    }

    /**
     * Opens {@code file}, checking that it holds a 2-D (or 1-D: one signal) float array whose data length
     * matches its shape.
     *
     * @throws ModelFileException when it is not such a file
     */
    public static SignalReader open(Path file) throws IOException {
        String source = file.toString();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            NpyPreamble p = NpyPreamble.read((position, length) -> readFully(ch, position, length, source),
                    ch.size(), source);
            if (!p.header().fortranOrder() && p.type().kind() == 'f') {
                int[] shape = p.shape();
                int rows = shape.length == 2 ? shape[0] : 1; // a 1-D array is one signal
                int cols = shape.length == 2 ? shape[1] : shape[0];
                if ((long) cols * p.type().size() > HostMatrix.MAX_ARRAY_LENGTH) {
                    throw new ModelFileException(source + ": one signal of dimension " + cols + " is more than "
                            + "one Java array holds; split the signals into shorter ones");
                }
                return new SignalReader(source, ch, null, rows, cols, p.type().size(), p.type().order(),
                        p.dataStart());
            }
            ch.close();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        // Fortran order or integers: read whole (the same grammar, through Npy), then treat rows as signals.
        NpyArray a = Npy.read(file);
        HostMatrix m;
        if (a.rank() == 1) {
            m = new HostMatrix(a.rows() * a.cols(), 1, a.toColumnMajor());
        } else {
            // (N, n) column-major from NumPy's point of view: transpose into n×N.
            m = new HostMatrix(a.rows(), a.cols(), a.toColumnMajor()).transpose();
        }
        return new SignalReader(source, null, m, m.cols(), m.rows(), 8, ByteOrder.LITTLE_ENDIAN, 0);
    }

    private static byte[] readFully(FileChannel ch, long position, int length, String source) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new ModelFileException(source + ": the file ended at byte " + (position + buf.position())
                        + " while reading its header; it was cut short while being read (was it being written?)");
            }
        }
        return buf.array();
    }

    /** The number of signals N in the file. */
    public int count() {
        return count;
    }

    /** The signal dimension n. */
    public int dimension() {
        return dim;
    }

    /** Signals not read yet. */
    public int remaining() {
        return count - next;
    }

    /**
     * The next {@code max} signals at most, as an n×b matrix (b = 0 at the end); fewer when {@code max}
     * signals would not fit one Java array.
     */
    public HostMatrix next(int max) throws IOException {
        int fit = (int) Math.max(1, HostMatrix.MAX_ARRAY_LENGTH / Math.max(1, (long) dim * elementSize));
        int b = Math.min(Math.min(max, fit), count - next);
        HostMatrix out;
        if (inMemory != null) {
            out = inMemory.columns(next, next + b);
        } else {
            ByteBuffer buf = ByteBuffer.allocate(b * dim * elementSize).order(order); // ≤ HostMatrix.MAX_ARRAY_LENGTH: see fit
            long pos = dataStart + (long) next * dim * elementSize;
            while (buf.hasRemaining()) {
                int r = channel.read(buf, pos + buf.position());
                if (r < 0) {
                    throw new ModelFileException(source + " ended early while reading signal " + next);
                }
            }
            buf.flip();
            double[] v = new double[b * dim];
            if (elementSize == 4) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = buf.getFloat();
                }
            } else {
                buf.asDoubleBuffer().get(v);
            }
            out = new HostMatrix(dim, b, v);
        }
        next += b;
        return out;
    }

    /** Reads every remaining signal (n×remaining), in one matrix as far as one Java array holds them. */
    public HostMatrix readAll() throws IOException {
        if ((long) remaining() * dim * elementSize > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new ModelFileException(source + ": " + remaining() + " signals of dimension " + dim + " are more "
                    + "than one Java array holds (2³¹ − 9 bytes read at once); read them in batches with next(max)");
        }
        return next(remaining());
    }

    /** Releases the file. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
