package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static LinkedHashMap<String, Tensor> sample() {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("layer.0.W", Tensor.f32(new int[] {4, 4}, NpyTest.TRICKY_F32));
        t.put("layer.0.theta", Tensor.f64(new int[] {16}, NpyTest.TRICKY_F64));
        t.put("scalar", Tensor.f64(new int[] {}, new double[] {-0.0}));
        t.put("empty", Tensor.f32(new int[] {0, 3}, new float[0]));
        t.put("ünïcode \"name\"\n", Tensor.f32(new int[] {1, 1, 2}, new float[] {1, 2}));
        return t;
    }

    @Test
    void roundTripIsBitExactAndKeepsOrderAndMetadata() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("parametrization", "lista");
        meta.put("note", "quotes \" and \\ and \u00e9");
        Safetensors.write(f, sample(), meta);
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(c.tensors().keySet()));
        for (var e : sample().entrySet()) {
            assertEquals(e.getValue(), c.tensor(e.getKey()), e.getKey()); // Tensor.equals compares raw bits
        }
        NpyTest.assertBits(NpyTest.TRICKY_F32, c.tensor("layer.0.W").floats());
        NpyTest.assertBits(NpyTest.TRICKY_F64, c.tensor("layer.0.theta").doubles());
        assertEquals(meta, c.metadata());
        assertEquals(DType.F64, c.tensor("scalar").dtype());
        assertEquals(0, c.tensor("scalar").shape().length);
        assertTrue(assertThrows(ModelFileException.class, () -> c.tensor("nope")).getMessage().contains("scalar"));
    }

    @Test
    void layoutFollowsTheSpec() throws IOException {
        Path f = dir.resolve("m.safetensors");
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", Tensor.f32(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        t.put("a", Tensor.f64(new int[] {2}, new double[] {0.5, -1}));
        Safetensors.write(f, t, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]}}", header.stripTrailing());
        assertEquals(8 + n + 40, bytes.length);
        int data = (int) (8 + n);
        assertEquals(1f, b.getFloat(data)); // row-major, little-endian
        assertEquals(6f, b.getFloat(data + 20));
        assertEquals(0.5, b.getDouble(data + 24));
        assertEquals(-1.0, b.getDouble(data + 32));
    }

    @Test
    void columnMajorConversions() {
        ColumnMajorF64 m = new ColumnMajorF64(2, 3, new double[] {1, 4, 2, 5, 3, 6}); // [[1,2,3],[4,5,6]]
        Tensor t = Tensor.ofColumnMajor(m);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t.doubles());
        assertArrayEquals(m.data(), t.toMatrixF64().data());
        ColumnMajorF32 mf = new ColumnMajorF32(3, 1, new float[] {7, 8, 9});
        Tensor tf = Tensor.ofColumnMajor(mf);
        assertArrayEquals(new float[] {7, 8, 9}, tf.toMatrixF32().data());
        assertArrayEquals(new double[] {7, 8, 9}, tf.toF64());
        Tensor v = Tensor.vectorF64(new double[] {1, 2});
        assertEquals(2, v.toMatrixF64().rows());
        assertEquals(1, v.toMatrixF64().cols());
        assertThrows(ShapeMismatchException.class, () -> Tensor.f32(new int[] {2, 2, 2}, new float[8]).toMatrixF32());
        assertThrows(InvalidArgumentException.class, () -> t.floats());
        assertThrows(ShapeMismatchException.class, () -> Tensor.f64(new int[] {2, 2}, new double[3]));
        assertThrows(ShapeMismatchException.class, () -> Tensor.f64(new int[] {-1}, new double[0]));
    }

    @Test
    void writerRefusesReservedAndNullNames() {
        Path f = dir.resolve("w.safetensors");
        Map<String, Tensor> reserved = Map.of("__metadata__", Tensor.vectorF32(new float[1]));
        assertThrows(InvalidArgumentException.class, () -> Safetensors.write(f, reserved));
        Map<String, Tensor> nullTensor = new LinkedHashMap<>();
        nullTensor.put("x", null);
        assertThrows(InvalidArgumentException.class, () -> Safetensors.write(f, nullTensor));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(InvalidArgumentException.class, () -> Safetensors.write(f, Map.of(), nullValue));
        assertTrue(Files.notExists(f));
    }

    @Test
    void readsF16AndBf16WidenedExactly() throws IOException {
        // 1.0, -2.5, 65504 (max), 2^-24 (smallest subnormal) as F16; 1.0, -2.5 and 3.0e38-ish as BF16
        short[] f16 = {0x3c00, (short) 0xc100, 0x7bff, 0x0001};
        short[] bf16 = {0x3f80, (short) 0xc020, 0x7f61};
        ByteBuffer data = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : f16) {
            data.putShort(s);
        }
        for (short s : bf16) {
            data.putShort(s);
        }
        Path f = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}", data.array());
        Safetensors.Contents c = Safetensors.read(f);
        assertArrayEquals(new float[] {1f, -2.5f, 65504f, 0x1p-24f}, c.tensor("h").floats());
        assertArrayEquals(new float[] {1f, -2.5f, Float.intBitsToFloat(0x7f610000)}, c.tensor("b").floats());
    }

    @Test
    void tensorsMayBeListedInAnyOrder() throws IOException {
        Path f = file("{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", le4(1f, 2f));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.of("first", "second"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {2f}, c.tensor("second").floats());
    }

    // ------------------------------------------------------------ every error names the tensor and the mismatch

    private String fails(String header, byte[] data) throws IOException {
        Path f = file(header, data);
        return assertThrows(ModelFileException.class, () -> Safetensors.read(f)).getMessage();
    }

    private static final String ONE = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    @Test
    void headerLengthMustBeSane() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[5]);
        assertTrue(assertThrows(ModelFileException.class, () -> Safetensors.read(tiny)).getMessage()
                .contains("only 5 bytes"));
        for (long n : new long[] {1L << 40, -1L, 200_000_000L, 1000}) {
            Path f = dir.resolve("len.safetensors");
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
            Files.write(f, b.array());
            String m = assertThrows(ModelFileException.class, () -> Safetensors.read(f)).getMessage();
            assertTrue(m.contains("header length") && m.contains(Long.toUnsignedString(n)), m);
        }
    }

    @Test
    void headerMustBeJsonObject() throws IOException {
        assertTrue(fails("[1, 2]", new byte[0]).contains("must start with '{'"));
        String m = fails("{\"w\": {\"dtype\": \"F32\",", new byte[0]);
        assertTrue(m.contains("not valid JSON") && m.contains("character"), m);
        assertTrue(fails(ONE.replace("}}", "}} x"), le4(1, 2)).contains("not valid JSON"));
        String dup = fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", le4(1, 2));
        assertTrue(dup.contains("duplicate key") && dup.contains("\"w\""), dup);
        Path bad = dir.resolve("utf.safetensors");
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putLong(2).put((byte) '{')
                .put((byte) 0xff);
        Files.write(bad, b.array());
        assertTrue(assertThrows(ModelFileException.class, () -> Safetensors.read(bad)).getMessage()
                .contains("UTF-8"));
    }

    @Test
    void entriesMustBeComplete() throws IOException {
        String m = fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[0]);
        assertTrue(m.contains("'w'") && m.contains("data_offsets"), m);
        assertTrue(fails("{\"w\":[1]}", new byte[0]).contains("'w' must be an object"));
        String s = fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", le4(1, 2));
        assertTrue(s.contains("shape must be a list of non-negative integers"), s);
        String o = fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", le4(1, 2));
        assertTrue(o.contains("begin ≤ end"), o);
        String meta = fails("{\"__metadata__\":{\"epochs\":3}}", new byte[0]);
        assertTrue(meta.contains("'epochs'") && meta.contains("must be a string"), meta);
    }

    @Test
    void dtypeMustBeKnown() throws IOException {
        String m = fails(ONE.replace("F32", "I32"), le4(1, 2));
        assertTrue(m.contains("'w'") && m.contains("I32") && m.contains("F32 or F64"), m);
        String u = fails(ONE.replace("F32", "Q7"), le4(1, 2));
        assertTrue(u.contains("unknown dtype 'Q7'"), u);
    }

    @Test
    void shapeMustMatchByteLength() throws IOException {
        String m = fails("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", le4(1, 2));
        assertTrue(m.contains("'w'") && m.contains("needs 16 bytes") && m.contains("span 8"), m);
        String big = fails("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,8],"
                + "\"data_offsets\":[0,8]}}", le4(1, 2));
        assertTrue(big.contains("more than 2^63"), big);
    }

    @Test
    void offsetsMustTileTheBuffer() throws IOException {
        String gap = fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", le4(1, 2, 3));
        assertTrue(gap.contains("'b'") && gap.contains("gap"), gap);
        String overlap = fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", le4(1, 2));
        assertTrue(overlap.contains("overlap"), overlap);
        String cut = fails(ONE, le4(1));
        assertTrue(cut.contains("holds 4 bytes") && cut.contains("'w'") && cut.contains("cut short"), cut);
        String trailing = fails(ONE, le4(1, 2, 3));
        assertTrue(trailing.contains("trailing bytes"), trailing);
        String start = fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", le4(1, 2));
        assertTrue(start.contains("'w' starts at byte 4"), start);
    }

    @Test
    void jsonWriterEscapesAndParserReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\t\u0001é");
        m.put("l", List.of(1L, -2L, 0.5, true, false));
        m.put("n", null);
        String text = Json.write(m);
        assertEquals(m, Json.parse(text));
        assertEquals("A/\u00e9", Json.parse("\"\\u0041\\/\\u00e9\""));
        for (String bad : List.of("01", "1.", "-", "\"\\x\"", "[1,]", "{\"a\" 1}", "tru", "\"a\nb\"", "[".repeat(100))) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void pythonReadsTheFileBySpec() throws Exception {
        // No safetensors package here: the script reads the format exactly as the spec describes it.
        PythonInterop.assumeNumpy();
        Path f = dir.resolve("m.safetensors");
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("W", Tensor.ofColumnMajor(new ColumnMajorF32(2, 3, new float[] {1, 4, 2, 5, 3, 6})));
        t.put("theta", Tensor.vectorF64(new double[] {0.25, -0.0, 1e-310}));
        Safetensors.write(f, t, Map.of("framework", "unroll"));
        String out = PythonInterop.run(dir, """
                import json, struct
                raw = open(sys.argv[1], 'rb').read()
                (n,) = struct.unpack('<Q', raw[:8])
                header = json.loads(raw[8:8 + n].decode('utf-8'))
                assert header.pop('__metadata__') == {'framework': 'unroll'}
                buf = raw[8 + n:]
                kinds = {'F32': '<f4', 'F64': '<f8'}
                end = 0
                for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets']):
                    b, e = info['data_offsets']
                    assert b == end, (name, b, end)
                    end = e
                    a = np.frombuffer(buf[b:e], dtype=kinds[info['dtype']]).reshape(info['shape'])
                    print(name, a.shape, a.tolist())
                assert end == len(buf)
                """, f.toString());
        assertEquals("W (2, 3) [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]\ntheta (3,) [0.25, -0.0, 1e-310]", out);
    }

    // ------------------------------------------------------------ helpers

    /** A safetensors file from a header text (padded to 8 bytes with blanks) and a data buffer. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length + pad).put(h);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        Path f = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] le4(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
