package dev.unroll.cuda;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Parametrization.LayerKind;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one-kernel forward pass ({@code unrolled_forward_fused}) for small networks whose layers act through the
 * residual (coupled, alista, step, first_step; m ≤ {@value #MAX_ATOMS}, at most {@value #MAX_LAYERS} layers):
 * each block runs every layer for a tile of the batch with D (and W̃) in shared memory, recording the tape
 * when there is one. Per-layer parameters travel in one by-value struct ({@link #layerTable}) whose layout
 * matches {@code FusedLayers} in {@code kernels/src/main/cuda/unroll_fused.cuh}.
 */
final class FusedForward {
    static final int MAX_ATOMS = 512;
    static final int MAX_LAYERS = 64;
    static final int MAX_TILE = 16;
    /** sizeof(FusedLayers). */
    static final int TABLE_BYTES = 3088;

    private static final int KIND_COUPLED = 1;
    private static final int KIND_COUPLED_SCALAR_THRESHOLD = 2;
    private static final int KIND_ALISTA = 3;
    private static final int KIND_STEP = 4;

    private final DeviceOps ops;
    private final int multiprocessors;
    private final int sharedLimit;
    private final boolean enabled;

    FusedForward(DeviceOps ops, DeviceContext context, boolean enabled) {
        this(ops, context.multiprocessors(), context.maxSharedOptIn(), enabled);
    }

    FusedForward(DeviceOps ops, int multiprocessors, int sharedLimit, boolean enabled) {
        this.ops = ops;
        this.multiprocessors = multiprocessors;
        this.sharedLimit = sharedLimit;
        this.enabled = enabled;
    }

    /** Runs the pass fused when the network qualifies; false when the caller must run it layer by layer. */
    boolean tryRun(UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        NetworkSpec spec = model.spec();
        if (!enabled || !qualifies(spec.parametrization(), spec.atoms(), layers) || !uniformTape(tape, layers)) {
            return false;
        }
        DType dt = spec.dtype();
        int n = spec.signalDim();
        int m = spec.atoms();
        int batch = x.cols();
        boolean alista = spec.parametrization() == Parametrization.ALISTA;
        int tile = tile(batch, multiprocessors);
        while (tile > 1 && sharedBytes(dt, n, m, tile, alista) > sharedLimit) {
            tile--;
        }
        int shared = sharedBytes(dt, n, m, tile, alista);
        if (shared > sharedLimit) {
            return false;
        }
        Dev d = Dev.of(model.dictionary());
        Dev wt = alista ? Dev.of(model.analyticWeights()) : null;
        Dev xd = Dev.of(x);
        Dev z0d = Dev.orNull(z0);
        Dev out = Dev.orNull(zOut);
        int first = tape == null ? 0 : tape.recordedFrom();
        int ldzt = tape == null ? 1 : tape.z(first).ld();
        int ldut = tape == null ? 1 : tape.u(first + 1).ld();
        int blocks = (batch + tile - 1) / tile;
        ops.launcher().launch(Kernel.UNROLLED_FORWARD_FUSED, dt, blocks, 1, Launcher.BLOCK, 1, shared, Launcher.args()
                .p(d.ptr()).i(d.ld()).p(Dev.ptr(wt)).i(Dev.ld(wt)).i(n).i(m).p(xd.ptr()).i(xd.ld())
                .p(Dev.ptr(z0d)).i(Dev.ld(z0d)).p(Dev.ptr(out)).i(Dev.ld(out)).i(batch).i(layers).i(tile)
                .d(model.lambda()).i(ldzt).i(ldut).struct(layerTable(model, layers, tape)));
        return true;
    }

    /** Whether a network of this kind and size can run fused (shared memory is checked separately). */
    static boolean qualifies(Parametrization p, int atoms, int layers) {
        return p != Parametrization.LISTA && atoms <= MAX_ATOMS && layers >= 1 && layers <= MAX_LAYERS;
    }

    /** Batch columns per block: enough blocks for two per multiprocessor, at most {@value #MAX_TILE}. */
    static int tile(int batch, int multiprocessors) {
        int perBlock = (batch + 2 * multiprocessors - 1) / Math.max(1, 2 * multiprocessors);
        return Math.max(1, Math.min(MAX_TILE, perBlock));
    }

    /** Dynamic shared memory of one block: padded D (and W̃), the tile's Z, R and X. */
    static int sharedBytes(DType dt, int n, int m, int tile, boolean alista) {
        long elements = (long) (n + 1) * m * (alista ? 2 : 1) + (long) tile * (m + 2L * n);
        return (int) Math.min(Integer.MAX_VALUE, elements * dt.byteSize());
    }

    /**
     * The kernel reads every tape column with one leading dimension for z and one for u (layers before the
     * tape's window have address 0 in the table: the kernel skips their record).
     */
    private static boolean uniformTape(Tape tape, int layers) {
        if (tape == null) {
            return true;
        }
        int first = tape.recordedFrom();
        int ldz = tape.z(first).ld();
        int ldu = tape.u(first + 1).ld();
        for (int t = first + 1; t <= layers; t++) {
            if (tape.z(t).ld() != ldz || tape.u(t).ld() != ldu) {
                return false;
            }
        }
        return true;
    }

    /** FusedLayers, little-endian: w[64], theta[64], alpha[64], zt[65], ut[65] (u64), kind[64], ldw[64] (i32). */
    static byte[] layerTable(UnrolledModel model, int layers, Tape tape) {
        ByteBuffer b = ByteBuffer.allocate(TABLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ParameterSet p = model.params();
        Parametrization param = model.spec().parametrization();
        for (int t = 0; t < layers; t++) {
            LayerKind kind = param.layerKind(t);
            long w = 0;
            long theta = 0;
            long alpha = 0;
            int ldw = 1;
            int code;
            switch (kind) {
                case COUPLED -> {
                    Matrix wm = p.get(t, ParamKind.W_COUPLED);
                    w = DeviceBuffer.address(wm);
                    ldw = wm.ld();
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLDS));
                    code = KIND_COUPLED;
                }
                case COUPLED_SCALAR_THRESHOLD -> {
                    Matrix wm = p.get(t, ParamKind.W_COUPLED);
                    w = DeviceBuffer.address(wm);
                    ldw = wm.ld();
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLD));
                    code = KIND_COUPLED_SCALAR_THRESHOLD;
                }
                case ALISTA -> {
                    theta = DeviceBuffer.address(p.get(t, ParamKind.THRESHOLD));
                    alpha = DeviceBuffer.address(p.get(t, ParamKind.STEP_SIZE));
                    code = KIND_ALISTA;
                }
                case STEP -> {
                    alpha = DeviceBuffer.address(p.get(t, ParamKind.STEP_SIZE));
                    code = KIND_STEP;
                }
                default -> throw new IllegalArgumentException("layer kind " + kind + " does not run fused");
            }
            b.putLong(t * 8, w);
            b.putLong(512 + t * 8, theta);
            b.putLong(1024 + t * 8, alpha);
            b.putInt(2576 + t * 4, code);
            b.putInt(2832 + t * 4, ldw);
        }
        if (tape != null) {
            for (int t = tape.recordedFrom(); t <= layers; t++) {
                b.putLong(1536 + t * 8, DeviceBuffer.address(tape.z(t)));
                if (t > tape.recordedFrom()) {
                    b.putLong(2056 + t * 8, DeviceBuffer.address(tape.u(t)));
                }
            }
        }
        return b.array();
    }
}
