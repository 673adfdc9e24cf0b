package dev.unroll.engine;

/**
 * The two element precisions every backend supports. F32 is for throughput, F64 for analysis (F*,
 * Jacobians, finite-difference checks) where results must hold to about 1e-12.
 */
public enum DType {
    /** IEEE 754 binary32, {@code float}. */
    F32(Float.BYTES, 0x1p-24),
    /** IEEE 754 binary64, {@code double}. */
    F64(Double.BYTES, 0x1p-53);

    private final int bytes;
    private final double unitRoundoff;

    DType(int bytes, double unitRoundoff) {
        this.bytes = bytes;
        this.unitRoundoff = unitRoundoff;
    }

    /** Size of one element in bytes. */
    public int byteSize() {
        return bytes;
    }

    /** Unit roundoff u = 2^-p (half the machine epsilon): the relative error of one rounding. */
    public double unitRoundoff() {
        return unitRoundoff;
    }

    /** The Java primitive that holds one element, for messages. */
    public String javaType() {
        return this == F32 ? "float" : "double";
    }
}
