package dev.unroll.solvers.io;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an
 * 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data buffer that
 * follows) plus an optional {@code "__metadata__"} map of strings to strings, then the data buffer, every
 * tensor little-endian and row-major.
 *
 * <p>Writing keeps the tensors in the map's order, packs them without gaps, and pads the header with blanks
 * to a multiple of 8 bytes (as the reference writer does) so every tensor starts 8-byte aligned. Reading
 * takes F32 and F64 as they are, bit for bit, and F16/BF16 widened exactly to F32 tensors. Before it
 * returns anything the reader checks the header length (≤ 100 MB and inside the file), the JSON, every
 * dtype, shape and offset, that the offsets tile the buffer without gap or overlap and that the buffer
 * ends where the file ends; any failure is a {@link ModelFileException} naming the tensor and the mismatch.
 */
public final class Safetensors {
    /** The reference implementation's limit; a larger header is a corrupt or hostile file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";

    /**
     * The content of a safetensors file.
     *
     * @param tensors the tensors by name, in the order of their data in the file (unmodifiable)
     * @param metadata the {@code __metadata__} map, empty when the file has none (unmodifiable)
     */
    public record Contents(SequencedMap<String, Tensor> tensors, SequencedMap<String, String> metadata) {
        /** Copies both maps into unmodifiable ones, keeping their order. */
        public Contents {
            tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(metadata));
        }

