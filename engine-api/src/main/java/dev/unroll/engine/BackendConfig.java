package dev.unroll.engine;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings handed to a backend when it starts ({@code threads}, {@code device}, {@code cpu.vectorBits}, ...).
 * Keys are written without the {@code unroll.} prefix; {@link #fromSystemProperties()} reads every
 * {@code unroll.*} system property. Each backend documents the keys it reads and ignores the others.
 */
public final class BackendConfig {
    private static final String PREFIX = "unroll.";
    private final Map<String, String> values;

    private BackendConfig(Map<String, String> values) {
        this.values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** No settings: every backend uses its defaults. */
    public static BackendConfig defaults() {
        return new BackendConfig(Map.of());
    }

    /** The given settings, keys without the {@code unroll.} prefix. */
    public static BackendConfig of(Map<String, String> values) {
        return new BackendConfig(values);
    }

    /** Every {@code unroll.*} system property, prefix removed. */
    public static BackendConfig fromSystemProperties() {
        Map<String, String> found = new TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith(PREFIX)) {
                found.put(key.substring(PREFIX.length()), v.toString());
            }
        });
        return new BackendConfig(found);
    }

    /** A copy with one more setting. */
    public BackendConfig with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new BackendConfig(copy);
    }

    /** The raw value of a setting. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * An integer setting, or {@code fallback} when absent.
     *
     * @throws InvalidArgumentException when the value is not an integer
     */
    public int getInt(String key, int fallback) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("setting unroll." + key + " must be an integer, but is '" + v
                    + "'; set -Dunroll." + key + "=<integer> or leave it unset for the default (" + fallback + ")");
        }
    }

    /** All settings, keys without the prefix. */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return "BackendConfig" + values;
    }
}
