package dev.unroll.solvers.interop;

import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.ModelFileException;
import dev.unroll.solvers.io.Tensor;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact correspondence between an Unroll network and the state dict of ADOPTY's {@code Lista} (the
 * {@code torch.nn.Module} of {@code adopty/lista.py}; docs/science.md §3.1). ADOPTY works in the row convention:
 * its D is (m, n) = Unroll's Dᵀ, a signal is a row, and a layer multiplies on the right; its parameters are
 * registered as {@code layer{t}-{name}}. Hence, with Unroll's column-major matrices:
 * <pre>
 * Unroll (column convention)          ADOPTY key           ADOPTY shape   value
 * layers.t.Wz          m×m            layer{t}-Wz          (m, m)         W_zᵀ
 * layers.t.Wx          m×n            layer{t}-Wx          (n, m)         W_xᵀ
 * layers.t.W_coupled   m×n            layer{t}-W_coupled   (n, m)         Wᵀ
 * layers.t.threshold   m×1 (per atom) layer{t}-threshold   (m,)           θ
 * layers.t.threshold   1×1 (scalar)   layer{t}-threshold   ()             θ
 * layers.t.step_size   1×1            layer{t}-step_size   ()             α
 * dictionary           n×m            Lista(D, …) argument (m, n)          Dᵀ (not in the state dict)
 * analytic_weights     n×m            Lista.W (alista)     (n, m)         W̃  (not in the state dict)
 * lambda                              forward(x, lmbd)                     λ
 * </pre>
 * Each transposed matrix's row-major elements are the Unroll matrix's column-major elements, so nothing is
 * reordered. Keys come in ADOPTY's registration order (lista: threshold, Wz, Wx; coupled: threshold,
 * W_coupled; alista: threshold, step_size; step: step_size; first_step: threshold, W_coupled, then
 * step_size), and tensors in the network's precision (ADOPTY itself uses float64).
 *
 * <p>Reading also takes what ADOPTY writes with {@code learn_th=False} (lista and coupled without
 * thresholds: θ = 1/L per atom, as its forward uses), scalar steps of shape (1,), and, with
 * {@link Names#LEGACY}, the list-based {@code Lista} of ADOPTY before its dict rewrite, which registered
 * lista's (I − B/L) z-weight as {@code Wx} and its x-weight as {@code Wz}, and alista's step as {@code lr}.
 */
public final class AdoptyStateDict {
    private static final Pattern KEY = Pattern.compile("layer(\\d+)-(\\w+)");

    /** Which revision of ADOPTY's parameter names a state dict uses. */
    public enum Names {
        /** ADOPTY's final {@code Lista} (dict-based, with step and first_step): Wz is the z-weight. */
        CURRENT,
        /** ADOPTY's earlier list-based {@code Lista}: lista's "Wx" is the z-weight, alista's step is "lr". */
        LEGACY
    }

    private AdoptyStateDict() {
    }

    /** The ADOPTY key of a parameter of layer {@code t}. */
    public static String key(int t, ParamKind kind) {
        return "layer" + t + "-" + kind.id();
    }

    /** The state dict of {@code net}, in ADOPTY's names, shapes and order (see the class comment). */
    public static SequencedMap<String, Tensor> of(UnrolledNetwork net) {
        SequencedMap<String, Tensor> out = new LinkedHashMap<>();
        DType dtype = net.problem().dtype();
        for (int t = 0; t < net.layers(); t++) {
            for (ParamKind kind : adoptyOrder(net.parametrization().layout(t))) {
                HostMatrix v = net.parameter(t, kind);
                int[] shape = switch (kind) {
                    case W_Z, W_X, W_COUPLED -> new int[] {v.cols(), v.rows()};
                    case THRESHOLDS -> new int[] {v.rows()};
                    case THRESHOLD, STEP_SIZE -> new int[0];
                };
                out.put(key(t, kind), dtype == DType.F64 ? Tensor.f64(shape, v.values()) : Tensor.f32(shape, v.toFloats()));
            }
        }
        return out;
    }

    /** ADOPTY registers the threshold first, then the matrices (lista: Wz before Wx), then the step. */
    private static List<ParamKind> adoptyOrder(List<ParamKind> layout) {
        return layout.stream().sorted(java.util.Comparator.comparingInt(k -> switch (k) {
            case THRESHOLDS, THRESHOLD -> 0;
            case W_Z -> 1;
            case W_X -> 2;
            case W_COUPLED -> 3;
            case STEP_SIZE -> 4;
        })).toList();
    }

    /**
     * The precision of a state dict: F64 or F32, the one element type all its tensors share.
     *
     * @throws ModelFileException when the dict is empty or mixes precisions
     */
    public static DType dtype(Map<String, Tensor> dict, String where) {
        TreeSet<String> types = new TreeSet<>();
        dict.values().forEach(t -> types.add(t.dtype().name()));
        if (types.size() != 1) {
            throw new ModelFileException(where + (types.isEmpty() ? " holds no tensors"
                    : " mixes precisions " + types + "; convert every tensor to float64 (or float32) before saving"));
        }
        return DType.valueOf(types.first());
    }

    /**
     * The number of layers of a state dict: one more than the largest t of its {@code layer{t}-…} keys.
     *
     * @throws ModelFileException when a key is not of that form
     */
    public static int layers(Map<String, Tensor> dict, String where) {
        int max = -1;
        for (String k : dict.keySet()) {
            Matcher m = KEY.matcher(k);
            if (!m.matches()) {
                throw new ModelFileException(where + ": key '" + k + "' is not an ADOPTY parameter name "
                        + "layer{t}-{name}; save the Lista network's state_dict()");
            }
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max + 1;
    }

    /**
     * A new network of {@code par} on problem {@code p} (ADOPTY's D transposed, its λ) holding the
     * parameters of {@code dict}; ALISTA's W̃ is {@code analyticWeights} (n×m). Every key, shape and value is
     * checked before the network is made; the caller closes it.
     *
     * @throws ModelFileException when a parameter is missing, extra, of the wrong shape or not finite
     */
    public static UnrolledNetwork network(LassoProblem p, Parametrization par, Map<String, Tensor> dict,
                                          HostMatrix analyticWeights, Names names, String where) {
        int n = p.signalDim();
        int m = p.atoms();
        int layers = layers(dict, where);
        if (layers < 1) {
            throw new ModelFileException(where + " holds no layer{t}-… parameters");
        }
        Map<String, HostMatrix> values = new LinkedHashMap<>();
        TreeSet<String> used = new TreeSet<>();
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : par.layout(t)) {
                String k = adoptyKey(t, kind, par, names);
                Tensor tensor = dict.get(k);
                used.add(k);
                HostMatrix v;
                if (tensor == null && kind == ParamKind.THRESHOLDS) {
                    // learn_th=False: ADOPTY's forward thresholds at λ/L.
                    double[] theta = new double[m];
                    Arrays.fill(theta, 1 / p.lipschitz());
                    v = new HostMatrix(m, 1, theta);
                } else if (tensor == null) {
                    throw new ModelFileException(where + " has no '" + k + "', which layer " + t + " of a " + layers
                            + "-layer " + par.id() + " network needs; it holds " + new TreeSet<>(dict.keySet()));
                } else {
                    v = value(tensor, kind, n, m, k, where);
                }
                v.requireFinite(where + ": '" + k + "'");
                values.put(t + "/" + kind.name(), v);
            }
        }
        TreeSet<String> extra = new TreeSet<>(dict.keySet());
        extra.removeAll(used);
        if (!extra.isEmpty()) {
            throw new ModelFileException(where + " holds " + extra + ", which a " + layers + "-layer " + par.id()
                    + " network does not have; is --parametrization right?");
        }
        UnrolledNetwork net = UnrolledNetwork.create(p, par, layers, analyticWeights);
        try {
            for (int t = 0; t < layers; t++) {
                for (ParamKind kind : par.layout(t)) {
                    net.setParameter(t, kind, values.get(t + "/" + kind.name()));
                }
            }
            return net;
        } catch (InvalidArgumentException e) {
            net.close();
            throw new ModelFileException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private static String adoptyKey(int t, ParamKind kind, Parametrization par, Names names) {
        if (names == Names.LEGACY) {
            if (kind == ParamKind.W_Z) {
                return "layer" + t + "-Wx";
            }
            if (kind == ParamKind.W_X) {
                return "layer" + t + "-Wz";
            }
            if (kind == ParamKind.STEP_SIZE && par == Parametrization.ALISTA) {
                return "layer" + t + "-lr";
            }
        }
        return key(t, kind);
    }

    /** The Unroll value of an ADOPTY tensor, checking its shape. */
    private static HostMatrix value(Tensor tensor, ParamKind kind, int n, int m, String k, String where) {
        int[] s = tensor.shape();
        double[] v = tensor.toF64();
        switch (kind) {
            case W_Z, W_X, W_COUPLED -> {
                int rows = kind.rows(n, m);
                int cols = kind.cols(n, m);
                if (s.length != 2 || s[0] != cols || s[1] != rows) {
                    throw shape(k, s, "(" + cols + ", " + rows + ")", where);
                }
                return new HostMatrix(rows, cols, v);
            }
            case THRESHOLDS -> {
                if (s.length == 1 && s[0] == m) {
                    return new HostMatrix(m, 1, v);
                }
                if (v.length == 1 && s.length <= 1) {
                    double[] theta = new double[m];
                    Arrays.fill(theta, v[0]); // a scalar threshold broadcasts over the atoms in ADOPTY's forward
                    return new HostMatrix(m, 1, theta);
                }
                throw shape(k, s, "(" + m + ",)", where);
            }
            default -> {
                if (v.length != 1 || s.length > 1) {
                    throw shape(k, s, "() or (1,)", where);
                }
                return new HostMatrix(1, 1, v);
            }
        }
    }

    private static ModelFileException shape(String k, int[] s, String expected, String where) {
        return new ModelFileException(where + ": '" + k + "' has shape " + Arrays.toString(s) + " but ADOPTY's "
                + "layout for this problem is " + expected + "; check --parametrization and the dictionary's shape "
                + "(ADOPTY's D is (n_atoms, n_dim))");
    }
}
