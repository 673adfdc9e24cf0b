package dev.unroll.solvers.interop;

import dev.unroll.engine.DType;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.AtomicFiles;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained network as an ONNX graph: input {@code x} of shape (batch, n), output {@code z} of shape
 * (batch, m), batch symbolic, every tensor in the network's precision (F32 → tensor(float), F64 →
 * tensor(double)). The graph computes the network's T layers from z₀ = 0 in the row convention of PyTorch
 * and ADOPTY (one signal per row), with r = z·Dᵀ − x:
 * <ul>
 * <li>lista: u = z·W_zᵀ + x·W_xᵀ (layer 0: x·W_xᵀ);</li>
 * <li>coupled and first_step's layer 0: u = z − r·Wᵀ (layer 0: x·Wᵀ);</li>
 * <li>alista: u = z − α·(r·W̃) (layer 0: α·(x·W̃));</li>
 * <li>step and first_step's later layers: u = z − α·(r·D) (layer 0: α·(x·D));</li>
 * </ul>
 * then z = ST(u, τ) with τ = λθ (λα for step layers). A per-layer scalar τ in an F32 graph is ONNX's
 * {@code Shrink} (bias = lambd = τ, which is soft thresholding); per-atom thresholds, and every threshold of
 * an F64 graph (Shrink's attributes are float32), are {@code Sign(u)·Relu(Abs(u) − τ)}. The weights are
 * initializers named after the model file's tensors ({@code layers.T.NAME}, transposed into the row
 * convention, and {@code dictionary_rows} = Dᵀ, {@code dictionary}, {@code analytic_weights}); the model's
 * metadata holds its parametrization, layers, n, m and λ.
 */
public final class OnnxExport {
    /** The graph's input name. */
    public static final String INPUT = "x";
    /** The graph's output name. */
    public static final String OUTPUT = "z";
    /** The symbolic batch dimension of input and output. */
    public static final String BATCH = "batch";

    private OnnxExport() {
    }

    /** Writes {@code net} as an ONNX model to {@code file}, atomically. */
    public static void write(UnrolledNetwork net, Path file) throws IOException {
        AtomicFiles.write(file, toBytes(net));
    }

