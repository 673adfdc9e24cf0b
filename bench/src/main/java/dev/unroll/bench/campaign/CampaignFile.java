package dev.unroll.bench.campaign;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.unroll.bench.Json;
import dev.unroll.bench.protocol.ProtocolSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Reads a campaign file (JSON, format in {@code bench/README.md}) and checks it against the benchmark
 * classes before anything runs: unknown keys, benchmarks, methods and parameters are errors that name the
 * known ones, so a typo costs seconds, not a half-hour campaign that measured the wrong thing.
 */
public final class CampaignFile {
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "jmh", "torch", "runs", "protocol");
    private static final Set<String> PROTOCOL_KEYS = Set.of("backend", "variants", "samples", "dtypes", "threads",
            "layers", "iterations", "lambda", "seed", "commands");
    private static final Set<String> RUN_KEYS = Set.of("benchmark", "methods", "params", "jmh");
    private static final Set<String> JMH_KEYS = Set.of("forks", "warmupIterations", "warmupTime", "iterations", "time",
            "jvmArgs");
    private static final Set<String> TORCH_KEYS = Set.of("dtypes", "threads", "args");

    private CampaignFile() {
    }

    /**
     * Reads and checks a campaign file.
     *
     * @throws CampaignException when the file is missing or not a valid campaign (the message says why)
     */
    public static Campaign read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CampaignException("campaign file " + file + " does not exist; see bench/campaigns/ for examples");
        } catch (IOException e) {
            throw new CampaignException("cannot read campaign file " + file + ": " + e.getMessage());
        }
        try {
            String fallbackName = file.getFileName().toString().replaceFirst("\\.json$", "");
            return parse(text, fallbackName);
        } catch (CampaignException e) {
            throw new CampaignException(file + ": " + e.getMessage());
        }
    }

    /**
     * Parses and checks a campaign's JSON text.
     *
     * @param fallbackName the name when the file gives none (the file's name without .json)
     * @throws CampaignException when it is not a valid campaign
     */
    public static Campaign parse(String text, String fallbackName) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CampaignException(e.getMessage());
        }
        Map<?, ?> top = object(root, "the campaign", TOP_KEYS);
        String name = top.get("name") == null ? fallbackName : string(top.get("name"), "name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new CampaignException("'name' is used in a folder name: use letters, digits, '.', '_' or '-', not \""
                    + name + "\"");
        }
        String description = top.get("description") == null ? "" : string(top.get("description"), "description");
        JmhSettings settings = top.get("jmh") == null ? JmhSettings.NONE : settings(top.get("jmh"), "jmh");
        TorchPeer.Settings torch = top.get("torch") == null ? null : torch(top.get("torch"));
        // A campaign of the training protocol alone needs no JMH run.
        List<?> runList = top.get("runs") == null && top.get("protocol") != null ? List.of()
                : top.get("runs") instanceof List<?> l ? l : null;
        if (runList == null || runList.isEmpty() && top.get("protocol") == null) {
            throw new CampaignException("'runs' must be a non-empty array of runs, each {\"benchmark\": ..., "
                    + "\"params\": {...}} (it may be left out when the campaign has a 'protocol')");
        }
        List<Campaign.Run> runs = new ArrayList<>();
        for (int i = 0; i < runList.size(); i++) {
            runs.add(run(runList.get(i), "runs[" + i + "]"));
        }
        ProtocolSettings protocol = top.get("protocol") == null ? null : protocol(top.get("protocol"));
        return new Campaign(name, description, settings, torch, runs, protocol);
    }

    /** The {@code protocol} object; every key optional, defaulting to the reference protocol. */
    private static ProtocolSettings protocol(Object value) {
        Map<?, ?> m = object(value, "protocol", PROTOCOL_KEYS);
        List<String> variants = m.get("variants") == null ? List.of("coupled", "step", "lista")
                : strings(m.get("variants"), "protocol.variants");
        for (String v : variants) {
            if (!List.of("coupled", "step", "lista").contains(v)) {
                throw new CampaignException("protocol.variants may hold coupled, step and lista, not \"" + v + "\"");
            }
        }
        List<Integer> samples = new ArrayList<>();
        for (String v : m.get("samples") == null ? List.of("1000") : strings(m.get("samples"), "protocol.samples")) {
            samples.add(positiveInt(v, "protocol.samples"));
        }
        List<String> dtypes = m.get("dtypes") == null ? List.of("F64") : strings(m.get("dtypes"), "protocol.dtypes");
        for (String d : dtypes) {
            if (!d.equals("F32") && !d.equals("F64")) {
                throw new CampaignException("protocol.dtypes may hold F32 and F64, not \"" + d + "\"");
            }
        }
        List<String> threads = m.get("threads") == null ? TorchPeer.DEFAULT_THREADS
                : strings(m.get("threads"), "protocol.threads");
        try {
            threads.forEach(dev.unroll.bench.BenchReport::threadCount);
        } catch (IllegalArgumentException e) {
            throw new CampaignException("protocol.threads: " + e.getMessage());
        }
        List<List<String>> commands = new ArrayList<>();
        if (m.get("commands") != null) {
            if (!(m.get("commands") instanceof List<?> list)) {
                throw new CampaignException("protocol.commands must be an array of commands, each an array of words");
            }
            for (int i = 0; i < list.size(); i++) {
                commands.add(strings(list.get(i), "protocol.commands[" + i + "]"));
            }
        }
        double lambda = m.get("lambda") == null ? 0.1 : Double.parseDouble(scalar(m.get("lambda"), "protocol.lambda"));
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new CampaignException("protocol.lambda must be a positive number, but is " + lambda);
        }
        return new ProtocolSettings(m.get("backend") == null ? "cpu-vector" : string(m.get("backend"), "protocol.backend"),
                variants, samples, dtypes, threads,
                m.get("layers") == null ? 20 : positiveInt(scalar(m.get("layers"), "protocol.layers"), "protocol.layers"),
                m.get("iterations") == null ? 10
                        : positiveInt(scalar(m.get("iterations"), "protocol.iterations"), "protocol.iterations"),
                lambda, m.get("seed") == null ? 42 : positiveInt(scalar(m.get("seed"), "protocol.seed"), "protocol.seed"),
                commands);
    }

    private static int positiveInt(String v, String where) {
        try {
            int i = Integer.parseInt(v);
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CampaignException(where + " must hold positive whole numbers, not \"" + v + "\"");
    }

    private static Campaign.Run run(Object value, String where) {
        Map<?, ?> m = object(value, where, RUN_KEYS);
        String benchmark = string(m.get("benchmark"), where + ".benchmark");
        Class<?> type = benchmarkClass(benchmark, where);
        List<String> known = Arrays.stream(type.getMethods()).filter(x -> x.isAnnotationPresent(Benchmark.class))
                .map(Method::getName).sorted().toList();
        List<String> methods = m.get("methods") == null ? known : strings(m.get("methods"), where + ".methods");
        for (String method : methods) {
            if (!known.contains(method)) {
                throw new CampaignException(where + ": " + benchmark + " has no benchmark method '" + method
                        + "'; it has " + known);
            }
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        List<Field> fields = Arrays.stream(type.getFields()).filter(f -> f.isAnnotationPresent(Param.class)).toList();
        List<String> declared = fields.stream().map(Field::getName).toList();
        if (m.get("params") != null) {
            Map<?, ?> p = object(m.get("params"), where + ".params", null);
            for (Map.Entry<?, ?> e : p.entrySet()) {
                String key = e.getKey().toString();
                if (!declared.contains(key)) {
                    throw new CampaignException(where + ": " + benchmark + " has no parameter '" + key + "'; it has "
                            + declared);
                }
                List<String> values = e.getValue() instanceof List<?> ? strings(e.getValue(), where + ".params." + key)
                        : List.of(scalar(e.getValue(), where + ".params." + key));
                if (values.isEmpty()) {
                    throw new CampaignException(where + ".params." + key + " is empty: give at least one value or "
                            + "leave the parameter out (the benchmark's defaults then apply)");
                }
                params.put(key, values);
            }
        }
        // Parameters left out take the benchmark's defaults, all of them, written into the matrix: each
        // configuration is then exactly one JMH measurement, and the report sees every value.
        for (Field f : fields) {
            params.putIfAbsent(f.getName(), List.of(f.getAnnotation(Param.class).value()));
        }
        JmhSettings settings = m.get("jmh") == null ? JmhSettings.NONE : settings(m.get("jmh"), where + ".jmh");
        return new Campaign.Run(benchmark, methods, params, settings);
    }

    private static Class<?> benchmarkClass(String benchmark, String where) {
        try {
            Class<?> type = Class.forName(Configuration.PACKAGE + benchmark);
            if (Arrays.stream(type.getMethods()).anyMatch(x -> x.isAnnotationPresent(Benchmark.class))) {
                return type;
            }
        } catch (ClassNotFoundException e) {
            // reported below with the list
        }
        throw new CampaignException(where + ": no benchmark class '" + benchmark + "'; the benchmarks are "
                + "FmaPeakBenchmark, GemmBenchmark, StridedGemvBenchmark, LassoOpsBenchmark, IstaBenchmark, "
                + "UnrolledBenchmark");
    }

    private static JmhSettings settings(Object value, String where) {
        Map<?, ?> m = object(value, where, JMH_KEYS);
        return new JmhSettings(integer(m.get("forks"), where + ".forks"),
                integer(m.get("warmupIterations"), where + ".warmupIterations"),
                m.get("warmupTime") == null ? null : string(m.get("warmupTime"), where + ".warmupTime"),
                integer(m.get("iterations"), where + ".iterations"),
                m.get("time") == null ? null : string(m.get("time"), where + ".time"),
                m.get("jvmArgs") == null ? List.of() : strings(m.get("jvmArgs"), where + ".jvmArgs"));
    }

    private static TorchPeer.Settings torch(Object value) {
        Map<?, ?> m = object(value, "torch", TORCH_KEYS);
        List<String> dtypes = m.get("dtypes") == null ? List.of("float32") : strings(m.get("dtypes"), "torch.dtypes");
        for (String d : dtypes) {
            if (!d.equals("float32") && !d.equals("float64")) {
                throw new CampaignException("torch.dtypes may hold \"float32\" and \"float64\", not \"" + d + "\"");
            }
        }
        List<String> threads = m.get("threads") == null ? TorchPeer.DEFAULT_THREADS
                : strings(m.get("threads"), "torch.threads");
        try {
            return new TorchPeer.Settings(dtypes, threads,
                    m.get("args") == null ? List.of() : strings(m.get("args"), "torch.args"));
        } catch (IllegalArgumentException e) {
            throw new CampaignException("torch.threads: " + e.getMessage());
        }
    }

    private static Map<?, ?> object(Object value, String where, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new CampaignException(where + " must be a JSON object");
        }
        if (allowed != null) {
            for (Object k : m.keySet()) {
                if (!allowed.contains(k.toString())) {
                    throw new CampaignException(where + " has an unknown key '" + k + "'; allowed: "
                            + allowed.stream().sorted().toList());
                }
            }
        }
        return m;
    }

    private static String string(Object value, String where) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new CampaignException(where + " must be a non-empty string");
        }
        return s;
    }

    private static Integer integer(Object value, String where) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Double d) || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new CampaignException(where + " must be a whole number, but is " + value);
        }
        return d.intValue();
    }

    private static List<String> strings(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new CampaignException(where + " must be an array");
        }
        List<String> out = new ArrayList<>();
        for (Object v : list) {
            out.add(scalar(v, where));
        }
        return out;
    }

    /** A string, or a number written as JMH expects it (whole numbers without ".0"). */
    private static String scalar(Object v, String where) {
        return switch (v) {
            case String s -> s;
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> Long.toString(d.longValue());
            case Double d -> d.toString();
            case Boolean b -> b.toString();
            case null, default -> throw new CampaignException(where + " must hold strings or numbers, not " + v);
        };
    }
}
