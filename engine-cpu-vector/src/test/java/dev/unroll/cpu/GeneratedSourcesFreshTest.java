package dev.unroll.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The F64 kernels are generated from the F32 ones by tools/gen-f64.sh; fails when a committed F64 file
 * differs from what the script makes now (someone edited an F32 kernel and forgot to regenerate).
 */
class GeneratedSourcesFreshTest {

    @Test
    void f64KernelsMatchTheirGenerator(@TempDir Path out) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Process p = new ProcessBuilder("bash", module.resolve("tools/gen-f64.sh").toString(), out.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tools/gen-f64.sh did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        for (String name : new String[]{"GemmF64.java", "ElementwiseF64.java"}) {
            String committed = Files.readString(module.resolve("src/main/java/dev/unroll/cpu/" + name));
            assertEquals(Files.readString(out.resolve(name)), committed,
                    name + " is stale: run engine-cpu-vector/tools/gen-f64.sh and commit the result");
        }
    }
}
