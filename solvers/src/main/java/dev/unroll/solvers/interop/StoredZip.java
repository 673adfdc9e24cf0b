package dev.unroll.solvers.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a ZIP archive of uncompressed ("stored") entries, laid out the way PyTorch's own writer lays out a
 * {@code torch.save} file: each entry's data starts on a 64-byte boundary, reached by padding the local
 * header's extra field. No data descriptors, no ZIP64 (an archive or entry of 4 GiB or more is refused),
 * a fixed DOS time (1980-01-01) so the same input gives the same bytes.
 */
final class StoredZip {
    /** PyTorch's alignment of entry data. */
    static final int ALIGNMENT = 64;
    private static final int LOCAL_HEADER = 30;
    private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;
    private static final int PAD_HEADER_ID = 0x4246; // "FB", the id PyTorch's writer uses for its padding

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(byte[] name, long crc, long size, long offset) {
    }

    /** Adds the entry {@code name} holding {@code data}. */
    void add(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        long offset = out.size();
        int pad = (int) Math.floorMod(-(offset + LOCAL_HEADER + n.length), ALIGNMENT);
        if (pad > 0 && pad < 4) {
            pad += ALIGNMENT; // an extra field needs 4 bytes of its own header
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        requireBelow4GiB(offset + LOCAL_HEADER + n.length + pad + (long) data.length);
        ByteBuffer h = le(LOCAL_HEADER + n.length + pad);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE_1980_01_01)
                .putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                .putShort((short) n.length).putShort((short) pad).put(n);
        if (pad > 0) {
            h.putShort((short) PAD_HEADER_ID).putShort((short) (pad - 4));
            for (int i = 4; i < pad; i++) {
                h.put((byte) 'Z');
            }
        }
        out.writeBytes(h.array());
        out.writeBytes(data);
        entries.add(new Entry(n, crc.getValue(), data.length, offset));
    }

    /** Writes the archive (the entries, then the central directory and its end record) to {@code target}. */
    void writeTo(OutputStream target) throws IOException {
        long directoryStart = out.size();
        ByteArrayOutputStream dir = new ByteArrayOutputStream();
        for (Entry e : entries) {
            ByteBuffer c = le(46 + e.name.length);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) DOS_DATE_1980_01_01)
                    .putInt((int) e.crc).putInt((int) e.size).putInt((int) e.size)
                    .putShort((short) e.name.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) e.offset).put(e.name);
            dir.writeBytes(c.array());
        }
        requireBelow4GiB(directoryStart + dir.size());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) entries.size()).putShort((short) entries.size())
                .putInt(dir.size()).putInt((int) directoryStart).putShort((short) 0);
        out.writeTo(target);
        dir.writeTo(target);
        target.write(end.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void requireBelow4GiB(long bytes) {
        if (bytes >= 0xFFFF_FFFFL) {
            throw new dev.unroll.engine.InvalidArgumentException("a PyTorch file of " + bytes + " bytes needs ZIP64, "
                    + "which this writer does not write; export a smaller network");
        }
    }
}