    /** The serialized ONNX model of {@code net}. */
    public static byte[] toBytes(UnrolledNetwork net) {
        LassoProblem p = net.problem();
        int n = p.signalDim();
        int m = p.atoms();
        DType dtype = p.dtype();
        Parametrization par = net.parametrization();
        OnnxGraph g = new OnnxGraph(dtype);
        g.input(INPUT, BATCH, n);
        g.output(OUTPUT, BATCH, m);
        HostMatrix d = p.hostDictionary();
        // Dᵀ as (m, n) row-major has D's column-major elements; D as (n, m) row-major needs a transpose.
        String dRows = null;
        String dCols = null;
        String wTilde = null;
        String z = null;
        for (int t = 0; t < net.layers(); t++) {
            String layer = "layers." + t + ".";
            Parametrization.LayerKind kind = par.layerKind(t);
            String u;
            double threshold;
            boolean perAtom = false;
            switch (kind) {
                case LISTA -> {
                    String wx = transposed(g, layer + "Wx", net.parameter(t, ParamKind.W_X));
                    u = g.node("MatMul", INPUT, wx);
                    if (z != null) {
                        String wz = transposed(g, layer + "Wz", net.parameter(t, ParamKind.W_Z));
                        u = g.node("Add", g.node("MatMul", z, wz), u);
                    }
                    threshold = Double.NaN;
                    perAtom = true;
                }
                case COUPLED, COUPLED_SCALAR_THRESHOLD -> {
                    String w = transposed(g, layer + "W_coupled", net.parameter(t, ParamKind.W_COUPLED));
                    if (z == null) {
                        u = g.node("MatMul", INPUT, w);
                    } else {
                        dRows = dRows != null ? dRows : transposed(g, "dictionary_rows", d);
                        u = g.node("Sub", z, g.node("MatMul", residual(g, z, dRows), w));
                    }
                    perAtom = kind == Parametrization.LayerKind.COUPLED;
                    threshold = perAtom ? Double.NaN : scalar(net, t, ParamKind.THRESHOLD);
                }
                case ALISTA, STEP -> {
                    String weights;
                    if (kind == Parametrization.LayerKind.ALISTA) {
                        wTilde = wTilde != null ? wTilde : asIs(g, "analytic_weights", net.analyticWeights());
                        weights = wTilde;
                    } else {
                        dCols = dCols != null ? dCols : asIs(g, "dictionary", d);
                        weights = dCols;
                    }
                    double alpha = scalar(net, t, ParamKind.STEP_SIZE);
                    String a = stepSize(g, layer + "step_size", alpha, dtype, m);
                    if (z == null) {
                        u = g.node("Mul", a, g.node("MatMul", INPUT, weights));
                    } else {
                        dRows = dRows != null ? dRows : transposed(g, "dictionary_rows", d);
                        u = g.node("Sub", z, g.node("Mul", a, g.node("MatMul", residual(g, z, dRows), weights)));
                    }
                    threshold = kind == Parametrization.LayerKind.ALISTA ? scalar(net, t, ParamKind.THRESHOLD) : alpha;
                }
                default -> throw new IllegalStateException("unknown layer kind " + kind);
            }
            String out = t == net.layers() - 1 ? OUTPUT : "z" + (t + 1);
            if (perAtom) {
                double[] theta = net.parameter(t, ParamKind.THRESHOLDS).values().clone();
                for (int i = 0; i < m; i++) {
                    theta[i] *= p.lambda();
                }
                softThreshold(g, out, u, g.initializer(layer + "tau", new long[] {m}, theta));
            } else if (dtype == DType.F32) {
                float tau = (float) (p.lambda() * threshold);
                g.nodeInto(out, "Shrink", Map.of("bias", tau, "lambd", tau), u);
            } else {
                String tau = g.initializer(layer + "tau", new long[0], new double[] {p.lambda() * threshold});
                softThreshold(g, out, u, tau);
            }
            z = out;
        }
        g.metadata("parametrization", par.id());
        g.metadata("layers", Integer.toString(net.layers()));
        g.metadata("signal_dim", Integer.toString(n));
        g.metadata("atoms", Integer.toString(m));
        g.metadata("lambda", Double.toString(p.lambda()));
        g.metadata("dtype", dtype.name());
        return g.toModel("unroll_" + par.id(), "Unrolled ISTA network (" + par.id() + ", " + net.layers()
                + " layers): z = network(x) for x of shape (batch, " + n + "), z of shape (batch, " + m + ")");
    }

    /** r = z·Dᵀ − x. */
    private static String residual(OnnxGraph g, String z, String dRows) {
        return g.node("Sub", g.node("MatMul", z, dRows), INPUT);
    }

    /** out = Sign(u)·Relu(Abs(u) − τ). */
    private static void softThreshold(OnnxGraph g, String out, String u, String tau) {
        String magnitude = g.node("Relu", g.node("Sub", g.node("Abs", u), tau));
        g.nodeInto(out, "Mul", Map.of(), g.node("Sign", u), magnitude);
    }

    /** The column-convention matrix {@code a} (rows×cols) as the row-convention initializer aᵀ (cols, rows). */
    private static String transposed(OnnxGraph g, String name, HostMatrix a) {
        // aᵀ in row-major order is a in column-major order: the values as they are.
        return g.initializer(name, new long[] {a.cols(), a.rows()}, a.values());
    }

    /** The matrix {@code a} (rows×cols) as an initializer of the same shape, row-major. */
    private static String asIs(OnnxGraph g, String name, HostMatrix a) {
        return g.initializer(name, new long[] {a.rows(), a.cols()}, a.transpose().values());
    }

    /**
     * α as the factor of a Mul. In an F64 graph it is α repeated per atom, shape (m): ONNX Runtime's
     * MatMulScaleFusion folds a scalar factor of a MatMul into the fused kernel's float32 {@code alpha}
     * attribute, which would round α to float32 (a 1e-8 relative error in every F64 step layer); a vector
     * factor is left alone. An F32 α loses nothing there, so it stays a scalar.
     */
    private static String stepSize(OnnxGraph g, String name, double alpha, DType dtype, int m) {
        if (dtype == DType.F32) {
            return g.initializer(name, new long[0], new double[] {alpha});
        }
        double[] perAtom = new double[m];
        java.util.Arrays.fill(perAtom, alpha);
        return g.initializer(name, new long[] {m}, perAtom);
    }

    private static double scalar(UnrolledNetwork net, int layer, ParamKind kind) {
        return net.parameter(layer, kind).values()[0];
    }
}
