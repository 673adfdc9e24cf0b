package dev.unroll.cli;

import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import dev.unroll.engine.spi.Availability;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll doctor}: for each backend that cannot start here and each optional peer of the benchmarks,
 * what is missing and how to get it. Exits 0 when the best backend here is usable (the others are optional).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "What each unavailable backend and benchmark peer needs, and how to get it.")
public final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;

    /** Creates the command. */
    public DoctorCommand() {
    }

    @Override
    public Integer call() {
        PrintStream out = root.out;
        Runtime.Version v = Runtime.version();
        check(out, v.feature() >= 25, "Java " + v + " (25 or newer needed)",
                "install Temurin or OpenJDK 25 and set JAVA_HOME");
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        check(out, vector, "the Vector API module jdk.incubator.vector is readable",
                "run with --add-modules jdk.incubator.vector (the ./unroll launcher adds it)");
        out.println();
        out.println("Backends:");
        List<BackendStatus> backends = Backends.survey();
        for (BackendStatus b : backends) {
            Availability a = b.availability();
            check(out, a.available(), b.name() + (a.available() ? " can start here" : ": " + a.reason()), a.fix());
        }
        out.println();
        out.println("Benchmark peers (optional):");
        check(out, anyExists("/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "/usr/lib64/libopenblas.so.0"),
                "OpenBLAS (the native BLAS peer, through the Foreign Function & Memory API)",
                "sudo apt-get install libopenblas0-pthread");
        check(out, python("import torch"), "PyTorch for python3 (the PyTorch peer of ./unroll bench)",
                "sudo apt-get install python3-torch libopenblas0-pthread");
        check(out, python("import numpy"), "NumPy for python3 (to open .npy files and check them in Python)",
                "sudo apt-get install python3-numpy");
        boolean usable = Backends.autoChoice(backends).isPresent();
        out.println();
        out.println(usable ? "Unroll can run here; 'auto' picks "
                + Backends.autoChoice(backends).orElseThrow().name() + "." : "No backend can start here.");
        return usable ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    private static void check(PrintStream out, boolean ok, String what, String fix) {
        out.printf("  %s %s%n", ok ? "ok  " : "MISS", what);
        if (!ok && fix != null && !fix.isEmpty()) {
            out.printf("       fix: %s%n", fix);
        }
    }

    private static boolean anyExists(String... paths) {
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code python3} on the PATH or Debian's {@code /usr/bin/python3} (the peers' interpreter) runs it. */
    private static boolean python(String statement) {
        for (String python : new String[]{"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(python, "-c", statement).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return true;
                }
            } catch (Exception e) {
                // not installed under this name: try the next
            }
        }
        return false;
    }
}
