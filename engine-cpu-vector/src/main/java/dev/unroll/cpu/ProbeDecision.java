package dev.unroll.cpu;

import dev.unroll.engine.spi.Availability;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Lucene's rule for "Panama when it is fast, otherwise say why", as a pure function of {@link VmFacts}: the
 * Vector API must be readable, the VM must be HotSpot with C2 on, and on x86 vectors must be at least 256
 * bits wide. Every "no" carries the reason and the fix.
 */
final class ProbeDecision {
    /** The flag that makes the Vector API readable. */
    static final String ADD_MODULES = "--add-modules jdk.incubator.vector";

    private ProbeDecision() {
    }

    /**
     * Available (with the given details) or unavailable with reason and fix.
     *
     * @param facts   the JVM's facts
     * @param details what to show when available (width, fma, threads)
     */
    static Availability decide(VmFacts facts, Map<String, String> details) {
        if (!facts.vectorModulePresent()) {
            return Availability.unavailable("the Vector API module jdk.incubator.vector is not readable",
                    "start the JVM with " + ADD_MODULES);
        }
        String vm = facts.vmName() == null ? "" : facts.vmName();
        if (!(vm.contains("HotSpot") || vm.contains("OpenJDK"))
                || vm.toLowerCase(Locale.ROOT).contains("openj9")) {
            return Availability.unavailable("the JVM '" + vm + "' is not HotSpot, where the Vector API is not intrinsified",
                    "run on a HotSpot JDK 25 (e.g. Temurin) or use -Dunroll.backend=reference");
        }
        String c2Off = c2Off(facts);
        if (c2Off != null) {
            return Availability.unavailable("the C2 compiler is off (" + c2Off + "), so the Vector API would run "
                    + "as slow Java code", "remove " + c2Off + " from the JVM options");
        }
        if (isX86(facts.osArch()) && facts.preferredBits() < 256) {
            return Availability.unavailable("the CPU's vectors are " + facts.preferredBits()
                    + " bits wide; on x86 the Vector API pays off from 256 bits (AVX2)",
                    "use a CPU with AVX2 or AVX-512, or -Dunroll.backend=reference");
        }
        return Availability.available(new LinkedHashMap<>(details));
    }

    /** The option that switches C2 off, or null when C2 is on. */
    static String c2Off(VmFacts facts) {
        for (String arg : facts.jvmArguments()) {
            String a = arg.trim();
            if (a.equals("-Xint") || a.equals("-XX:-UseCompiler")) {
                return a;
            }
            if (a.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    if (Integer.parseInt(a.substring("-XX:TieredStopAtLevel=".length())) < 4) {
                        return a;
                    }
                } catch (NumberFormatException e) {
                    return a;
                }
            }
        }
        // Flags not among the input arguments (e.g. from JDK_JAVA_OPTIONS files) still show in java.vm.info.
        String info = facts.vmInfo() == null ? "" : facts.vmInfo();
        if (info.contains("emulated-client")) {
            return "-XX:TieredStopAtLevel=1 or similar (java.vm.info says emulated-client)";
        }
        if (info.contains("interpreted mode")) {
            return "-Xint";
        }
        return null;
    }

    static boolean isX86(String arch) {
        String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
        return a.equals("amd64") || a.equals("x86_64") || a.equals("x86") || a.equals("i386") || a.equals("i686");
    }
}
