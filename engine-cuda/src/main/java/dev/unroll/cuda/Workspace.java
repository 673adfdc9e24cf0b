package dev.unroll.cuda;

import dev.unroll.engine.DType;

import java.util.EnumMap;
import java.util.Map;

/**
 * Device scratch memory reused by every operation (the backend runs one operation at a time): one buffer per
 * {@link Slot}, grown when a larger one is needed and never shrunk, so steady-state training allocates nothing.
 */
final class Workspace implements AutoCloseable {
    /** The scratch buffers; operations that run together use distinct slots. */
    enum Slot {
        REDUCE_PARTIALS, REDUCE_RESULT, COLUMN_TERMS, RESIDUAL, PRODUCT, PING, PONG, GRADIENT, MASKED, ROW_PARTIALS,
        LAYER_TABLE,
        /** A device scalar 1, the per-row "threshold" of a scalar τ in the mask kernel. */
        UNIT
    }

    private final DeviceMemory memory;
    private final Map<Slot, DeviceBuffer> buffers = new EnumMap<>(Slot.class);

    Workspace(DeviceMemory memory) {
        this.memory = memory;
    }

    /** The address of at least {@code bytes} bytes of slot {@code slot} (contents undefined). */
    long get(Slot slot, long bytes) {
        DeviceBuffer b = buffers.get(slot);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                memory.free(b);
            }
            long elements = Math.max(1, (bytes + 7) / 8);
            b = memory.allocate(DType.F64, elements);
            buffers.put(slot, b);
        }
        return b.address(0);
    }

    /** A packed rows×cols scratch operand of {@code dtype} in {@code slot}. */
    Dev matrix(Slot slot, DType dtype, int rows, int cols) {
        return Dev.packed(get(slot, (long) rows * cols * dtype.byteSize()), rows, cols);
    }

    @Override
    public void close() {
        for (DeviceBuffer b : buffers.values()) {
            memory.free(b);
        }
        buffers.clear();
    }
}
