package dev.unroll.solvers.io;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads and writes NumPy {@code .npy} files, the format of {@code numpy.save} / {@code numpy.load}.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0; 1-D and 2-D arrays; C (row-major) and Fortran
 * (column-major) order; float32 and float64 in either byte order ({@code <f4 >f4 <f8 >f8}) and int32/int64
 * ({@code <i4 >i4 <i8 >i8}, converted to double). Writing produces version 1.0 (2.0 only when the header
 * does not fit 1.0's 64 KiB), little-endian, and stores matrices in Fortran order so the project's
 * column-major arrays go to disk as they are; {@code numpy.load} gives back an ordinary array either way.
 *
 * <p>Both readers of {@code .npy} files (this one and {@link SignalReader}) take NumPy's grammar through
 * {@link NpyPreamble}. Every reader checks the whole file before returning and throws {@link ModelFileException} naming the
 * file, what was expected, what came and what to do; files are written atomically ({@link AtomicFiles}).
 */
public final class Npy {
    private static final byte[] MAGIC = NpyPreamble.MAGIC;

    private Npy() {
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a whole {@code .npy} file.
     *
     * @throws ModelFileException when the file is not a valid .npy of a supported dtype and rank
     * @throws IOException when the file cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        if (size > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new ModelFileException(file + ": " + size + " bytes is more than one Java array can hold "
                    + "(2 GiB); split the array in Python into several .npy files");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * Reads a 1-D or 2-D array as a column-major double matrix (a vector becomes one column).
     *
     * @throws ModelFileException when the file is not a valid .npy of a supported dtype and rank
     * @throws IOException when the file cannot be read
     */
    public static ColumnMajorF64 readMatrixF64(Path file) throws IOException {
        return read(file).toMatrixF64();
    }

    /**
     * Reads a 1-D or 2-D array as a column-major float matrix (a vector becomes one column); float32 files
     * come back bit-exactly, others are rounded to float.
     *
     * @throws ModelFileException when the file is not a valid .npy of a supported dtype and rank
     * @throws IOException when the file cannot be read
     */
    public static ColumnMajorF32 readMatrixF32(Path file) throws IOException {
        return read(file).toMatrixF32();
    }

    /**
     * Reads a 1-D array as doubles.
     *
     * @throws ModelFileException when the file is not a valid 1-D .npy of a supported dtype
     * @throws IOException when the file cannot be read
     */
    public static double[] readVectorF64(Path file) throws IOException {
        NpyArray a = read(file);
        if (a.rank() != 1) {
            throw new ModelFileException(file + ": expected a 1-D array, but the file holds shape "
                    + Arrays.toString(a.shape()) + "; read it with readMatrixF64, or save a vector "
                    + "in Python with numpy.save(path, a.ravel())");
        }
        return a.data();
    }

    /**
     * Parses the bytes of a whole {@code .npy} file (e.g. an HTTP request body) with the same checks as
     * {@link #read}; {@code source} names it in messages.
     *
     * @throws ModelFileException when the bytes are not a valid .npy of a supported dtype and rank
     */
    public static NpyArray decode(byte[] bytes, String source) {
        Objects.requireNonNull(bytes, "bytes");
        NpyPreamble p;
        try {
            p = NpyPreamble.read((position, length) -> Arrays.copyOfRange(bytes, (int) position,
                    (int) position + length), bytes.length, source);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        NpyPreamble.ElementType type = p.type();
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) p.dataStart(), p.count() * type.size()).slice()
                .order(type.order());
        int n = p.count();
        NpyHeader header = p.header();
        if (type.kind() == 'f' && type.size() == 4) {
            float[] out = new float[n];
            data.asFloatBuffer().get(out);
            return new NpyArray(p.shape(), header.fortranOrder(), header.descr(), out, null);
        }
        double[] out = new double[n];
        if (type.kind() == 'f') {
            data.asDoubleBuffer().get(out);
        } else if (type.size() == 4) {
            for (int i = 0; i < n; i++) {
                out[i] = data.getInt(4 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = data.getLong(8 * i); // exact up to 2^53, rounded beyond
            }
        }
        return new NpyArray(p.shape(), header.fortranOrder(), header.descr(), null, out);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a rows×cols float32 matrix given column-major (as the backends use), as {@code <f4} in Fortran
     * order. Bit-exact: NaN payloads, −0.0 and subnormals are kept.
     *
     * @throws InvalidArgumentException when the array does not hold rows·cols elements
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void writeF32(Path file, float[] colMajor, int rows, int cols) throws IOException {
        Objects.requireNonNull(colMajor, "colMajor");
        ColumnMajorF32.checkShape(rows, cols, colMajor.length);
        ByteBuffer data = ByteBuffer.allocate(4 * colMajor.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(colMajor);
        write(file, new NpyHeader("<f4", true, new long[] {rows, cols}), data.array());
    }

    /**
     * Writes a rows×cols float64 matrix given column-major, as {@code <f8} in Fortran order. Bit-exact.
     *
     * @throws InvalidArgumentException when the array does not hold rows·cols elements
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void writeF64(Path file, double[] colMajor, int rows, int cols) throws IOException {
        Objects.requireNonNull(colMajor, "colMajor");
        ColumnMajorF32.checkShape(rows, cols, colMajor.length);
        ByteBuffer data = ByteBuffer.allocate(8 * colMajor.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(colMajor);
        write(file, new NpyHeader("<f8", true, new long[] {rows, cols}), data.array());
    }

    /** Writes a column-major double matrix as {@code <f8} in Fortran order (see {@link #writeF64}). */
    public static void write(Path file, ColumnMajorF64 matrix) throws IOException {
        Objects.requireNonNull(matrix, "matrix");
        writeF64(file, matrix.data(), matrix.rows(), matrix.cols());
    }

    /** Writes a column-major float matrix as {@code <f4} in Fortran order (see {@link #writeF32}). */
    public static void write(Path file, ColumnMajorF32 matrix) throws IOException {
        Objects.requireNonNull(matrix, "matrix");
        writeF32(file, matrix.data(), matrix.rows(), matrix.cols());
    }

    /**
     * Writes a 1-D float64 array of shape (n,). Bit-exact.
     *
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void writeF64Vector(Path file, double[] values) throws IOException {
        Objects.requireNonNull(values, "values");
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(values);
        write(file, new NpyHeader("<f8", false, new long[] {values.length}), data.array());
    }

    /**
     * Writes a 1-D float32 array of shape (n,). Bit-exact.
     *
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void writeF32Vector(Path file, float[] values) throws IOException {
        Objects.requireNonNull(values, "values");
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        write(file, new NpyHeader("<f4", false, new long[] {values.length}), data.array());
    }

    /**
     * The bytes of a {@code .npy} file holding {@code values} in C (row-major) order with {@code shape} (one
     * or two dimensions), as {@code <f4}: what {@code numpy.load} reads from a buffer or an HTTP response.
     *
     * @throws InvalidArgumentException when the shape is not 1-D or 2-D or does not hold values.length elements
     */
    public static byte[] toBytes(float[] values, int... shape) {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return concat(encodeHeader(new NpyHeader("<f4", false, longs(shape))), data.array());
    }

    /** As {@link #toBytes(float[], int...)}, as {@code <f8}. */
    public static byte[] toBytes(double[] values, int... shape) {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(values);
        return concat(encodeHeader(new NpyHeader("<f8", false, longs(shape))), data.array());
    }

    private static void checkShape(int length, int[] shape) {
        long count = 1;
        for (int d : shape) {
            count *= Math.max(d, -1);
        }
        if (shape.length < 1 || shape.length > 2 || count != length) {
            throw new InvalidArgumentException("a .npy of shape " + Arrays.toString(shape) + " cannot hold " + length
                    + " values; give a 1-D or 2-D shape whose product is the number of values");
        }
    }

    private static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    private static byte[] concat(byte[] head, byte[] data) {
        byte[] out = Arrays.copyOf(head, head.length + data.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        return out;
    }

    private static void write(Path file, NpyHeader header, byte[] data) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] head = encodeHeader(header);
        AtomicFiles.write(file, out -> {
            out.write(head);
            out.write(data);
        });
    }

    /** Magic, version, header length and the padded header text: everything before the data. */
    static byte[] encodeHeader(NpyHeader header) {
        String text = header.format(10);
        int major = 1;
        if (text.length() > 0xFFFF) {
            major = 2; // version 1.0's length field is an unsigned 16-bit integer
            text = header.format(12);
        }
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer out = ByteBuffer.allocate(prefix + body.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) body.length);
        } else {
            out.putInt(body.length);
        }
        out.put(body);
        return out.array();
    }
}
