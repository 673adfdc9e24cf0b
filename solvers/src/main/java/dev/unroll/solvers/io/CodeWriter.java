package dev.unroll.solvers.io;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes codes as a {@code .npy} of shape (N, m), one code per row in C order (the mirror of
 * {@link SignalReader}), a batch at a time, atomically: the whole file appears at the end or not at all.
 * Use it through {@link #write(Path, DType, int, int, Body)}.
 */
public final class CodeWriter {
    private final OutputStream out;
    private final DType dtype;
    private final int atoms;
    private final long expected;
    private long written;

    private CodeWriter(OutputStream out, DType dtype, int atoms, long expected) {
        this.out = out;
        this.dtype = dtype;
        this.atoms = atoms;
        this.expected = expected;
    }

    /** Produces the codes batch by batch. */
    @FunctionalInterface
    public interface Body {
        /** Calls {@link CodeWriter#append} for every batch, in order. */
        void produce(CodeWriter writer) throws IOException;
    }

    /**
     * Writes {@code count} codes of {@code atoms} values to {@code file} in {@code dtype}: the header, then
     * what {@code body} appends. If the body fails or appends a different number of codes, no file is left.
     */
    public static void write(Path file, DType dtype, int count, int atoms, Body body) throws IOException {
        byte[] head = Npy.encodeHeader(new NpyHeader(dtype == DType.F32 ? "<f4" : "<f8", false,
                new long[]{count, atoms}));
        AtomicFiles.write(file, out -> {
            out.write(head);
            CodeWriter w = new CodeWriter(out, dtype, atoms, count);
            body.produce(w);
            if (w.written != count) {
                throw new IOException("the encoder produced " + w.written + " codes for " + count + " signals");
            }
        });
    }

    /** Appends the codes in the columns of {@code z} (m×b). */
    public void append(HostMatrix z) throws IOException {
        if (z.rows() != atoms) {
            throw new IOException("codes have " + z.rows() + " atoms, the file " + atoms);
        }
        int size = dtype == DType.F32 ? 4 : 8;
        ByteBuffer buf = ByteBuffer.allocate(z.values().length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : z.values()) {
            if (size == 4) {
                buf.putFloat((float) v);
            } else {
                buf.putDouble(v);
            }
        }
        out.write(buf.array());
        written += z.cols();
        if (written > expected) {
            throw new IOException("more codes than signals: " + written + " > " + expected);
        }
    }
}
