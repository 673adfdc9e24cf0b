package dev.unroll.spark;

import dev.unroll.engine.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} options of a job's command line, checked against the names it knows. */
final class JobArgs {
    private final String job;
    private final Map<String, String> values = new HashMap<>();

    JobArgs(String job, String[] args, Set<String> known) {
        this.job = job;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new InvalidArgumentException(job + ": unknown option '" + name + "'; options: "
                        + known.stream().sorted().map(k -> "--" + k).toList());
            }
            if (i + 1 == args.length) {
                throw new InvalidArgumentException(job + ": " + name + " needs a value");
            }
            values.put(name.substring(2), args[++i]);
        }
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new InvalidArgumentException(job + ": --" + name + " is required");
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(job + ": --" + name + " must be an integer, but is '" + v + "'");
        }
    }

    double getDouble(String name, double fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(job + ": --" + name + " must be a number, but is '" + v + "'");
        }
    }

    /** The values of a comma-separated option. */
    List<String> list(String name) {
        return List.of(required(name).split(","));
    }
}
