package dev.unroll.bench.campaign;

import java.util.ArrayList;
import java.util.List;

import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH settings of a campaign or of one of its runs. Every field is optional (null: the benchmark's own
 * annotations decide); a run's settings override the campaign's field by field, and JVM arguments add up.
 *
 * @param forks              forks per configuration ({@code -f})
 * @param warmupIterations   warm-up iterations ({@code -wi})
 * @param warmupTime         time per warm-up iteration, JMH syntax: {@code 500ms}, {@code 1s} ({@code -w})
 * @param iterations         measured iterations ({@code -i})
 * @param time               time per measured iteration ({@code -r})
 * @param jvmArgs            extra JVM arguments for the forks, before the benchmark's own (e.g.
 *                           {@code -Dunroll.threads=1})
 */
public record JmhSettings(Integer forks, Integer warmupIterations, String warmupTime, Integer iterations, String time,
                          List<String> jvmArgs) {
    /** No setting: the annotations decide. */
    public static final JmhSettings NONE = new JmhSettings(null, null, null, null, null, List.of());

    /** Checks the values and copies the list. */
    public JmhSettings {
        jvmArgs = List.copyOf(jvmArgs == null ? List.of() : jvmArgs);
        positive(forks, "forks", 0);
        positive(warmupIterations, "warmupIterations", 0);
        positive(iterations, "iterations", 1);
        timeValue(warmupTime, "warmupTime");
        timeValue(time, "time");
    }

    /** These settings with each field of {@code over} that is set taking precedence; JVM arguments concatenated. */
    public JmhSettings overriddenBy(JmhSettings over) {
        List<String> args = new ArrayList<>(jvmArgs);
        args.addAll(over.jvmArgs);
        return new JmhSettings(pick(over.forks, forks), pick(over.warmupIterations, warmupIterations),
                pick(over.warmupTime, warmupTime), pick(over.iterations, iterations), pick(over.time, time), args);
    }

    /** Applies the settings that are set to a JMH options builder. */
    public ChainedOptionsBuilder applyTo(ChainedOptionsBuilder b) {
        if (forks != null) {
            b.forks(forks);
        }
        if (warmupIterations != null) {
            b.warmupIterations(warmupIterations);
        }
        if (warmupTime != null) {
            b.warmupTime(TimeValue.fromString(warmupTime));
        }
        if (iterations != null) {
            b.measurementIterations(iterations);
        }
        if (time != null) {
            b.measurementTime(TimeValue.fromString(time));
        }
        if (!jvmArgs.isEmpty()) {
            // Prepend, not append: the benchmarks' @Fork(jvmArgsAppend) (the Vector API module, the heap)
            // would be replaced by an appended list, a prepended one adds to it.
            b.jvmArgsPrepend(jvmArgs.toArray(String[]::new));
        }
        return b;
    }

    /** The settings in JMH's command-line syntax, for the report ("annotations" where none is set). */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (forks != null) {
            s.append(" -f ").append(forks);
        }
        if (warmupIterations != null) {
            s.append(" -wi ").append(warmupIterations);
        }
        if (warmupTime != null) {
            s.append(" -w ").append(warmupTime);
        }
        if (iterations != null) {
            s.append(" -i ").append(iterations);
        }
        if (time != null) {
            s.append(" -r ").append(time);
        }
        if (!jvmArgs.isEmpty()) {
            s.append(" -jvmArgsPrepend ").append(String.join(" ", jvmArgs));
        }
        return s.isEmpty() ? "the benchmarks' annotations" : s.toString().strip();
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static void positive(Integer v, String name, int min) {
        if (v != null && v < min) {
            throw new CampaignException("'" + name + "' must be at least " + min + ", but is " + v);
        }
    }

    private static void timeValue(String v, String name) {
        if (v == null) {
            return;
        }
        try {
            TimeValue.fromString(v);
        } catch (RuntimeException e) {
            throw new CampaignException("'" + name + "' must be a JMH time such as \"500ms\" or \"2s\", but is \"" + v
                    + "\"");
        }
    }
}
