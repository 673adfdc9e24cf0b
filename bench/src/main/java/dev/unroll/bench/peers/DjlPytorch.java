package dev.unroll.bench.peers;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ai.djl.engine.Engine;

/**
 * libtorch through DJL, started once per JVM: the engine settings it needs to run offline from the natives
 * jar on the class path, and whether it loads here. The settings are system properties that DJL reads when
 * the engine starts; each is set only where the user did not set it already:
 * <ul>
 * <li>{@code ai.djl.offline=true}: never download, use the natives jar;</li>
 * <li>{@code ENGINE_CACHE_DIR}: where DJL copies libtorch's shared libraries (about 450 MB, once):
 *     {@code djl-cache} beside the benchmark jar (bench/target), not the user's home;</li>
 * <li>{@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads}: libtorch's
 *     threads, as the benchmark's {@code threads} parameter asks.</li>
 * </ul>
 */
final class DjlPytorch {
    private static final String ENGINE = "PyTorch";
    private static volatile Object loaded;            // the Engine, or the reason it failed (a String)

    private DjlPytorch() {
    }

    /**
     * The engine, started with {@code threads} intra-op threads the first time (later calls get the same
     * engine: libtorch fixes its thread count when it starts).
     *
     * @throws IllegalStateException with the reason, marked SKIPPED, when libtorch cannot load here
     */
    static synchronized Engine engine(int threads) {
        if (loaded == null) {
            loaded = start(threads);
        }
        if (loaded instanceof Engine e) {
            return e;
        }
        throw new IllegalStateException("SKIPPED (not an error): " + loaded);
    }

    /** Why libtorch cannot run here, or null when it can; starts the engine with every CPU's thread. */
    static String unavailableReason() {
        try {
            engine(Runtime.getRuntime().availableProcessors());
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage().replace("SKIPPED (not an error): ", "");
        }
    }

    /** One line for the report: the versions and the threads. */
    static String describe() {
        String reason = unavailableReason();
        if (reason != null) {
            return reason;
        }
        Engine e = (Engine) loaded;
        return "libtorch " + e.getVersion() + " (CPU; MKL and oneDNN) through DJL " + Engine.getDjlVersion()
                + ", natives in " + System.getProperty("ENGINE_CACHE_DIR");
    }

    private static Object start(int threads) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "djl-pytorch runs the linux-x86_64 libtorch natives only; this is " + os + " " + arch;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ENGINE_CACHE_DIR", cacheDir().toString());
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        try {
            if (DjlPytorch.class.getClassLoader().getResource("native/lib/pytorch.properties") == null) {
                return "libtorch's natives jar (ai.djl.pytorch:pytorch-native-cpu:linux-x86_64) is not on the class path"
                        + " (bench/target/djl/, copied there by the bench build)";
            }
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "libtorch did not load through DJL: " + root;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** bench/target/djl-cache: beside the benchmark jar, or beside target/classes when run from the build. */
    private static Path cacheDir() {
        try {
            Path code = Path.of(DjlPytorch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            if (target != null && Files.isDirectory(target)) {
                return target.resolve("djl-cache").toAbsolutePath();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the temporary folder
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "unroll-djl-cache");
    }
}
