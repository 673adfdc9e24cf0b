package dev.unroll.cpu;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Vector API backend ({@code cpu-vector}): pure Java on {@code jdk.incubator.vector}, multithreaded.
 * Ranks above the reference backend; its probe reports it unavailable, with the reason and the fix, where the
 * Vector API is absent or would be slow. Settings: {@code threads} ({@code -Dunroll.threads}, default all
 * cores), {@code cpu.vectorBits} ({@code -Dunroll.cpu.vectorBits=128|256|512}, for tests) and
 * {@code cpu.warmup} ({@code -Dunroll.cpu.warmup=background|wait|off}: compiling the kernels ahead of the first
 * real call, see {@link JitWarmup}).
 */
public final class VectorProvider implements BackendProvider {
    /** The name that selects it: {@code -Dunroll.backend=cpu-vector}. */
    public static final String NAME = "cpu-vector";

    /** Needed by ServiceLoader. */
    public VectorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String description() {
        return "pure Java on the Vector API (jdk.incubator.vector), multithreaded";
    }

    @Override
    public Availability probe() {
        try {
            VmFacts facts = currentFacts();
            Map<String, String> details = new LinkedHashMap<>();
            if (facts.vectorModulePresent()) {
                details.put("vectorBits", String.valueOf(SpeciesInfo.bits()));
                details.put("preferredBits", String.valueOf(facts.preferredBits()));
                details.put("fma", "true");
                details.put("threads", String.valueOf(threads(BackendConfig.fromSystemProperties())));
            }
            return ProbeDecision.decide(facts, details);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("the Vector API probe failed: " + e,
                    "start the JVM with " + ProbeDecision.ADD_MODULES + " on a HotSpot JDK 25");
        }
    }

    @Override
    public BackendKernels create(BackendConfig config) {
        int requested = VectorWidth.parse(config.get(VectorWidth.KEY).orElse(null));
        int threads = threads(config);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new BackendUnavailableException("backend 'cpu-vector' cannot start: jdk.incubator.vector is not "
                    + "readable (fix: start the JVM with " + ProbeDecision.ADD_MODULES + ")");
        }
        int jvmBits = SpeciesInfo.bits();
        if (requested != 0 && requested != jvmBits) {
            throw new InvalidArgumentException("setting " + VectorWidth.KEY + "=" + requested + " differs from this JVM's "
                    + "vector width " + jvmBits + "; the width is fixed per JVM: start it with -D"
                    + VectorWidth.PROPERTY + "=" + requested);
        }
        JitWarmup.Mode warmup = JitWarmup.Mode.of(config);
        VectorKernels kernels = new VectorKernels(threads);
        JitWarmup.startOnce(warmup);
        return kernels;
    }

    /** The worker count from {@code threads}, validated (≥ 1). */
    static int threads(BackendConfig config) {
        int n = config.getInt("threads", Runtime.getRuntime().availableProcessors());
        if (n < 1) {
            throw new InvalidArgumentException("setting unroll.threads must be at least 1, but is " + n);
        }
        return n;
    }

    private static VmFacts currentFacts() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        List<String> args;
        try {
            args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            args = List.of();
        }
        return new VmFacts(present, System.getProperty("java.vm.name", ""), System.getProperty("java.vm.info", ""),
                System.getProperty("os.arch", ""), args, present ? SpeciesInfo.preferredBits() : 0);
    }

    /** Indirection so that Vector API classes load only after the module was found. */
    private static final class SpeciesInfo {
        static int bits() {
            return Species.BITS;
        }

        static int preferredBits() {
            return Species.preferredBits();
        }
    }
}
