package dev.unroll.cpu;

import dev.unroll.engine.DType;

/**
 * Scratch matrices reused from call to call: numbered slots per precision that grow to the largest size asked
 * for and are never shrunk. Contents are not cleared; every user overwrites its scratch before reading it.
 * One per calling thread (the kernels keep them in a {@link ThreadLocal}), so concurrent calls never share.
 */
final class Workspace {
    private static final int SLOTS = 8;
    private final VecBuffer[] f32 = new VecBuffer[SLOTS];
    private final VecBuffer[] f64 = new VecBuffer[SLOTS];
    /** The last view handed out per slot, handed out again while the shape and buffer stay the same. */
    private final Mat[] f32Views = new Mat[SLOTS];
    private final Mat[] f64Views = new Mat[SLOTS];

    /** Slot {@code slot} viewed as a packed rows×cols matrix of {@code dtype}; its contents are undefined. */
    Mat get(int slot, DType dtype, int rows, int cols) {
        VecBuffer[] slots = dtype == DType.F32 ? f32 : f64;
        Mat[] views = dtype == DType.F32 ? f32Views : f64Views;
        long need = Math.max(1L, (long) rows * cols);
        if (slots[slot] == null || slots[slot].elements() < need) {
            slots[slot] = VecBuffer.allocate(dtype, need);
        }
        Mat last = views[slot];
        if (last != null && last.buf() == slots[slot] && last.rows() == rows && last.cols() == cols) {
            return last;
        }
        Mat view = new Mat(slots[slot], 0, Math.max(rows, 1), rows, cols);
        views[slot] = view;
        return view;
    }
}
