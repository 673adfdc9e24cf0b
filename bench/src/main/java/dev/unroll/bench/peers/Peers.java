package dev.unroll.bench.peers;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.unroll.bench.Workload;
import dev.unroll.engine.DType;

/**
 * The peers a benchmark's {@code backend} parameter may name besides Unroll's backends: {@value #EJML}
 * (pure Java) and {@value #OPENBLAS} (native BLAS through the FFM API) for the products and ISTA, and
 * {@value #DJL_PYTORCH} (libtorch through DJL) for the unrolled networks. Naming them in the same parameter
 * as the backends puts them on exactly the same shapes, data and JMH settings, in the same run, and lets
 * the report take ratios of medians by changing one parameter only.
 */
public final class Peers {
    /** EJML 0.46 dense row-major operations, single-threaded (its default). */
    public static final String EJML = "ejml";
    /** OpenBLAS through {@code java.lang.foreign}, with its own threads. */
    public static final String OPENBLAS = "openblas";
    /** libtorch 2.7.1 (MKL, oneDNN) through DJL: the unrolled networks only. */
    public static final String DJL_PYTORCH = "djl-pytorch";
    /** Every peer, in report order. */
    public static final List<String> NAMES = List.of(EJML, OPENBLAS, DJL_PYTORCH);

    private Peers() {
    }

    /** Whether {@code name} names a peer rather than a backend. */
    public static boolean isPeer(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Why the peer cannot run here, or empty when it can. Never throws.
     *
     * @throws IllegalArgumentException when {@code name} is not a peer
     */
    public static Optional<String> unavailableReason(String name) {
        return switch (name) {
            case EJML -> Optional.empty();
            case OPENBLAS -> OpenBlas.load() instanceof OpenBlas.Missing(String reason) ? Optional.of(reason)
                    : Optional.empty();
            case DJL_PYTORCH -> Optional.ofNullable(DjlPytorch.unavailableReason());
            default -> throw new IllegalArgumentException("not a peer: " + name + " (peers: " + NAMES + ")");
        };
    }

    /** One line on what the peer is here (for the report): library and, for OpenBLAS, path and kernels. */
    public static String describe(String name) {
        return switch (name) {
            case EJML -> "EJML " + org.ejml.EjmlVersion.VERSION + " (pure Java, CommonOps_FDRM/DDRM, 1 thread)";
            case OPENBLAS -> switch (OpenBlas.load()) {
                case OpenBlas.Found(OpenBlas b) -> "OpenBLAS via FFM: " + b.path()
                        + (b.coreName().isEmpty() ? "" : ", kernels " + b.coreName())
                        + (b.config().isEmpty() ? "" : " (" + b.config() + ")");
                case OpenBlas.Missing(String reason) -> reason;
            };
            case DJL_PYTORCH -> DjlPytorch.describe();
            default -> throw new IllegalArgumentException("not a peer: " + name);
        };
    }

    /**
     * {@code C = A·B} (A m×k, B k×batch, column-major data) on a peer.
     *
     * @throws IllegalStateException with the reason (marked SKIPPED) when the peer is unavailable here
     */
    public static Workload gemm(String name, DType dtype, int m, int k, int batch, double[] a, double[] b) {
        return switch (name) {
            case EJML -> EjmlPeer.gemm(dtype, m, k, batch, a, b);
            case OPENBLAS -> OpenBlasPeer.gemm(openBlas(), dtype, m, k, batch, a, b);
            default -> throw notFor(name, "GEMM", List.of(EJML, OPENBLAS));
        };
    }

    /**
     * One ISTA iteration on a batch (D n×m, X n×batch; Z m×batch from 0, updated in place) on a peer.
     *
     * @throws IllegalStateException with the reason (marked SKIPPED) when the peer is unavailable here
     */
    public static Workload ista(String name, DType dtype, int n, int m, int batch, double[] d, double[] x,
                                double step, double threshold) {
        return switch (name) {
            case EJML -> EjmlPeer.ista(dtype, n, m, batch, d, x, step, threshold);
            case OPENBLAS -> OpenBlasPeer.ista(openBlas(), dtype, n, m, batch, d, x, step, threshold);
            default -> throw notFor(name, "the ISTA iteration", List.of(EJML, OPENBLAS));
        };
    }

    /**
     * A T-layer LISTA or SLISTA ({@code variant} lista or step) on a peer: its forward pass, or with
     * {@code train} one training step (forward, Lasso loss, reverse mode, Adam), as {@code UnrolledBenchmark}
     * measures them on the backends. D is n×m and the signals n×batch, column-major.
     *
     * @param threads the peer's threads
     * @throws IllegalStateException with the reason (marked SKIPPED) when the peer is unavailable here
     */
    public static Workload unrolled(String name, boolean train, String variant, DType dtype, int layers, int n, int m,
                                    int batch, double[] d, double[] signals, double lipschitz, double lambda,
                                    double learningRate, int threads) {
        if (!DJL_PYTORCH.equals(name)) {
            throw notFor(name, "the unrolled networks", List.of(DJL_PYTORCH));
        }
        return DjlPytorchPeer.unrolled(train, variant, dtype, layers, n, m, batch, d, signals, lipschitz, lambda,
                learningRate, threads);
    }

    private static IllegalArgumentException notFor(String name, String what, List<String> peers) {
        return new IllegalArgumentException(NAMES.contains(name)
                ? "the peer " + name + " does not run " + what + "; peers that do: " + peers
                : "not a peer: " + name + " (peers: " + NAMES + ")");
    }

    private static OpenBlas openBlas() {
        return switch (OpenBlas.load()) {
            case OpenBlas.Found(OpenBlas b) -> b;
            case OpenBlas.Missing(String reason) -> throw new IllegalStateException("SKIPPED (not an error): " + reason);
        };
    }
}
