package dev.unroll.cli;

import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import dev.unroll.engine.spi.Availability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll info [--json]}: the Java runtime, the operating system, the CPU's SIMD facts, every backend
 * provider (priority, whether it can start here, why not and what to do, its details), the backend
 * automatic selection picks and the backend currently requested. It probes backends but opens none.
 *
 * <p>With {@code --json} the same facts are printed as one JSON object:
 * <pre>{@code
 * {"java":{"version":..,"vendor":..,"vm":..},"os":{"name":..,"arch":..},
 *  "cpu":{"processors":N,"vectorBits":N|null,"flags":{"avx2":bool,"avx512f":bool,"fma":bool}},
 *  "backends":[{"name":..,"priority":N,"available":bool,"reason":..|null,"fix":..|null,"details":{..}}],
 *  "auto":"reference"|null,"requested":"auto"}
 * }</pre>
 * CPU flags are {@code null} where they cannot be read (off Linux).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "The Java runtime, the CPU's SIMD support, every backend (available or not, and why).")
public final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;

    @Option(names = "--json", description = "print the facts as one JSON object")
    boolean json;

    /** Creates the command. */
    public InfoCommand() {
    }

    @Override
    public Integer call() {
        PrintStream out = root.out;
        CpuFacts cpu = CpuFacts.detect();
        List<BackendStatus> backends = Backends.survey();
        Optional<BackendStatus> auto = Backends.autoChoice(backends);
        String requested = Backends.requestedName();
        if (json) {
            out.println(Json.write(toJson(cpu, backends, auto, requested)));
        } else {
            printText(out, cpu, backends, auto, requested);
        }
        return Main.EXIT_OK;
    }

    /** The report as a JSON-ready tree (see the class comment for its shape). */
    static Map<String, Object> toJson(CpuFacts cpu, List<BackendStatus> backends, Optional<BackendStatus> auto,
                                      String requested) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("java", ordered("version", Runtime.version().toString(), "vendor", System.getProperty("java.vendor"),
                "vm", System.getProperty("java.vm.name")));
        root.put("os", ordered("name", System.getProperty("os.name"), "arch", System.getProperty("os.arch")));
        Map<String, Object> flags = ordered("avx2", flag(cpu, cpu.avx2()), "avx512f", flag(cpu, cpu.avx512f()),
                "fma", flag(cpu, cpu.fma()));
        root.put("cpu", ordered("processors", cpu.processors(), "vectorBits", cpu.vectorBits().orElse(null),
                "flags", flags));
        List<Object> list = new ArrayList<>();
        for (BackendStatus b : backends) {
            Availability a = b.availability();
            Map<String, Object> entry = ordered("name", b.name(), "priority", b.priority(), "available", a.available(),
                    "reason", emptyToNull(a.reason()), "fix", emptyToNull(a.fix()));
            entry.put("details", new LinkedHashMap<>(a.details()));
            list.add(entry);
        }
        root.put("backends", list);
        root.put("auto", auto.map(BackendStatus::name).orElse(null));
        root.put("requested", requested);
        return root;
    }

    private static void printText(PrintStream out, CpuFacts cpu, List<BackendStatus> backends,
                                  Optional<BackendStatus> auto, String requested) {
        out.printf("Java       %s (%s, %s)%n", Runtime.version(), System.getProperty("java.vendor"),
                System.getProperty("java.vm.name"));
        out.printf("OS         %s %s%n", System.getProperty("os.name"), System.getProperty("os.arch"));
        out.printf("CPU        %d processors; %s%n", cpu.processors(), cpu.flagsKnown()
                ? "avx2 " + yesNo(cpu.avx2()) + ", avx512f " + yesNo(cpu.avx512f()) + ", fma " + yesNo(cpu.fma())
                : "SIMD flags unknown (no flags line in /proc/cpuinfo)");
        out.printf("Vector API %s%n", cpu.vectorBits().map(b -> "preferred vector width " + b + " bits")
                .orElse("unavailable (" + cpu.vectorProblem() + ")"));
        out.println();
        out.println("Backends (highest priority first):");
        if (backends.isEmpty()) {
            out.println("  none installed (engine-api, which holds the reference backend, is not on the class path)");
        }
        for (BackendStatus b : backends) {
            Availability a = b.availability();
            out.printf("  %-12s priority %-4d %s%n", b.name(), b.priority(), a.available() ? "available" : "unavailable");
            out.printf("  %-12s %s%n", "", b.description());
            if (!a.available()) {
                out.printf("  %-12s reason: %s%n", "", a.reason());
                if (!a.fix().isEmpty()) {
                    out.printf("  %-12s fix:    %s%n", "", a.fix());
                }
            }
            for (Map.Entry<String, String> d : a.details().entrySet()) {
                out.printf("  %-12s %s: %s%n", "", d.getKey(), d.getValue());
            }
        }
        out.println();
        out.printf("auto picks %s%n", auto.map(BackendStatus::name).orElse("nothing (no backend is available)"));
        out.printf("requested  %s (set with -D%s=NAME or %s=NAME)%s%n", requested, Backends.PROPERTY, Backends.ENV,
                requestNote(requested, backends));
    }

    private static String requestNote(String requested, List<BackendStatus> backends) {
        if (requested.equals(Backends.AUTO)) {
            return "";
        }
        Optional<BackendStatus> named = backends.stream().filter(b -> b.name().equals(requested)).findFirst();
        if (named.isEmpty()) {
            return "; not installed, so opening a backend will fail";
        }
        return named.get().availability().available() ? "" : "; unavailable here, so opening a backend will fail";
    }

    private static Boolean flag(CpuFacts cpu, boolean value) {
        return cpu.flagsKnown() ? value : null;
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
