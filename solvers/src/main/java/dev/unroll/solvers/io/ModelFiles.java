package dev.unroll.solvers.io;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trained networks as safetensors files that Python reads with {@code safetensors.numpy.load_file}: one
 * tensor per parameter, named {@code layers.T.NAME} after ADOPTY's parameter names ({@code Wz}, {@code Wx},
 * {@code W_coupled}, {@code threshold}, {@code step_size}) in the network's precision and the column
 * convention's shapes (W_coupled is m×n) — not ADOPTY's keys ({@code layer{t}-NAME}) nor its transposed
 * row-convention shapes, which {@link dev.unroll.solvers.interop.AdoptyStateDict} writes — plus {@code dictionary} (n×m, F64, exact) and, for ALISTA,
 * {@code analytic_weights} (n×m, the network's precision). The metadata says what the file is
 * ({@code format = unroll-model}, {@code format_version}), the parametrization, layers, n, m, λ, dtype
 * and the SHA-256 of D. A file is validated whole before anything is uploaded to a backend, so a file
 * that does not fit never leaves a half-loaded model.
 */
public final class ModelFiles {
    /** The {@code format} metadata value of an Unroll model. */
    public static final String FORMAT = "unroll-model";
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;

    private ModelFiles() {
    }

    /**
     * Saves {@code net} (its parameters, its problem's D and λ) to {@code file}, atomically.
     *
     * @throws dev.unroll.engine.NonFiniteInputException when a parameter is not finite (nothing is written)
     * @throws ModelFileException when a layer would make the network diverge, as {@link #load} checks (nothing
     *     is written)
     */
    public static void save(UnrolledNetwork net, Path file) throws IOException {
        LassoProblem p = net.problem();
        DType dtype = p.dtype();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        HostMatrix d = p.hostDictionary();
        tensors.put("dictionary", Tensor.ofColumnMajor(new ColumnMajorF64(d.rows(), d.cols(), d.values())));
        HostMatrix w = net.analyticWeights();
        if (w != null) {
            tensors.put("analytic_weights", ModelFileReader.tensor(w, dtype));
        }
        Map<String, HostMatrix> values = new LinkedHashMap<>();
        for (int t = 0; t < net.layers(); t++) {
            for (ParamKind kind : net.parametrization().layout(t)) {
                HostMatrix value = net.parameter(t, kind);
                // load refuses non-finite parameters: never write a file it would refuse.
                value.requireFinite("parameter " + name(t, kind) + " of the model to save as " + file);
                values.put(name(t, kind), value);
                tensors.put(name(t, kind), ModelFileReader.tensor(value, dtype));
            }
        }
        // Nor one whose layers load would refuse as diverging (a threshold or step ≤ 0, an expanding layer).
        LayerPlausibility.check(net.parametrization(), net.layers(), d, w, values, "the model to save as " + file);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("parametrization", net.parametrization().id());
        meta.put("layers", Integer.toString(net.layers()));
        meta.put("signal_dim", Integer.toString(p.signalDim()));
        meta.put("atoms", Integer.toString(p.atoms()));
        meta.put("lambda", Double.toString(p.lambda()));
        meta.put("dtype", dtype.name());
        meta.put("dictionary_sha256", checksum(d));
        meta.put("convention", "column: D is n×m (n signal dimension, m atoms); Wz is m×m, Wx and W_coupled are m×n");
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Loads a model saved by {@link #save} onto {@code backend}: its Lasso problem (D, λ) and the network.
     *
     * @throws ModelFileException when the file is not a model of this format, or its tensors do not fit its
     *     metadata; nothing is allocated on the backend in that case
     */
    public static LoadedModel load(Path file, Backend backend) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        String where = "model file " + file;
        ModelFileReader in = new ModelFileReader(c, where, "ModelFiles.save");
        in.requireFormat(FORMAT, VERSION, "an Unroll model", "save models with ModelFiles.save (or `unroll train`)");
        Parametrization par;
        try {
            par = Parametrization.fromId(in.field("parametrization"));
        } catch (InvalidArgumentException e) {
            throw new ModelFileException(where + ": " + e.getMessage());
        }
        int layers = in.intField("layers");
        int n = in.intField("signal_dim");
        int m = in.intField("atoms");
        double lambda = in.doubleField("lambda");
        DType dtype = in.dtype();
        if (layers < 1 || n < 1 || m < 1 || !(lambda > 0) || Double.isInfinite(lambda)) {
            throw new ModelFileException(where + ": metadata layers, signal_dim, atoms must be ≥ 1 and lambda a "
                    + "finite number > 0, but they are " + layers + ", " + n + ", " + m + ", " + lambda);
        }
        HostMatrix d = in.matrix("dictionary", n, m, DType.F64);
        requireUsableDictionary(d, dtype, where);
        String sum = checksum(d);
        if (!sum.equals(meta.get("dictionary_sha256"))) {
            throw new ModelFileException(where + ": the dictionary's SHA-256 is " + sum + " but the metadata says "
                    + meta.get("dictionary_sha256") + "; the file was altered or truncated — save the model again");
        }
        HostMatrix w = par == Parametrization.ALISTA ? in.matrix("analytic_weights", n, m, dtype) : null;
        Map<String, HostMatrix> values = new LinkedHashMap<>();
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : par.layout(t)) {
                values.put(name(t, kind), in.matrix(name(t, kind), kind.rows(n, m), kind.cols(n, m), dtype));
            }
        }
        int expected = values.size() + 1 + (w == null ? 0 : 1);
        if (c.tensors().size() != expected) {
            List<String> extra = c.tensors().keySet().stream()
                    .filter(k -> !values.containsKey(k) && !k.equals("dictionary") && !k.equals("analytic_weights"))
                    .toList();
            throw new ModelFileException(where + " holds tensors a " + layers + "-layer " + par.id()
                    + " network does not have: " + extra + "; the metadata and the tensors disagree");
        }
        LayerPlausibility.check(par, layers, d, w, values, where);
        // Everything fits: only now touch the backend.
        try {
            return build(backend, dtype, d, lambda, par, layers, w, values, meta);
        } catch (InvalidArgumentException e) {
            // The checks above should leave nothing for the front door to refuse; if it still does, the
            // file is what is wrong, and a caller handles a file it cannot load in one place.
            throw new ModelFileException(where + ": " + e.getMessage(), e);
        }
    }

    private static LoadedModel build(Backend backend, DType dtype, HostMatrix d, double lambda, Parametrization par,
                                     int layers, HostMatrix w, Map<String, HostMatrix> values,
                                     Map<String, String> meta) {
        LassoProblem problem = LassoProblem.create(backend, dtype, d, lambda);
        try {
            UnrolledNetwork net = UnrolledNetwork.create(problem, par, layers, w);
            try {
                for (int t = 0; t < layers; t++) {
                    for (ParamKind kind : par.layout(t)) {
                        net.setParameter(t, kind, values.get(name(t, kind)));
                    }
                }
            } catch (RuntimeException e) {
                net.close();
                throw e;
            }
            return new LoadedModel(problem, net, meta);
        } catch (RuntimeException e) {
            problem.close();
            throw e;
        }
    }

    /** D must be usable in the model's precision and have a finite, non-zero Lipschitz constant. */
    private static void requireUsableDictionary(HostMatrix d, DType dtype, String where) {
        if (dtype == DType.F32) {
            for (double v : d.values()) {
                if (Math.abs(v) > Float.MAX_VALUE) {
                    throw new ModelFileException(where + ": tensor 'dictionary' holds " + v + ", beyond float32's "
                            + "range, but the model is F32; the file is corrupt — save the model again");
                }
            }
        }
        double l = Spectral.lipschitz(d.values(), d.rows(), d.cols());
        if (!(l > 0) || Double.isInfinite(l)) {
            throw new ModelFileException(where + ": tensor 'dictionary' has ‖D‖₂² = " + l + "; a model's "
                    + "dictionary must be non-zero with a finite norm — the file is corrupt, save the model again");
        }
    }

    /** The tensor name of a parameter: {@code layers.T.NAME}. */
    public static String name(int layer, ParamKind kind) {
        return "layers." + layer + "." + kind.id();
    }

    /** SHA-256 (hex) of D's entries as little-endian float64, column-major. */
    public static String checksum(HostMatrix d) {
        ByteBuffer buf = ByteBuffer.allocate(d.values().length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : d.values()) {
            buf.putDouble(v);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * A loaded model: its problem (D, λ on the backend) and the network; closing it frees both.
     *
     * @param problem  the Lasso problem rebuilt from the file
     * @param network  the network with the file's parameters
     * @param metadata the file's metadata
     */
    public record LoadedModel(LassoProblem problem, UnrolledNetwork network, Map<String, String> metadata)
            implements AutoCloseable {
        /** Frees the network, then the problem. */
        @Override
        public void close() {
            network.close();
            problem.close();
        }
    }
}
