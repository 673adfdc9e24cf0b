package dev.unroll.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, fixed once per JVM in {@code static final} fields so the JIT sees
 * them as constants (a species held in an instance field defeats the Vector API's intrinsics). The width is
 * {@code -Dunroll.cpu.vectorBits} when set, else the platform's preferred one. Loaded only once the
 * provider has found {@code jdk.incubator.vector}.
 */
final class Species {
    /** Bits per vector for both precisions. */
    static final int BITS;
    /** The float species. */
    static final VectorSpecies<Float> F32;
    /** The double species. */
    static final VectorSpecies<Double> F64;

    static {
        int forced = VectorWidth.parseLenient(System.getProperty(VectorWidth.PROPERTY));
        if (forced == 0) {
            F32 = FloatVector.SPECIES_PREFERRED;
            F64 = DoubleVector.SPECIES_PREFERRED;
        } else {
            VectorShape shape = VectorShape.forBitSize(forced);
            F32 = VectorSpecies.of(float.class, shape);
            F64 = VectorSpecies.of(double.class, shape);
        }
        BITS = F32.vectorBitSize();
    }

    private Species() {
    }

    /** The preferred width of this platform, in bits. */
    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
