package dev.unroll.solvers.io;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import java.util.Arrays;
import java.util.Map;

/**
 * What every Unroll model file format shares on the way in and out: the safetensors metadata fields read with
 * one-line refusals that name the file, the field and the writer to use, and tensors written in a model's
 * precision and read back checked for shape, precision and finiteness. {@link ModelFiles} (Lasso networks) and
 * {@link TvModelFiles} (TV networks) differ only in their layouts, so the checks live here once.
 *
 * @param contents the file's tensors and metadata
 * @param where    the file as messages name it, e.g. "model file net.safetensors"
 * @param writer   what writes this format, named in the refusal of a missing field, e.g. "ModelFiles.save"
 */
record ModelFileReader(Safetensors.Contents contents, String where, String writer) {

    /** The metadata. */
    Map<String, String> metadata() {
        return contents.metadata();
    }

    /**
     * Refuses a file whose {@code format} is not {@code format} or whose {@code format_version} is not
     * {@code version}; {@code what} names the format ("an Unroll model") and {@code howToSave} the way to make one.
     */
    void requireFormat(String format, int version, String what, String howToSave) {
        String found = metadata().get("format");
        if (!format.equals(found)) {
            throw new ModelFileException(where + " is not " + what + ": its metadata 'format' is "
                    + (found == null ? "missing" : "'" + found + "'") + ", expected '" + format + "'; " + howToSave);
        }
        int v = intField("format_version");
        if (v != version) {
            throw new ModelFileException(where + " has format_version " + v + " but this Unroll reads version "
                    + version + "; re-save it with a matching Unroll version");
        }
    }

    /** A metadata field that must be there. */
    String field(String key) {
        String v = metadata().get(key);
        if (v == null) {
            throw new ModelFileException(where + " lacks the metadata field '" + key + "' (it has "
                    + metadata().keySet() + "); it was not written by " + writer + " of this version");
        }
        return v;
    }

    /** A metadata field that must be an integer. */
    int intField(String key) {
        String v = field(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ModelFileException(where + ": metadata '" + key + "' must be an integer, but is '" + v + "'");
        }
    }

    /** A metadata field that must be a number. */
    double doubleField(String key) {
        String v = field(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ModelFileException(where + ": metadata '" + key + "' must be a number, but is '" + v + "'");
        }
    }

    /** The {@code dtype} field: F32 or F64. */
    DType dtype() {
        String v = field("dtype");
        try {
            return DType.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(where + ": dtype '" + v + "' is not one of F32, F64");
        }
    }

    /**
     * The tensor {@code name}, which must be a finite {@code rows}×{@code cols} matrix of {@code dtype}: a missing
     * tensor, another shape or precision, or a NaN/∞ entry is refused naming the tensor.
     */
    HostMatrix matrix(String name, int rows, int cols, DType dtype) {
        Tensor t = contents.tensors().get(name);
        if (t == null) {
            throw new ModelFileException(where + " has no tensor '" + name + "' (expected " + rows + "×" + cols + " "
                    + dtype + "); it holds " + contents.tensors().keySet());
        }
        if (t.dtype() != dtype || t.shape().length != 2 || t.shape()[0] != rows || t.shape()[1] != cols) {
            throw new ModelFileException(where + ": tensor '" + name + "' is " + t.dtype() + " "
                    + Arrays.toString(t.shape()) + " but the metadata implies " + dtype + " [" + rows + ", " + cols
                    + "]");
        }
        HostMatrix h = new HostMatrix(rows, cols, t.toMatrixF64().data());
        for (double v : h.values()) {
            if (!Double.isFinite(v)) {
                throw new ModelFileException(where + ": tensor '" + name + "' holds " + v
                        + "; a model's parameters must be finite — retrain or restore the file");
            }
        }
        return h;
    }

    /**
     * {@code h} as a tensor in {@code dtype}: F64 as is, F32 rounded (exact for values that came from an F32
     * matrix, which is what a model of that precision holds).
     */
    static Tensor tensor(HostMatrix h, DType dtype) {
        if (dtype == DType.F64) {
            return Tensor.ofColumnMajor(new ColumnMajorF64(h.rows(), h.cols(), h.values()));
        }
        float[] f = new float[h.values().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) h.values()[i];
        }
        return Tensor.ofColumnMajor(new ColumnMajorF32(h.rows(), h.cols(), f));
    }
}
