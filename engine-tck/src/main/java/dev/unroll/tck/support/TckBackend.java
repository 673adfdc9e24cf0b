package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Which backend the suite runs against: {@value #BACKEND} (default "reference"), started with the
 * {@code unroll.*} system properties. Where it is unavailable every test is skipped with the probe's
 * reason, unless {@value #REQUIRE} names it: then unavailability is a failure.
 */
public final class TckBackend {
    /** System property naming the backend under test. */
    public static final String BACKEND = "unroll.tck.backend";
    /** System property naming a backend that must be available (no silent skip). */
    public static final String REQUIRE = "unroll.tck.require";
    /** The oracle's name. */
    public static final String REFERENCE = "reference";

    private TckBackend() {
    }

    /** The name of the backend under test. */
    public static String name() {
        String name = System.getProperty(BACKEND, REFERENCE).trim();
        return name.isEmpty() ? REFERENCE : name;
    }

    /** Opens the backend under test, or skips (or fails, when required) with the probe's reason. */
    public static Backend open() {
        String name = name();
        BackendStatus status = Backends.survey().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        String reason = status == null ? "backend '" + name + "' is not installed (no provider on the class path)"
                : status.availability().available() ? null
                : "backend '" + name + "' is unavailable: " + status.availability().explain();
        if (reason != null) {
            if (name.equals(System.getProperty(REQUIRE, "").trim())) {
                Assertions.fail(reason + " — and -D" + REQUIRE + "=" + name + " requires it");
            }
            Assumptions.abort(reason + " (skipped; set -D" + REQUIRE + "=" + name + " to fail instead)");
        }
        return Backends.open(name, BackendConfig.fromSystemProperties());
    }

    /** A second instance of the backend under test (ownership tests). */
    public static Backend openAnother() {
        return Backends.open(name(), BackendConfig.fromSystemProperties());
    }

    /** The reference backend, the oracle for reverse-mode comparisons. */
    public static Backend reference() {
        return Backends.open(REFERENCE, BackendConfig.defaults());
    }
}
