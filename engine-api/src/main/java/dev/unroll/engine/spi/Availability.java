package dev.unroll.engine.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider's {@link BackendProvider#probe()} found: available (with facts worth printing, such as the
 * vector width or the GPU's name) or unavailable with the reason and the fix.
 *
 * @param available whether {@link BackendProvider#create} is expected to succeed
 * @param reason    why not, in one sentence; empty when available
 * @param fix       what the user can do about it; empty when available
 * @param details   facts shown by {@code unroll info}, in order
 */
public record Availability(boolean available, String reason, String fix, Map<String, String> details) {

    /** Copies the details so the record stays immutable. */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The backend can start; {@code details} are shown by {@code unroll info}. */
    public static Availability available(Map<String, String> details) {
        return new Availability(true, "", "", details);
    }

    /** The backend cannot start, because of {@code reason}; {@code fix} says what to do. */
    public static Availability unavailable(String reason, String fix) {
        return new Availability(false, reason, fix, Map.of());
    }

    /** "reason (fix: ...)" for logs and exceptions. */
    public String explain() {
        if (available) {
            return "available";
        }
        return fix.isEmpty() ? reason : reason + " (fix: " + fix + ")";
    }
}
