package dev.unroll.engine;

import dev.unroll.engine.spi.Availability;
import dev.unroll.engine.spi.BackendKernels;
import dev.unroll.engine.spi.BackendProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the installed backends and opens one. The backend is chosen by the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENV}, else automatically: the available provider
 * with the highest priority. A backend named explicitly that cannot start fails with its probe's reason and
 * fix; it never falls back. Automatic selection logs its choice and every skipped backend with the reason.
 *
 * <p>There is no global backend: each {@code open} returns a new {@link Backend} the caller closes, so tests
 * and benchmarks can hold several backends in one JVM.
 */
public final class Backends {
    /** System property naming the backend ("auto" or a provider name). */
    public static final String PROPERTY = "unroll.backend";
    /** Environment variable naming the backend, read when the property is absent. */
    public static final String ENV = "UNROLL_BACKEND";
    /** The name that asks for automatic selection. */
    public static final String AUTO = "auto";

    /** The plain-Java backend every installation has. */
    private static final String REFERENCE = "reference";
    /** The Vector API backend, and the JDK module it needs at run time. */
    private static final String VECTOR_BACKEND = "cpu-vector";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** Every provider on the class or module path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
        found.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name));
        return found;
    }

    /** Probes every provider (highest priority first); a probe that throws counts as unavailable. */
    public static List<BackendStatus> survey() {
        return providers().stream()
                .map(p -> new BackendStatus(p.name(), p.priority(), p.description(), safeProbe(p)))
                .toList();
    }

    /** The name {@link #open()} uses: the property, else the environment variable, else "auto". */
    public static String requestedName() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return prop.trim().toLowerCase(Locale.ROOT);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return env.trim().toLowerCase(Locale.ROOT);
        }
        return AUTO;
    }

    /** The backend automatic selection would choose among {@code statuses}, if any is available. */
    public static Optional<BackendStatus> autoChoice(List<BackendStatus> statuses) {
        return statuses.stream().filter(s -> s.availability().available())
                .max(Comparator.comparingInt(BackendStatus::priority));
    }

    /** Opens the backend {@link #requestedName()} names, with settings from {@code unroll.*} system properties. */
    public static Backend open() {
        return open(requestedName(), BackendConfig.fromSystemProperties());
    }

    /** Opens the backend called {@code name} ("auto" for automatic selection), default settings plus {@code unroll.*} properties. */
    public static Backend open(String name) {
        return open(name, BackendConfig.fromSystemProperties());
    }

    /**
     * Opens the backend called {@code name} ("auto" for automatic selection) with {@code config}.
     *
     * @throws BackendUnavailableException when the name is unknown, the named backend is unavailable (the
     *                                     message carries its probe's reason and fix), or nothing is available
     */
    public static Backend open(String name, BackendConfig config) {
        String wanted = name == null || name.isBlank() ? AUTO : name.trim().toLowerCase(Locale.ROOT);
        List<BackendProvider> providers = providers();
        if (AUTO.equals(wanted)) {
            return openAuto(providers, config);
        }
        BackendProvider provider = providers.stream().filter(p -> p.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("unknown backend '" + wanted + "'; installed: "
                        + providers.stream().map(BackendProvider::name).toList() + ". Set -D" + PROPERTY + " (or "
                        + ENV + ") to one of them or to '" + AUTO + "', or add the backend's module to the class path"));
        Availability a = safeProbe(provider);
        if (!a.available()) {
            throw new BackendUnavailableException("backend '" + wanted + "' was requested but cannot start: " + a.reason()
                    + (a.fix().isEmpty() ? "" : ". Fix: " + a.fix())
                    + ". (Named backends never fall back; use '" + AUTO + "' to let Unroll pick an available one.)");
        }
        return start(provider, config);
    }

    private static Backend openAuto(List<BackendProvider> providers, BackendConfig config) {
        List<String> skipped = new ArrayList<>();
        List<String> skippedNames = new ArrayList<>();
        for (BackendProvider p : providers) {
            Availability a = safeProbe(p);
            if (!a.available()) {
                String line = "Skipped backend '" + p.name() + "' (unavailable): " + a.explain();
                // One short line (the reason; `unroll doctor` gives the fix); the error below keeps both.
                LOG.log(System.Logger.Level.INFO, "Skipped backend '" + p.name() + "' (unavailable): " + a.reason());
                skipped.add(line);
                skippedNames.add(p.name());
                continue;
            }
            LOG.log(System.Logger.Level.INFO, "Using backend '" + p.name() + "' (auto, priority " + p.priority()
                    + (a.details().isEmpty() ? "" : "; " + a.details()) + ")");
            String warning = referenceFallbackWarning(p.name(), skippedNames,
                    ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent());
            if (warning != null) {
                LOG.log(System.Logger.Level.WARNING, warning);
            }
            return start(p, config);
        }
        throw new BackendUnavailableException("no backend is available. " + (skipped.isEmpty()
                ? "No provider is installed: put engine-api (which holds the reference backend) on the class path."
                : String.join("; ", skipped)));
    }

    /**
     * The warning for an automatic choice that landed on the slow {@code reference} backend only because the
     * JVM was started without the Vector API module, or null when that is not what happened: {@code chosen}
     * is the backend picked, {@code skipped} the installed ones passed over, {@code vectorModulePresent}
     * whether {@value #VECTOR_MODULE} is in the boot layer. INFO lines are easy to miss (and quiet logging
     * hides them), but this mistake costs an order of magnitude in speed, so it is a WARNING that names the flag.
     */
    static String referenceFallbackWarning(String chosen, List<String> skipped, boolean vectorModulePresent) {
        if (vectorModulePresent || !REFERENCE.equals(chosen) || !skipped.contains(VECTOR_BACKEND)) {
            return null;
        }
        return "Backend 'auto' fell back to the slow '" + REFERENCE + "' backend because the Vector API module is "
                + "missing: start the JVM with --add-modules " + VECTOR_MODULE + " to use '" + VECTOR_BACKEND
                + "' (the unroll launcher does), or name a backend with -D" + PROPERTY + " to silence this";
    }

    private static Backend start(BackendProvider provider, BackendConfig config) {
        BackendKernels kernels;
        try {
            kernels = provider.create(config == null ? BackendConfig.defaults() : config);
        } catch (UnrollException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("backend '" + provider.name() + "' failed to start: " + e, e);
        }
        return new Backend(provider.name(), kernels);
    }

    private static Availability safeProbe(BackendProvider p) {
        try {
            Availability a = p.probe();
            return a != null ? a : Availability.unavailable("its probe returned nothing", "report this as a bug of "
                    + p.getClass().getName());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its probe failed with " + e, "report this as a bug of "
                    + p.getClass().getName() + "; probes must not throw");
        }
    }
}
