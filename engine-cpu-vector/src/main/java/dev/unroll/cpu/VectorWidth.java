package dev.unroll.cpu;

import dev.unroll.engine.InvalidArgumentException;

/**
 * Reads and validates the forced vector width ({@code -Dunroll.cpu.vectorBits}, config key
 * {@code cpu.vectorBits}). Pure: touches no Vector API class.
 */
final class VectorWidth {
    /** The system property that forces a width for the whole JVM. */
    static final String PROPERTY = "unroll.cpu.vectorBits";
    /** The backend configuration key (the property without its {@code unroll.} prefix). */
    static final String KEY = "cpu.vectorBits";

    private VectorWidth() {
    }

    /**
     * The width named by {@code value}, or 0 (meaning "the preferred width") when it is null or blank.
     *
     * @throws InvalidArgumentException when the value is not 128, 256 or 512
     */
    static int parse(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim();
        if (v.equals("128") || v.equals("256") || v.equals("512")) {
            return Integer.parseInt(v);
        }
        throw new InvalidArgumentException("setting " + PROPERTY + " must be 128, 256 or 512 (bits per vector), but is '"
                + value + "'; set -D" + PROPERTY + "=256, for example, or leave it unset for the preferred width");
    }

    /** Like {@link #parse} but answers 0 for an invalid value (for class initialisation, which must not fail). */
    static int parseLenient(String value) {
        try {
            return parse(value);
        } catch (InvalidArgumentException e) {
            return 0;
        }
    }
}
