package dev.unroll.cpu;

/**
 * One thread's laid-out operands ({@link GemmF32.PackedOperand}, {@link GemmF64.PackedOperand}) by matrix,
 * transposition and pass: a tiled pass multiplies every tile by the same layer weights, and lays each out
 * once per thread instead of once per tile. An operand is reused while the pass number stays the same and
 * laid out again (into the same buffers) in the next pass, since the weights change between passes. A
 * small linear table: a pass has a few operands per layer, and a lookup costs nothing next to a product.
 */
final class PackCache {
    /** Entries beyond which the table starts again (operands of models no longer in use are dropped). */
    private static final int CAPACITY = 128;
    private static final ThreadLocal<PackCache> LOCAL = ThreadLocal.withInitial(PackCache::new);

    private Mat[] keys = new Mat[16];
    private boolean[] transposed = new boolean[16];
    private long[] passes = new long[16];
    private Object[] operands = new Object[16];
    private int size;

    private PackCache() {
    }

    static PackCache local() {
        return LOCAL.get();
    }

    GemmF32.PackedOperand f32(long pass, boolean ta, Mat a) {
        int i = entry(ta, a);
        GemmF32.PackedOperand op = (GemmF32.PackedOperand) operands[i];
        if (stale(i, pass)) {
            op.pack(ta, ta ? a.cols() : a.rows(), ta ? a.rows() : a.cols(), a.f(), a.off(), a.ld());
        }
        return op;
    }

    GemmF64.PackedOperand f64(long pass, boolean ta, Mat a) {
        int i = entry(ta, a);
        GemmF64.PackedOperand op = (GemmF64.PackedOperand) operands[i];
        if (stale(i, pass)) {
            op.pack(ta, ta ? a.cols() : a.rows(), ta ? a.rows() : a.cols(), a.d(), a.off(), a.ld());
        }
        return op;
    }

    /** Whether entry {@code i} was laid out in another pass; it then counts as laid out in {@code pass}. */
    private boolean stale(int i, long pass) {
        if (passes[i] == pass) {
            return false;
        }
        passes[i] = pass;
        return true;
    }

    /** The entry of {@code a} and {@code ta}, added (with an operand of a's precision) if there is none. */
    private int entry(boolean ta, Mat a) {
        int i = find(ta, a);
        if (i >= 0) {
            return i;
        }
        return add(ta, a, a.dtype() == dev.unroll.engine.DType.F32 ? new GemmF32.PackedOperand()
                : new GemmF64.PackedOperand());
    }

    /** The entry of {@code a} (by identity: a matrix keeps one kernel view) and {@code ta}, or −1. */
    private int find(boolean ta, Mat a) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == a && transposed[i] == ta) {
                return i;
            }
        }
        return -1;
    }

    private int add(boolean ta, Mat a, Object operand) {
        if (size == CAPACITY) {
            java.util.Arrays.fill(keys, null);
            java.util.Arrays.fill(operands, null);
            size = 0;
        }
        if (size == keys.length) {
            int grown = Math.min(CAPACITY, 2 * size);
            keys = java.util.Arrays.copyOf(keys, grown);
            transposed = java.util.Arrays.copyOf(transposed, grown);
            passes = java.util.Arrays.copyOf(passes, grown);
            operands = java.util.Arrays.copyOf(operands, grown);
        }
        keys[size] = a;
        transposed[size] = ta;
        passes[size] = -1;
        operands[size] = operand;
        return size++;
    }
}
