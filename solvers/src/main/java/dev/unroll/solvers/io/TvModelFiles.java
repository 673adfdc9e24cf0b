package dev.unroll.solvers.io;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.tv.Param;
import dev.unroll.solvers.tv.TvNetwork;
import dev.unroll.solvers.tv.TvNetworkKind;
import dev.unroll.solvers.tv.TvProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trained TV networks ({@link TvNetwork}, docs/science.md §9) as safetensors files: the operator Φ as
 * {@code operator} (m×k, F64, exact) and every parameter under its network name ({@code layer3.Wu},
 * {@code prox.inner0.theta}, …) in the network's precision, column-convention shapes. The metadata says what
 * the file is ({@code format = unroll-tv-model}, {@code format_version}), the network kind, layers, k, m, λ,
 * dtype, the start u₀ ({@code pinv} or {@code zero}) and the SHA-256 of Φ. Values round-trip bit for bit in either precision.
 *
 * <p>Loading checks the metadata and Φ on the host first; the parameters' expected names and shapes then come
 * from a network built for that metadata (so the layout cannot drift from the layers' code), and a file that
 * does not match it is refused with the network closed again: no half-loaded model survives a refusal.
 */
public final class TvModelFiles {
    /** The {@code format} metadata value of an Unroll TV model. */
    public static final String FORMAT = "unroll-tv-model";
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    private static final String OPERATOR = "operator";

    private TvModelFiles() {
    }

    /** Whether {@code file} is a safetensors file whose metadata says it is a TV model. */
    public static boolean isTvModel(Path file) throws IOException {
        return FORMAT.equals(Safetensors.read(file).metadata().get("format"));
    }

    /**
     * Saves {@code net} (its parameters, its problem's Φ and λ) to {@code file}, atomically.
     *
     * @throws dev.unroll.engine.NonFiniteInputException when a parameter is not finite (nothing is written)
     */
    public static void save(TvNetwork net, Path file) throws IOException {
        TvProblem p = net.problem();
        HostMatrix phi = p.operator();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(OPERATOR, Tensor.ofColumnMajor(new ColumnMajorF64(phi.rows(), phi.cols(), phi.values())));
        for (Param q : net.parameters().values()) {
            HostMatrix v = q.host();
            v.requireFinite("parameter " + q.name() + " of the model to save as " + file);
            tensors.put(q.name(), ModelFileReader.tensor(v, p.dtype()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(VERSION));
        meta.put("network", net.kind().id());
        meta.put("layers", Integer.toString(net.layers()));
        meta.put("length", Integer.toString(p.length()));
        meta.put("measurements", Integer.toString(p.measurements()));
        meta.put("lambda", Double.toString(p.lambda()));
        meta.put("dtype", p.dtype().name());
        meta.put("start", p.start().id());
        meta.put("operator_sha256", ModelFiles.checksum(phi));
        meta.put("convention", "column: x = Φu, Φ is m×k (m measurements, k signal length); P(u) = ½‖x − Φu‖² "
                + "+ λ‖Δu‖₁");
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Loads a TV model saved by {@link #save} onto {@code backend}.
     *
     * @throws ModelFileException when the file is not a TV model of this format or does not match its metadata
     */
    public static Loaded load(Path file, Backend backend) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        String where = "TV model file " + file;
        ModelFileReader in = new ModelFileReader(c, where, "TvModelFiles.save");
        in.requireFormat(FORMAT, VERSION, "an Unroll TV model",
                "save TV models with TvModelFiles.save (or `unroll train --problem tv`)");
        TvNetworkKind kind;
        try {
            kind = TvNetworkKind.fromId(in.field("network"));
        } catch (InvalidArgumentException e) {
            throw new ModelFileException(where + ": " + e.getMessage());
        }
        int layers = in.intField("layers");
        int k = in.intField("length");
        int m = in.intField("measurements");
        double lambda = in.doubleField("lambda");
        DType dtype = in.dtype();
        if (layers < 1 || k < 2 || m < 1 || !(lambda > 0) || Double.isInfinite(lambda)) {
            throw new ModelFileException(where + ": metadata layers and measurements must be ≥ 1, length ≥ 2 and "
                    + "lambda a finite number > 0, but they are " + layers + ", " + m + ", " + k + ", " + lambda);
        }
        TvProblem.Start start;
        try {
            start = TvProblem.Start.fromId(in.field("start"));
        } catch (InvalidArgumentException e) {
            throw new ModelFileException(where + ": " + e.getMessage());
        }
        HostMatrix phi = in.matrix(OPERATOR, m, k, DType.F64);
        String sum = ModelFiles.checksum(phi);
        if (!sum.equals(meta.get("operator_sha256"))) {
            throw new ModelFileException(where + ": the operator's SHA-256 is " + sum + " but the metadata says "
                    + meta.get("operator_sha256") + "; the file was altered or truncated — save the model again");
        }
        TvProblem problem;
        try {
            problem = TvProblem.create(backend, dtype, phi, lambda, start);
        } catch (InvalidArgumentException e) { // also ShapeMismatchException
            throw new ModelFileException(where + ": " + e.getMessage(), e);
        }
        try {
            TvNetwork net = TvNetwork.create(kind, problem, layers);
            try {
                fill(net, in, dtype);
                return new Loaded(problem, net, meta);
            } catch (RuntimeException e) {
                net.close();
                throw e;
            }
        } catch (RuntimeException e) {
            problem.close();
            throw e;
        }
    }

    /** Checks that the file's tensors are exactly the network's parameters, then sets them. */
    private static void fill(TvNetwork net, ModelFileReader in, DType dtype) {
        Safetensors.Contents c = in.contents();
        String where = in.where();
        TreeSet<String> extra = new TreeSet<>(c.tensors().keySet());
        extra.remove(OPERATOR);
        extra.removeAll(net.parameters().keySet());
        if (!extra.isEmpty()) {
            throw new ModelFileException(where + " holds tensors a " + net.layers() + "-layer " + net.kind().id()
                    + " network does not have: " + extra + "; the metadata and the tensors disagree");
        }
        Map<String, HostMatrix> values = new LinkedHashMap<>();
        for (Param q : net.parameters().values()) {
            values.put(q.name(), in.matrix(q.name(), q.value().rows(), q.value().cols(), dtype));
        }
        for (Param q : net.parameters().values()) {
            q.set(values.get(q.name()));
        }
    }

    /**
     * A loaded TV model; closing it frees the network, then the problem.
     *
     * @param problem  the TV problem rebuilt from the file (Φ, λ on the backend)
     * @param network  the network with the file's parameters
     * @param metadata the file's metadata
     */
    public record Loaded(TvProblem problem, TvNetwork network, Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            network.close();
            problem.close();
        }
    }
}
