package dev.unroll.solvers.interop;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.io.AtomicFiles;
import dev.unroll.solvers.io.ModelFileException;
import dev.unroll.solvers.io.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * State dicts in PyTorch's own {@code torch.save} format, which {@code torch.load(FILE)} reads (also with
 * {@code weights_only=True}, the default since PyTorch 2.6): a ZIP archive of stored entries under one folder
 * ({@code archive/}) holding {@code data.pkl} (the pickled OrderedDict, see {@link StateDictPickler}),
 * {@code byteorder} ({@code little}), {@code data/K} (the raw little-endian elements of storage K, one per
 * tensor) and {@code version} ({@code 3}). Reading takes the same layout as any PyTorch since 1.6 writes it
 * (any folder name, F32 and F64 storages, views with an offset and any strides, either byte order), and
 * refuses everything else with a {@link ModelFileException}: legacy (pre-1.6) files, pickles of other objects,
 * other element types.
 */
public final class TorchFiles {
    private static final String FOLDER = "archive/";
    /** The serialization version PyTorch's zip format has written since 1.6. */
    private static final String VERSION = "3\n";

    private TorchFiles() {
    }

    /** Writes {@code tensors} (F32 or F64, row-major) as a {@code torch.save} state dict, atomically. */
    public static void write(Path file, SequencedMap<String, Tensor> tensors) throws IOException {
        List<StateDictPickler.Entry> entries = new ArrayList<>();
        StoredZip zip = new StoredZip();
        int key = 0;
        List<byte[]> data = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            String storage = t.dtype() == DType.F64 ? "DoubleStorage" : "FloatStorage";
            entries.add(new StateDictPickler.Entry(e.getKey(), storage, Integer.toString(key++), t.shape()));
            data.add(bytes(t));
        }
        zip.add(FOLDER + "data.pkl", StateDictPickler.pickle(entries));
        zip.add(FOLDER + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < data.size(); i++) {
            zip.add(FOLDER + "data/" + i, data.get(i));
        }
        zip.add(FOLDER + "version", VERSION.getBytes(StandardCharsets.US_ASCII));
        AtomicFiles.write(file, zip::writeTo);
    }

    /**
     * The tensors of the state dict in {@code file}, by key in the file's order, row-major.
     *
     * @throws ModelFileException when the file is not a {@code torch.save} zip of a dict of F32/F64 tensors
     */
    public static SequencedMap<String, Tensor> read(Path file) throws IOException {
        String where = file.toString();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String folder = folder(zip, where);
            byte[] order = entry(zip, folder + "byteorder", where, false);
            ByteOrder byteOrder = order == null || new String(order, StandardCharsets.US_ASCII).strip().equals("little")
                    ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            Map<String, StateDictUnpickler.TensorRef> refs =
                    StateDictUnpickler.read(entry(zip, folder + "data.pkl", where, true), where);
            SequencedMap<String, Tensor> out = new LinkedHashMap<>();
            Map<String, ByteBuffer> storages = new LinkedHashMap<>();
            for (Map.Entry<String, StateDictUnpickler.TensorRef> e : refs.entrySet()) {
                StateDictUnpickler.TensorRef t = e.getValue();
                ByteBuffer s = storages.get(t.storageKey());
                if (s == null) {
                    s = ByteBuffer.wrap(entry(zip, folder + "data/" + t.storageKey(), where, true)).order(byteOrder);
                    storages.put(t.storageKey(), s);
                }
                out.put(e.getKey(), tensor(e.getKey(), t, s, where));
            }
            return out;
        } catch (ZipException e) {
            throw new ModelFileException(where + " is not a torch.save file (a ZIP archive): " + e.getMessage()
                    + "; files from PyTorch before 1.6, or saved with _use_new_zipfile_serialization=False, are not "
                    + "read — save them again with a current torch.save");
        }
    }

    /** The elements of a view: storage[offset + Σ iₖ·strideₖ] in row-major order of the indices. */
    private static Tensor tensor(String key, StateDictUnpickler.TensorRef t, ByteBuffer storage, String where) {
        int width = switch (t.storageType()) {
            case "DoubleStorage" -> 8;
            case "FloatStorage" -> 4;
            default -> throw new ModelFileException(where + ": tensor '" + key + "' is a " + t.storageType()
                    + "; only float32 and float64 tensors are read — convert it with .double() before torch.save");
        };
        long count = 1;
        long last = t.offset();
        for (int i = 0; i < t.size().length; i++) {
            count *= t.size()[i];
            if (t.stride()[i] < 0) {
                throw new ModelFileException(where + ": tensor '" + key + "' has a negative stride");
            }
            last += (long) (t.size()[i] - 1) * t.stride()[i];
        }
        if (count > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new ModelFileException(where + ": tensor '" + key + "' has " + count + " elements, more than an "
                    + "array holds");
        }
        long available = storage.capacity() / width;
        if (count > 0 && (t.offset() < 0 || last >= available)) {
            throw new ModelFileException(where + ": tensor '" + key + "' reaches element " + last + " of its storage, "
                    + "which holds " + available + "; the file is corrupt");
        }
        int[] index = new int[t.size().length];
        double[] f64 = width == 8 ? new double[(int) count] : null;
        float[] f32 = width == 4 ? new float[(int) count] : null;
        for (int n = 0; n < count; n++) {
            long at = t.offset();
            for (int i = 0; i < index.length; i++) {
                at += index[i] * t.stride()[i];
            }
            if (f64 != null) {
                f64[n] = storage.getDouble((int) (at * 8));
            } else {
                f32[n] = storage.getFloat((int) (at * 4));
            }
            for (int i = index.length - 1; i >= 0 && ++index[i] == t.size()[i]; i--) {
                index[i] = 0;
            }
        }
        return f64 != null ? Tensor.f64(t.size(), f64) : Tensor.f32(t.size(), f32);
    }

    /** The one folder every entry lies in (PyTorch names it after the file; we call ours archive/). */
    private static String folder(ZipFile zip, String where) {
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            String name = all.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                return name.substring(0, name.length() - "data.pkl".length());
            }
        }
        throw new ModelFileException(where + " is a ZIP archive without FOLDER/data.pkl, so not a torch.save file; "
                + "save the state dict with torch.save(net.state_dict(), FILE)");
    }

    private static byte[] entry(ZipFile zip, String name, String where, boolean required) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            if (required) {
                throw new ModelFileException(where + " lacks the entry " + name + "; the file is incomplete");
            }
            return null;
        }
        if (e.getSize() > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new ModelFileException(where + ": entry " + name + " of " + e.getSize() + " bytes is too large");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (t.dtype() == DType.F64) {
            b.asDoubleBuffer().put(t.doubles());
        } else {
            b.asFloatBuffer().put(t.floats());
        }
        return b.array();
    }
}
