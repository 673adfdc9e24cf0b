package dev.unroll.cli;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.training.TrainingMode;
import java.time.Duration;
import java.util.Locale;

/** Small parsers and checks the subcommands share; each failure is a {@link UsageException}. */
final class Cli {
    private Cli() {
    }

    static Parametrization parametrization(String id) {
        try {
            return Parametrization.fromId(id.toLowerCase(Locale.ROOT).replace('-', '_'));
        } catch (InvalidArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static TrainingMode mode(String id) {
        try {
            return TrainingMode.fromId(id.toLowerCase(Locale.ROOT));
        } catch (InvalidArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** "90s", "10m", "2h" or an ISO-8601 duration ("PT10M"). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new UsageException("'" + text + "' is not a duration; write e.g. 90s, 10m, 2h or PT10M");
        }
    }
}
