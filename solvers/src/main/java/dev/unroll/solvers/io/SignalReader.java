package dev.unroll.solvers.io;

import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads signals from a {@code .npy} file of shape (N, n) — one signal per row, as NumPy, scikit-learn and
 * the reference code store them — a batch at a time, so files larger than memory stream through. A C-order
 * (N, n) array is byte for byte the column-major n×N matrix the backends take, so a batch is one contiguous
 * read. Other layouts (Fortran order, integer dtypes) are read whole through {@link Npy#read} and served
 * from memory. Close it to release the file.
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
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(prefix, 0);
            byte[] p = prefix.array();
            boolean magic = prefix.position() >= 10 && (p[0] & 0xFF) == 0x93 && p[1] == 'N' && p[2] == 'U' && p[3] == 'M'
                    && p[4] == 'P' && p[5] == 'Y';
            int major = p[6] & 0xFF;
            if (magic && (major == 1 || major == 2)) {
                int lengthBytes = major == 1 ? 2 : 4;
                long headerLength = major == 1 ? prefix.getShort(8) & 0xFFFF : prefix.getInt(8) & 0xFFFFFFFFL;
                if (headerLength < 1 << 20) {
                    ByteBuffer head = ByteBuffer.allocate((int) headerLength);
                    ch.read(head, 8 + lengthBytes);
                    NpyHeader h = NpyHeader.parse(new String(head.array(), 0, head.position(),
                            StandardCharsets.ISO_8859_1), source);
                    String d = h.descr();
                    boolean streamable = !h.fortranOrder() && (h.shape().length == 2 || h.shape().length == 1)
                            && (d.equals("<f4") || d.equals("<f8"));
                    if (streamable) {
                        long rows = h.shape()[0];
                        long cols = h.shape().length == 2 ? h.shape()[1] : rows;
                        if (h.shape().length == 1) {
                            rows = 1;
                        }
                        int size = d.equals("<f4") ? 4 : 8;
                        long start = 8 + lengthBytes + headerLength;
                        long expected = rows * cols * size;
                        if (ch.size() - start != expected) {
                            throw new ModelFileException(source + ": shape " + h.shapeText() + " of " + d + " needs "
                                    + expected + " bytes of data, but the file holds " + (ch.size() - start)
                                    + "; the file is cut short or padded — save it again with numpy.save");
                        }
                        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
                            throw new ModelFileException(source + ": shape " + h.shapeText() + " is too large");
                        }
                        return new SignalReader(source, ch, null, (int) rows, (int) cols, size,
                                ByteOrder.LITTLE_ENDIAN, start);
                    }
                }
            }
            ch.close();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        // Anything else: read whole (Npy validates and explains), then treat rows as signals.
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

    /** The next {@code max} signals at most, as an n×b matrix (b = 0 at the end). */
    public HostMatrix next(int max) throws IOException {
        int b = Math.min(max, count - next);
        HostMatrix out;
        if (inMemory != null) {
            out = inMemory.columns(next, next + b);
        } else {
            ByteBuffer buf = ByteBuffer.allocate(b * dim * elementSize).order(order);
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

    /** Reads every remaining signal (n×remaining). */
    public HostMatrix readAll() throws IOException {
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
