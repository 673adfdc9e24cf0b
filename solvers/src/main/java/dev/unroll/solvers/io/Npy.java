package dev.unroll.solvers.io;

import dev.unroll.engine.InvalidArgumentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files, the format of {@code numpy.save} / {@code numpy.load}.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0; 1-D and 2-D arrays; C (row-major) and Fortran
 * (column-major) order; float32 and float64 in either byte order ({@code <f4 >f4 <f8 >f8}) and int32/int64
 * ({@code <i4 >i4 <i8 >i8}, converted to double). Writing produces version 1.0 (2.0 only when the header
 * does not fit 1.0's 64 KiB), little-endian, and stores matrices in Fortran order so the project's
 * column-major arrays go to disk as they are; {@code numpy.load} gives back an ordinary array either way.
 *
 * <p>Every reader checks the whole file before returning and throws {@link ModelFileException} naming the
 * file, what was expected, what came and what to do; files are written atomically ({@link AtomicFiles}).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("([<>=|])([a-zA-Z])(\\d+)");
    /** Largest Java array: files beyond it cannot be held in one array. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

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
        if (size > Integer.MAX_VALUE - 8) {
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

    /** Parses the bytes of a whole .npy file; {@code source} names it in messages. */
    static NpyArray decode(byte[] bytes, String source) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 2 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0,
                MAGIC.length)) {
            throw new ModelFileException(source + ": not a .npy file: expected the magic \\x93NUMPY at its "
                    + "start, found " + hexPrefix(bytes) + "; write the array in Python with numpy.save "
                    + "(numpy.savez/.npz, pickles and text files are other formats)");
        }
        int major = bytes[6] & 0xFF;
        int minor = bytes[7] & 0xFF;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new ModelFileException(source + ": .npy format version " + major + "." + minor
                    + " is not supported; this reader knows 1.0, 2.0 and 3.0; re-save the array with a "
                    + "numpy that writes one of them");
        };
        if (minor != 0) {
            throw new ModelFileException(source + ": .npy format version " + major + "." + minor
                    + " is not supported; expected " + major + ".0; re-save the array with numpy.save");
        }
        int prefix = 8 + lengthBytes;
        if (bytes.length < prefix) {
            throw truncated(source, "the header length field", prefix, bytes.length);
        }
        long headerLength = lengthBytes == 2 ? buf.getShort(8) & 0xFFFFL : buf.getInt(8) & 0xFFFFFFFFL;
        if (prefix + headerLength > bytes.length) {
            throw truncated(source, "a header of " + headerLength + " bytes", prefix + headerLength,
                    bytes.length);
        }
        String text = headerText(bytes, prefix, (int) headerLength, major, source);
        NpyHeader header = NpyHeader.parse(text, source);
        ElementType type = ElementType.of(header.descr(), source);
        int[] shape = checkedShape(header, source);
        long count = 1;
        for (int d : shape) {
            count *= d; // each ≤ MAX_ELEMENTS and the product is checked below against the file size
            if (count > MAX_ELEMENTS) {
                throw new ModelFileException(source + ": shape " + header.shapeText() + " holds more elements "
                        + "than one Java array can (2³¹ − 9); split the array into several files");
            }
        }
        long dataStart = prefix + headerLength;
        long expected = count * type.size;
        long found = bytes.length - dataStart;
        if (found != expected) {
            throw new ModelFileException(source + ": shape " + header.shapeText() + " of " + header.descr()
                    + " needs " + expected + " bytes of data after the header, but the file holds " + found
                    + (found < expected ? "; the file was cut short (copy it again or re-save it with numpy.save)"
                            : "; it has trailing bytes that belong to no element (re-save it with numpy.save)"));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) expected).slice().order(type.order);
        int n = (int) count;
        if (type.kind == 'f' && type.size == 4) {
            float[] out = new float[n];
            data.asFloatBuffer().get(out);
            return new NpyArray(shape, header.fortranOrder(), header.descr(), out, null);
        }
        double[] out = new double[n];
        if (type.kind == 'f') {
            data.asDoubleBuffer().get(out);
        } else if (type.size == 4) {
            for (int i = 0; i < n; i++) {
                out[i] = data.getInt(4 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = data.getLong(8 * i); // exact up to 2^53, rounded beyond
            }
        }
        return new NpyArray(shape, header.fortranOrder(), header.descr(), null, out);
    }

    private static String headerText(byte[] bytes, int start, int length, int major, String source) {
        // Versions 1 and 2 write latin-1 (in practice ASCII); version 3 exists for UTF-8 field names.
        var decoder = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, start, length)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(source + ": the .npy header is not valid UTF-8 text; the file is "
                    + "corrupt; re-save it with numpy.save", e);
        }
    }

    private static int[] checkedShape(NpyHeader header, String source) {
        long[] dims = header.shape();
        if (dims.length < 1 || dims.length > 2) {
            throw new ModelFileException(source + ": expected a 1-D or 2-D array, but the file holds shape "
                    + header.shapeText() + " (" + dims.length + "-D); reshape it in Python first, e.g. "
                    + "numpy.save(path, a.reshape(a.shape[0], -1))");
        }
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > MAX_ELEMENTS) {
                throw new ModelFileException(source + ": dimension " + dims[i] + " of shape "
                        + header.shapeText() + " is larger than one Java array can hold; split the array");
            }
            shape[i] = (int) dims[i];
        }
        return shape;
    }

    private static ModelFileException truncated(String source, String what, long need, long have) {
        return new ModelFileException(source + ": the file is cut short: " + what + " needs " + need
                + " bytes from the start, but the file has " + have + "; copy it again or re-save it with "
                + "numpy.save");
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x ", bytes[i] & 0xFF));
        }
        return bytes.length == 0 ? "an empty file" : "bytes " + sb.toString().strip();
    }

    /** A supported element type: kind ('f' float, 'i' signed integer), size in bytes, byte order. */
    private record ElementType(char kind, int size, ByteOrder order) {
        static ElementType of(String descr, String source) {
            Matcher m = DESCR.matcher(descr);
            if (m.matches()) {
                char kind = m.group(2).charAt(0);
                int size = Integer.parseInt(m.group(3));
                boolean supported = (kind == 'f' || kind == 'i') && (size == 4 || size == 8);
                ByteOrder order = switch (m.group(1).charAt(0)) {
                    case '<' -> ByteOrder.LITTLE_ENDIAN;
                    case '>' -> ByteOrder.BIG_ENDIAN;
                    case '=' -> ByteOrder.nativeOrder();
                    default -> null; // '|': "not applicable", only for one-byte types
                };
                if (supported && order != null) {
                    return new ElementType(kind, size, order);
                }
            }
            throw new ModelFileException(source + ": unsupported dtype '" + descr + "'" + describe(descr)
                    + "; this reader takes float32 (<f4, >f4), float64 (<f8, >f8) and int32/int64 (<i4, <i8); "
                    + "convert it in Python with numpy.save(path, a.astype(numpy.float64))");
        }

        private static String describe(String descr) {
            String body = descr.isEmpty() ? descr : descr.substring(1);
            if (body.startsWith("O")) {
                return " (an object array: Python objects stored as pickles, which are never loaded)";
            }
            if (body.startsWith("c")) {
                return " (complex numbers)";
            }
            if (body.startsWith("U") || body.startsWith("S")) {
                return " (strings)";
            }
            return "";
        }
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
