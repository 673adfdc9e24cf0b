package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.ShapeMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** Doubles whose bits must survive: NaN payloads, −0.0, subnormals, extremes. */
    static final double[] TRICKY_F64 = {
        0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 0x0.8p-1022, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L),
        Double.longBitsToDouble(0xfff0000000000001L), 1.0 / 3, Math.PI, -1e-300, 12345.678,
    };

    static final float[] TRICKY_F32 = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0x0.8p-126f, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc00123),
        Float.intBitsToFloat(0xffc00001), 1f / 3, (float) Math.PI, -1e-30f, 12345.678f,
    };

    static void assertBits(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "element " + i);
        }
    }

    static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    @Test
    void f64MatrixRoundTripIsBitExact() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.writeF64(f, TRICKY_F64, 4, 4);
        NpyArray a = Npy.read(f);
        assertEquals("<f8", a.dtype());
        assertTrue(a.fortranOrder());
        assertArrayEquals(new int[] {4, 4}, a.shape());
        assertBits(TRICKY_F64, a.toColumnMajor());
        ColumnMajorF64 m = Npy.readMatrixF64(f);
        assertEquals(4, m.rows());
        assertEquals(4, m.cols());
        assertBits(TRICKY_F64, m.data());
    }

    @Test
    void f32MatrixRoundTripIsBitExact() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.writeF32(f, TRICKY_F32, 2, 8);
        NpyArray a = Npy.read(f);
        assertEquals("<f4", a.dtype());
        assertTrue(a.isFloat32());
        assertBits(TRICKY_F32, a.toColumnMajorF32());
        assertBits(TRICKY_F32, Npy.readMatrixF32(f).data());
    }

    @Test
    void vectorsRoundTrip() throws IOException {
        Path f = dir.resolve("v.npy");
        Npy.writeF64Vector(f, TRICKY_F64);
        NpyArray a = Npy.read(f);
        assertEquals(1, a.rank());
        assertEquals(TRICKY_F64.length, a.rows());
        assertEquals(1, a.cols());
        assertBits(TRICKY_F64, Npy.readVectorF64(f));
        Npy.writeF32Vector(f, TRICKY_F32);
        assertBits(TRICKY_F32, Npy.read(f).toColumnMajorF32());
        Npy.writeF64Vector(f, new double[0]);
        assertEquals(0, Npy.readVectorF64(f).length);
    }

    @Test
    void headerIsAlignedTo64Bytes() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.writeF64(f, new double[6], 2, 3);
        byte[] bytes = Files.readAllBytes(f);
        int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals(1, bytes[6]);
        assertEquals('\n', bytes[10 + headerLen - 1]);
        String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"), header);
    }

    @Test
    void cOrderIsConvertedToColumnMajor() {
        // [[1, 2, 3], [4, 5, 6]] in C order
        byte[] file = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                le8(1, 2, 3, 4, 5, 6));
        NpyArray a = Npy.decode(file, "c.npy");
        assertFalse(a.fortranOrder());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.data());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, a.toColumnMajor());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, a.toColumnMajorF32());
        assertEquals(6.0, a.get(1, 2));
        assertEquals(2.0, a.get(0, 1));
        // the same matrix in Fortran order gives the same column-major array
        byte[] fortran = npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                le8(1, 4, 2, 5, 3, 6));
        NpyArray b = Npy.decode(fortran, "f.npy");
        assertArrayEquals(a.toColumnMajor(), b.toColumnMajor());
        assertEquals(6.0, b.get(1, 2));
    }

    @Test
    void readsBigEndianAndIntegersAndVersions2And3() {
        ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2);
        NpyArray a = Npy.decode(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be.array()),
                "be.npy");
        assertArrayEquals(new double[] {1.5, -2}, a.data());
        ByteBuffer bf = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(0.25f).putFloat(-3f);
        assertArrayEquals(new float[] {0.25f, -3f},
                Npy.decode(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", bf.array()), "x")
                        .toColumnMajorF32());
        ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(9);
        assertArrayEquals(new double[] {-7, 9},
                Npy.decode(npy(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4.array()), "x")
                        .data());
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(-1);
        assertArrayEquals(new double[] {0x1p40, -1},
                Npy.decode(npy(3, "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (1, 2)}", i8.array()),
                        "x").data());
    }

    @Test
    void emptyShapesWork() {
        NpyArray a = Npy.decode(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }",
                new byte[0]), "e.npy");
        assertEquals(0, a.rows());
        assertEquals(3, a.cols());
        assertEquals(0, a.toColumnMajor().length);
    }

    @Test
    void version2HeaderWhenTooLongForVersion1() {
        long[] shape = new long[30_000];
        Arrays.fill(shape, 1);
        byte[] head = Npy.encodeHeader(new NpyHeader("<f8", false, shape));
        assertEquals(2, head[6]);
        assertEquals(0, head.length % 64);
        int len = ByteBuffer.wrap(head, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(head.length - 12, len);
        NpyHeader back = NpyHeader.parse(new String(head, 12, len, StandardCharsets.ISO_8859_1), false, "x");
        assertEquals(30_000, back.shape().length);
    }

    // ------------------------------------------------------------ errors: each names what came and what to do

    private static String fails(byte[] file) {
        return assertThrows(ModelFileException.class, () -> Npy.decode(file, "bad.npy")).getMessage();
    }

    @Test
    void wrongMagic() {
        String m = fails("PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(m.contains("bad.npy") && m.contains("magic") && m.contains("50 4b 03 04"), m);
        assertTrue(fails(new byte[0]).contains("an empty file"));
    }

    @Test
    void unsupportedVersion() {
        byte[] f = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le8(1));
        f[6] = 4;
        assertTrue(fails(f).contains("version 4.0"), fails(f));
    }

    @Test
    void truncatedFiles() {
        byte[] full = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", le8(1, 2, 3, 4, 5, 6));
        String m = fails(Arrays.copyOf(full, full.length - 5));
        assertTrue(m.contains("needs 48 bytes") && m.contains("holds 43") && m.contains("cut short"), m);
        String h = fails(Arrays.copyOf(full, 30));
        assertTrue(h.contains("header") && h.contains("cut short"), h);
        assertTrue(fails(Arrays.copyOf(full, 9)).contains("cut short"));
        String extra = fails(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le8(1, 2)));
        assertTrue(extra.contains("trailing bytes"), extra);
    }

    @Test
    void unsupportedDtypes() {
        String c = fails(npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]));
        assertTrue(c.contains("<c16") && c.contains("complex") && c.contains("astype"), c);
        String o = fails(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        assertTrue(o.contains("'|O'") && o.contains("object array"), o);
        String s = fails(npy(1, "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[12]));
        assertTrue(s.contains("structured"), s);
        assertTrue(fails(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new byte[2]))
                .contains("'<f2'"));
    }

    @Test
    void headersThatDoNotParse() {
        for (String bad : List.of("{'descr': '<f8', 'fortran_order': False, 'shape': (2,", "not a dict",
                "{'descr': '<f8', 'fortran_order': False}", "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': [1]}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}")) {
            String m = fails(npy(1, bad, le8(1)));
            assertTrue(m.contains("bad.npy") && m.contains("numpy.save"), m);
        }
    }

    @Test
    void rankAboveTwoIsRefused() {
        String m = fails(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }", le8(1)));
        assertTrue(m.contains("1-D or 2-D") && m.contains("reshape"), m);
        String z = fails(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", le8(1)));
        assertTrue(z.contains("0-D"), z);
    }

    @Test
    void hugeShapeIsRefusedBeforeAllocating() {
        String m = fails(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", le8(1)));
        assertTrue(m.contains("Java array"), m);
    }

    @Test
    void vectorReaderRefusesMatrices() throws IOException {
        Path f = dir.resolve("m.npy");
        Npy.writeF64(f, new double[4], 2, 2);
        assertTrue(assertThrows(ModelFileException.class, () -> Npy.readVectorF64(f)).getMessage()
                .contains("1-D"));
    }

    @Test
    void writersValidateShapes() {
        Path f = dir.resolve("w.npy");
        assertThrows(ShapeMismatchException.class, () -> Npy.writeF64(f, new double[5], 2, 3));
        assertThrows(ShapeMismatchException.class, () -> Npy.writeF32(f, new float[0], -1, 0));
        assertFalse(Files.exists(f));
    }

    @Test
    void failedWriteLeavesOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("keep.npy");
        Npy.writeF64Vector(f, new double[] {1, 2});
        byte[] before = Files.readAllBytes(f);
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    // ------------------------------------------------------------ interop with numpy

    @Test
    void numpyReadsWhatJavaWrites() throws Exception {
        PythonInterop.assumeNumpy();
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Path v = dir.resolve("v.npy");
        Npy.writeF64(a, new double[] {1, 4, 2, 5, 3, 6}, 2, 3); // [[1,2,3],[4,5,6]]
        Npy.writeF32(b, TRICKY_F32, 4, 4);
        Npy.writeF64Vector(v, TRICKY_F64);
        String out = PythonInterop.run(dir, """
                a = np.load(sys.argv[1]); b = np.load(sys.argv[2]); v = np.load(sys.argv[3])
                assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)
                assert (a == np.array([[1, 2, 3], [4, 5, 6]])).all(), a
                assert b.dtype == np.float32 and b.shape == (4, 4)
                print(' '.join(str(int(x)) for x in b.ravel(order='F').view(np.uint32)))
                print(' '.join(str(int(x)) for x in v.view(np.uint64)))
                """, a.toString(), b.toString(), v.toString());
        String[] lines = out.split("\n");
        long[] f32 = Arrays.stream(lines[0].trim().split(" ")).mapToLong(Long::parseLong).toArray();
        for (int i = 0; i < TRICKY_F32.length; i++) {
            assertEquals(Integer.toUnsignedLong(Float.floatToRawIntBits(TRICKY_F32[i])), f32[i], "f32 " + i);
        }
        String[] f64 = lines[1].trim().split(" ");
        for (int i = 0; i < TRICKY_F64.length; i++) {
            assertEquals(Long.toUnsignedString(Double.doubleToRawLongBits(TRICKY_F64[i])), f64[i], "f64 " + i);
        }
    }

    @Test
    void javaReadsWhatNumpyWrites() throws Exception {
        PythonInterop.assumeNumpy();
        PythonInterop.run(dir, """
                d = sys.argv[1]
                m = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
                np.save(d + '/c.npy', m)
                np.save(d + '/f.npy', np.asfortranarray(m))
                np.save(d + '/f4.npy', m.astype(np.float32))
                np.save(d + '/be.npy', m.astype('>f8'))
                np.save(d + '/i8.npy', np.arange(5, dtype=np.int64) - 2)
                np.save(d + '/i4.npy', (np.arange(6, dtype=np.int32) - 3).reshape(2, 3))
                np.save(d + '/c16.npy', np.zeros(3, dtype=np.complex128))
                np.save(d + '/obj.npy', np.array([{'a': 1}], dtype=object), allow_pickle=True)
                np.save(d + '/3d.npy', np.zeros((2, 2, 2)))
                np.lib.format.write_array(open(d + '/v2.npy', 'wb'), m, version=(2, 0))
                np.lib.format.write_array(open(d + '/v3.npy', 'wb'), m, version=(3, 0))
                """, dir.toString());
        double[] expected = new double[12]; // column-major of arange(12).reshape(3,4)/7
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                expected[j * 3 + i] = (i * 4 + j) / 7.0;
            }
        }
        for (String name : List.of("c", "f", "be", "v2", "v3")) {
            ColumnMajorF64 m = Npy.readMatrixF64(dir.resolve(name + ".npy"));
            assertEquals(3, m.rows(), name);
            assertEquals(4, m.cols(), name);
            assertBits(expected, m.data());
        }
        float[] expectedF = new float[12];
        for (int k = 0; k < 12; k++) {
            expectedF[k] = (float) expected[k];
        }
        assertBits(expectedF, Npy.readMatrixF32(dir.resolve("f4.npy")).data());
        assertArrayEquals(new double[] {-2, -1, 0, 1, 2}, Npy.readVectorF64(dir.resolve("i8.npy")));
        assertArrayEquals(new double[] {-3, 0, -2, 1, -1, 2}, Npy.readMatrixF64(dir.resolve("i4.npy")).data());
        assertThrows(ModelFileException.class, () -> Npy.read(dir.resolve("c16.npy")));
        assertTrue(assertThrows(ModelFileException.class, () -> Npy.read(dir.resolve("obj.npy"))).getMessage()
                .contains("object array"));
        assertThrows(ModelFileException.class, () -> Npy.read(dir.resolve("3d.npy")));
    }

    // ------------------------------------------------------------ helpers

    /** A whole .npy file with the given version and header (padded like numpy) and data. */
    static byte[] npy(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(dict);
        while ((prefix + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] head = h.toString().getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + head.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) head.length);
        } else {
            b.putInt(head.length);
        }
        return b.put(head).put(data).array();
    }

    static byte[] le8(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