        /**
         * The tensor called {@code name}.
         *
         * @throws ModelFileException when there is none; the message lists the names there are
         */
        public Tensor tensor(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new ModelFileException("no tensor named '" + name + "'; the file holds "
                        + tensors.keySet());
            }
            return t;
        }
    }

    private Safetensors() {
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes tensors (in the map's iteration order) and metadata to {@code file}, atomically.
     *
     * @param tensors tensor names to tensors; no name may be {@code __metadata__}
     * @param metadata free-form string pairs stored under {@code __metadata__} (may be empty)
     * @throws InvalidArgumentException on a null or reserved name, or a null metadata key or value
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] head = encodeHeader(tensors, metadata);
        List<Tensor> order = new ArrayList<>(tensors.values());
        AtomicFiles.write(file, out -> {
            out.write(head);
            for (Tensor t : order) {
                writeData(t, out);
            }
        });
    }

    /** Writes tensors without metadata (see {@link #write(Path, Map, Map)}). */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** The 8-byte length and the padded JSON header for these tensors, laid out in iteration order. */
    static byte[] encodeHeader(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new InvalidArgumentException("metadata entry " + e.getKey() + " = " + e.getValue()
                            + " has a null key or value; safetensors metadata maps strings to strings");
                }
                meta.put(e.getKey(), e.getValue());
            }
            header.put(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || METADATA_KEY.equals(name)) {
                throw new InvalidArgumentException("tensor name " + name + " is not allowed: names must be "
                        + "non-null and not '" + METADATA_KEY + "', which holds the metadata");
            }
            if (t == null) {
                throw new InvalidArgumentException("tensor '" + name + "' is null; give every name a tensor");
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().name());
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) {
                shape.add((long) d);
            }
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + t.byteSize()));
            offset += t.byteSize();
            header.put(name, info);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // blanks, so the data buffer starts 8-byte aligned
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    private static void writeData(Tensor t, OutputStream out) throws IOException {
        final int chunk = 1 << 16; // elements per write, so a large tensor needs no second full-size copy
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        if (t.rawF32() != null) {
            float[] a = t.rawF32();
            for (int start = 0; start < a.length; start += chunk) {
                int n = Math.min(chunk, a.length - start);
                buf.clear();
                buf.asFloatBuffer().put(a, start, n);
                out.write(buf.array(), 0, 4 * n);
            }
        } else {
            double[] a = t.rawF64();
            for (int start = 0; start < a.length; start += chunk) {
                int n = Math.min(chunk, a.length - start);
                buf.clear();
                buf.asDoubleBuffer().put(a, start, n);
                out.write(buf.array(), 0, 8 * n);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a whole safetensors file.
     *
     * @throws ModelFileException when the file breaks the format or holds a dtype other than F32, F64, F16
     *     or BF16; nothing is returned then
     * @throws IOException when the file cannot be read
     */
    public static Contents read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new ModelFileException(source + ": a safetensors file starts with an 8-byte header "
                        + "length, but the file has only " + fileSize + " bytes; it is cut short or not a "
                        + "safetensors file");
            }
            long n = readFully(ch, 0, 8, source).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 0 || n > MAX_HEADER_BYTES || n > fileSize - 8) {
                throw new ModelFileException(source + ": header length " + Long.toUnsignedString(n)
                        + " bytes is not possible: it must be at most " + MAX_HEADER_BYTES + " and fit in the "
                        + (fileSize - 8) + " bytes after the length field; the file is cut short, corrupt, or "
                        + "not a safetensors file");
            }
            ByteBuffer headerBytes = readFully(ch, 8, (int) n, source);
            List<Entry> entries = new ArrayList<>();
            SequencedMap<String, String> metadata = new LinkedHashMap<>();
            parseHeader(headerBytes, source, entries, metadata);
            long bufferSize = fileSize - 8 - n;
            checkLayout(entries, bufferSize, source);
            SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer data = readFully(ch, 8 + n + e.begin, (int) (e.end - e.begin), source)
                        .order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(e.name, e.decode(data));
            }
            return new Contents(tensors, metadata);
        }
    }

    /** One tensor's header entry, checked on its own; the layout across tensors is checked after. */
    private record Entry(String name, String dtype, int[] shape, long begin, long end, long count) {
        int elementBytes() {
            return switch (dtype) {
                case "F64" -> 8;
                case "F32" -> 4;
                default -> 2; // F16, BF16
            };
        }

        Tensor decode(ByteBuffer data) {
            int n = (int) count;
            switch (dtype) {
                case "F64" -> {
                    double[] out = new double[n];
                    data.asDoubleBuffer().get(out);
                    return Tensor.wrapF64(shape, out);
                }
                case "F32" -> {
                    float[] out = new float[n];
                    data.asFloatBuffer().get(out);
                    return Tensor.wrapF32(shape, out);
                }
                case "F16" -> {
                    float[] out = new float[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(data.getShort(2 * i)); // exact: F32 holds every F16
                    }
                    return Tensor.wrapF32(shape, out);
                }
                default -> { // BF16: the upper half of an F32
                    float[] out = new float[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16);
                    }
                    return Tensor.wrapF32(shape, out);
                }
            }
        }
    }

    private static void parseHeader(ByteBuffer bytes, String source, List<Entry> entries,
                                    Map<String, String> metadata) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(source + ": the safetensors header is not valid UTF-8; the file is "
                    + "corrupt or not a safetensors file", e);
        }
        if (!text.startsWith("{")) {
            throw new ModelFileException(source + ": the safetensors header must start with '{', but it "
                    + "starts with " + quoteStart(text) + "; the file is corrupt or not a safetensors file");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source + ": the safetensors header is not valid JSON: "
                    + e.getMessage() + "; the file is corrupt; write it again", e);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ModelFileException(source + ": the safetensors header must be a JSON object, but it "
                    + "starts with " + quoteStart(text));
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (METADATA_KEY.equals(name)) {
                readMetadata(e.getValue(), source, metadata);
            } else {
                entries.add(readEntry(name, e.getValue(), source));
            }
        }
    }

    private static void readMetadata(Object value, String source, Map<String, String> metadata) {
        if (value == null) {
            return; // some writers emit "__metadata__": null for "none"
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ModelFileException(source + ": " + METADATA_KEY + " must be an object of string values, "
                    + "but it is " + Json.show(value));
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ModelFileException(source + ": " + METADATA_KEY + " entry '" + abbreviate((String) e.getKey()) + "'"
                        + " must be a string, but it is " + Json.show(e.getValue())
                        + "; safetensors metadata maps strings to strings (encode other values as text)");
            }
            metadata.put((String) e.getKey(), s);
        }
    }

    private static Entry readEntry(String name, Object value, String source) {
        String where = source + ": tensor '" + abbreviate(name) + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new ModelFileException(where + " must be an object with dtype, shape and data_offsets, but "
                    + "it is " + Json.show(value));
        }
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!info.containsKey(key)) {
                throw new ModelFileException(where + " has no '" + key + "'; each tensor needs dtype, shape and "
                        + "data_offsets; the file is corrupt or from an incompatible writer");
            }
        }
        if (!(info.get("dtype") instanceof String dtype)) {
            throw new ModelFileException(where + ": dtype must be a string such as \"F32\", but it is "
                    + Json.show(info.get("dtype")));
        }
        switch (dtype) {
            case "F32", "F64", "F16", "BF16" -> { }
            case "BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64", "F8_E5M2", "F8_E4M3", "C64" ->
                    throw new ModelFileException(where + " has dtype " + dtype + ", which this reader does not "
                            + "take; expected F32 or F64 (or F16/BF16, widened to F32); convert the tensor to "
                            + "float32 or float64 before saving");
            default -> throw new ModelFileException(where + " has unknown dtype '" + dtype + "'; expected F32, "
                    + "F64, F16 or BF16");
        }
        List<Long> dims = longs(info.get("shape"), where + ": shape");
        int[] shape = new int[dims.size()];
        long count = 1; // Long.MAX_VALUE stands for "overflows 64 bits"
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d > Integer.MAX_VALUE) {
                throw new ModelFileException(where + ": dimension " + d + " of shape " + Json.show(dims) + " is larger than a "
                        + "Java array can hold");
            }
            shape[i] = (int) d;
            count = count == Long.MAX_VALUE ? count : multiplyOrMax(count, d);
        }
        if (dims.contains(0L)) {
            count = 0;
        }
        List<Long> offsets = longs(info.get("data_offsets"), where + ": data_offsets");
        if (offsets.size() != 2 || offsets.get(0) > offsets.get(1)) {
            throw new ModelFileException(where + ": data_offsets must be [begin, end] with begin ≤ end, but they "
                    + "are " + offsets);
        }
        Entry e = new Entry(name, dtype, shape, offsets.get(0), offsets.get(1), count);
        long length = e.end - e.begin;
        long needed = multiplyOrMax(count, e.elementBytes());
        if (needed != length) {
            throw new ModelFileException(where + ": shape " + Json.show(dims) + " of " + dtype + " needs "
                    + (needed == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(needed))
                    + " bytes, but data_offsets " + offsets + " span " + length + " bytes; the header is corrupt");
        }
        if (length > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new ModelFileException(where + ": " + length + " bytes is more than one Java array can hold; "
                    + "split the tensor into several");
        }
        return e;
    }

    private static long multiplyOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    private static List<Long> longs(Object value, String what) {
        if (value instanceof List<?> list) {
            List<Long> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Long l) || l < 0) {
                    out = null;
                    break;
                }
                out.add(l);
            }
            if (out != null) {
                return out;
            }
        }
        throw new ModelFileException(what + " must be a list of non-negative integers, but it is "
                + Json.show(value));
    }

    /** The offsets, sorted, must tile [0, bufferSize) exactly: no gap, no overlap, nothing after. */
    private static void checkLayout(List<Entry> entries, long bufferSize, String source) {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw new ModelFileException(source + ": tensor '" + e.name + "' starts at byte " + e.begin
                        + " of the data buffer, but the previous tensor ends at " + expected + (e.begin > expected
                        ? " (a gap)" : " (an overlap)") + "; tensors must be packed contiguously; the header is "
                        + "corrupt");
            }
            expected = e.end;
        }
        if (expected != bufferSize) {
            String last = entries.isEmpty() ? "no tensor" : "the last tensor ('" + entries.getLast().name + "')";
            throw new ModelFileException(source + ": the data buffer holds " + bufferSize + " bytes but "
                    + last + " ends at byte " + expected + (bufferSize < expected
                    ? "; the file is cut short (copy it again)" : "; the file has trailing bytes that belong to "
                    + "no tensor"));
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length, String source)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) {
                throw new ModelFileException(source + ": the file ended at byte " + (position + buf.position())
                        + " while reading " + length + " bytes from byte " + position
                        + "; it was cut short while being read (was it being written?)");
            }
        }
        return buf.flip();
    }

    /** A name from the file, cut to 100 characters: a hostile header can make one megabytes long. */
    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static String quoteStart(String text) {
        return text.isEmpty() ? "nothing (an empty header)"
                : "'" + text.substring(0, Math.min(20, text.length())) + "'";
    }
}
