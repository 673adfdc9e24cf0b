package dev.unroll.bench;

import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;

/**
 * The FLOP counts the report divides by time. They follow {@code torch_unrolled.py}'s convention,
 * "matmul FLOPs only" (2 per multiply–add of a matrix product; thresholds, the loss's elementwise terms
 * and the optimizer update count 0), so GFLOP/s read the same for Unroll and for PyTorch. Per sample, with
 * T layers, n = signal dimension, m = atoms:
 *
 * <ul>
 * <li>GEMM (A m×k, B k×batch): 2·m·k·batch per operation.</li>
 * <li>LISTA forward: T·2mn (W_x·x in every layer) + (T−1)·2m² (W_z·z; layer 0 starts from z₀ = 0, so the
 *     peer skips it). The peer's "inference" figure is exactly this.</li>
 * <li>SLISTA ({@code step}) forward: 2mn (Dᵀx in layer 0) + (T−1)·4mn (D·z and Dᵀr in every later layer).</li>
 * <li>Training step: (forward + 2nm for the loss's D·z) × 3 for LISTA and × 2 for SLISTA: the peer's
 *     {@code train_mult}. LISTA's reverse mode does two matrix products per forward one (∂/∂W and ∂/∂z);
 *     SLISTA's parameters are scalars, so the peer counts only the one product per forward product that
 *     carries ∂/∂z back. It is a convention, not an exact count of what either engine executes.</li>
 * <li>Strided batched GEMV ({@code batch} matrices m×k, one vector each): 2·m·k·batch, as the GEMM.</li>
 * <li>Lasso loss and gradient (D n×m, batch columns): 4·n·m·batch (D·Z and Dᵀ·R).</li>
 * <li>ISTA iteration: 4·n·m·batch (D·Z and Dᵀ·R; the threshold counts 0).</li>
 * </ul>
 *
 * <p>Operations without a matrix product would count 0 in that convention, so they count their elementwise
 * arithmetic instead: the soft-threshold 2 FLOPs per element (|u| − τ and the product with sign(u); the
 * comparisons count 0), an Adam step 12 per parameter (3 for the first moment, 4 for the second, 5 for
 * the update: square root, ε, division, learning rate, subtraction). These figures are for comparing
 * backends with each other on the same operation; they are memory-bound and their GFLOP/s are far below
 * the FMA peak by nature.
 */
public final class FlopModel {
    /** FLOPs per element of a soft-threshold (see the class comment). */
    public static final long SOFT_THRESHOLD_PER_ELEMENT = 2;
    /** FLOPs per parameter of an Adam step (see the class comment). */
    public static final long ADAM_PER_PARAMETER = 12;

    /** What one operation of an unrolled benchmark does. */
    public enum Mode {
        /** All T layers, no tape (the peer's "inference"). */
        FORWARD,
        /** Forward with tape, loss, reverse mode and optimizer step (the peer's "train_step"). */
        TRAIN
    }

    private FlopModel() {
    }

    /** 2·m·k·batch: C = A·B with A m×k and B k×batch. */
    public static long gemm(long m, long k, long batch) {
        return 2 * m * k * batch;
    }

    /** 2·rows·cols: a soft-threshold of a rows×cols matrix. */
    public static long softThreshold(long rows, long cols) {
        return SOFT_THRESHOLD_PER_ELEMENT * rows * cols;
    }

    /** 4·n·m·batch: the Lasso objective with ∂F/∂Z (D n×m, batch columns). */
    public static long lassoGradient(long n, long m, long batch) {
        return 4 * n * m * batch;
    }

    /** 4·n·m·batch: one ISTA iteration (D n×m, batch columns). */
    public static long istaIteration(long n, long m, long batch) {
        return 4 * n * m * batch;
    }

    /** 12 per parameter: one Adam step over a T-layer network's parameters. */
    public static long adam(Parametrization p, int layers, int n, int m) {
        return ADAM_PER_PARAMETER * parameters(p, layers, n, m);
    }

    /** The number of scalar parameters of a T-layer network of parametrization {@code p}. */
    public static long parameters(Parametrization p, int layers, int n, int m) {
        long count = 0;
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : p.layout(t)) {
                count += (long) kind.rows(n, m) * kind.cols(n, m);
            }
        }
        return count;
    }

    /**
     * FLOPs per sample of one operation of a T-layer network (see the class comment).
     *
     * @throws IllegalArgumentException for parametrizations other than LISTA, COUPLED and STEP
     */
    public static long unrolledPerSample(Parametrization p, Mode mode, long layers, long n, long m) {
        long loss = 2 * n * m;
        return switch (p) {
            case LISTA -> {
                long forward = layers * 2 * m * n + (layers - 1) * 2 * m * m;
                yield mode == Mode.FORWARD ? forward : 3 * (forward + loss);
            }
            case STEP -> {
                long forward = 2 * m * n + (layers - 1) * 4 * m * n;
                yield mode == Mode.FORWARD ? forward : 2 * (forward + loss);
            }
            case COUPLED -> {
                // Per layer R = DZ − X and U = Z − W R; the reverse mode runs three such products per layer
                // (Ū Rᵀ, Wᵀ Ū, Dᵀ(Wᵀ Ū)) and the loss's gradient one more.
                long forward = layers * 4 * m * n;
                yield mode == Mode.FORWARD ? forward : forward + loss + layers * 6 * m * n + loss;
            }
            default -> throw new IllegalArgumentException("no FLOP model for parametrization " + p.id()
                    + "; the benchmarks cover lista, coupled and step");
        };
    }
}
