package dev.unroll.solvers.io;

import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Everything in an {@code .npy} file before its data, checked against the file's size: the one grammar both
 * readers ({@link Npy}, {@link SignalReader}) use, NumPy's ({@code numpy/lib/format.py}).
 *
 * <p>The file starts with the magic {@code \x93NUMPY}, a version byte pair 1.0, 2.0 or 3.0, the header
 * length (unsigned little-endian, 2 bytes in 1.0, 4 in 2.0 and 3.0) and the header: latin-1 text (UTF-8 in
 * 3.0) holding a Python dict literal with exactly the keys {@code descr}, {@code fortran_order} and
 * {@code shape} ({@link NpyHeader}), padded with blanks and ended by a newline so that the data starts at a
 * multiple of 16 bytes (NumPy has aligned to 64 since 1.14 and to 16 before; both are read). This reader
 * takes 1-D and 2-D arrays of float32, float64, int32 and int64 in either byte order, and the data must
 * fill the rest of the file exactly. Each check happens before anything of the file's stated size is
 * allocated, so a hostile header cannot make the reader allocate more than the file holds.
 *
 * @param header    the parsed header
 * @param type      the element type
 * @param shape     the dimensions (one or two, each fits an {@code int})
 * @param count     the number of elements, the product of the shape (fits one Java array)
 * @param dataStart the byte offset of the first element
 */
record NpyPreamble(NpyHeader header, ElementType type, int[] shape, int count, long dataStart) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy pads to 64 bytes since 1.14, to 16 before; every valid file is a multiple of 16. */
    private static final int ALIGNMENT = 16;

    /** Reads {@code length} bytes at {@code position} of the file, all of them or an exception. */
    @FunctionalInterface
    interface Bytes {
        byte[] read(long position, int length) throws IOException;
    }

    /**
     * Reads and checks the preamble of a file of {@code fileSize} bytes.
     *
     * @param in       reads the file's bytes (only within {@code fileSize})
     * @param source   the file, for messages
     * @throws ModelFileException when the file is not a valid .npy of a supported dtype and rank
     */
    static NpyPreamble read(Bytes in, long fileSize, String source) throws IOException {
        byte[] start = in.read(0, (int) Math.min(fileSize, 12));
        if (start.length < MAGIC.length + 2 || !Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelFileException(source + ": not a .npy file: expected the magic \\x93NUMPY and a "
                    + "version at its start, found " + hexPrefix(start) + "; write the array in Python with "
                    + "numpy.save (numpy.savez/.npz, pickles and text files are other formats)");
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new ModelFileException(source + ": .npy format version " + major + "." + minor
                    + " is not supported; NumPy writes 1.0, 2.0 and 3.0; re-save the array with numpy.save");
        }
        int prefix = major == 1 ? 10 : 12;
        if (start.length < prefix) {
            throw truncated(source, "the header length field", prefix, fileSize);
        }
        ByteBuffer lengthField = ByteBuffer.wrap(start, 8, prefix - 8).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lengthField.getShort() & 0xFFFFL : lengthField.getInt() & 0xFFFFFFFFL;
        if (headerLength > fileSize - prefix) {
            throw truncated(source, "a header of " + headerLength + " bytes", prefix + headerLength, fileSize);
        }
        long dataStart = prefix + headerLength;
        byte[] headerBytes = in.read(prefix, (int) headerLength);
        if (headerLength == 0 || headerBytes[headerBytes.length - 1] != '\n' || dataStart % ALIGNMENT != 0) {
            throw new ModelFileException(source + ": the .npy header must end with a newline and the data must "
                    + "start at a multiple of " + ALIGNMENT + " bytes, but the header of " + headerLength
                    + " bytes ends with " + (headerLength == 0 ? "nothing" : String.format("byte 0x%02x",
                    headerBytes[headerBytes.length - 1] & 0xFF)) + " and the data starts at byte " + dataStart
                    + "; the file is corrupt or not written by numpy.save; re-save it with numpy.save");
        }
        NpyHeader header = NpyHeader.parse(headerText(headerBytes, major, source), major < 3, source);
        ElementType type = ElementType.of(header.descr(), source);
        int[] shape = checkedShape(header, source);
        long count = 1;
        for (int d : shape) {
            count *= d; // each factor ≤ HostMatrix.MAX_ARRAY_LENGTH and the running product is checked at once: no overflow
            if (count > HostMatrix.MAX_ARRAY_LENGTH) {
                throw new ModelFileException(source + ": shape " + header.shapeText() + " holds more elements "
                        + "than one Java array can (2³¹ − 9); split the array into several files");
            }
        }
        long expected = count * type.size();
        long found = fileSize - dataStart;
        if (found != expected) {
            throw new ModelFileException(source + ": shape " + header.shapeText() + " of " + header.descr()
                    + " needs " + expected + " bytes of data after the header, but the file holds " + found
                    + (found < expected ? "; the file was cut short (copy it again or re-save it with numpy.save)"
                            : "; it has trailing bytes that belong to no element (re-save it with numpy.save)"));
        }
        return new NpyPreamble(header, type, shape, (int) count, dataStart);
    }

    private static String headerText(byte[] bytes, int major, String source) {
        // Versions 1 and 2 are latin-1 (every byte a character); version 3 exists for UTF-8 field names.
        if (major < 3) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(source + ": the .npy header (version 3.0) is not valid UTF-8 text; "
                    + "the file is corrupt; re-save it with numpy.save", e);
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
            if (dims[i] > HostMatrix.MAX_ARRAY_LENGTH) {
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

    /**
     * A supported element type: kind ('f' float, 'i' signed integer), size in bytes, byte order. NumPy's
     * descr for these is a byte-order character ({@code <}, {@code >}, {@code =}, {@code |}; NumPy also reads it
     * without one, as native order), the kind and the size: {@code <f8}, {@code >i4}, ...
     */
    record ElementType(char kind, int size, ByteOrder order) {
        static ElementType of(String descr, String source) {
            String body = descr;
            ByteOrder order = ByteOrder.nativeOrder();
            if (!descr.isEmpty() && "<>=|".indexOf(descr.charAt(0)) >= 0) {
                order = switch (descr.charAt(0)) {
                    case '<' -> ByteOrder.LITTLE_ENDIAN;
                    case '>' -> ByteOrder.BIG_ENDIAN;
                    default -> ByteOrder.nativeOrder(); // '=' native; '|' "not applicable"
                };
                body = descr.substring(1);
            }
            return switch (body) {
                case "f4" -> new ElementType('f', 4, order);
                case "f8" -> new ElementType('f', 8, order);
                case "i4" -> new ElementType('i', 4, order);
                case "i8" -> new ElementType('i', 8, order);
                default -> throw new ModelFileException(source + ": unsupported dtype '" + abbreviate(descr) + "'"
                        + describe(body) + "; this reader takes float32 (<f4, >f4), float64 (<f8, >f8) and "
                        + "int32/int64 (<i4, <i8); convert it in Python with "
                        + "numpy.save(path, a.astype(numpy.float64))");
            };
        }

        private static String describe(String body) {
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

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "…";
        }
    }
}
