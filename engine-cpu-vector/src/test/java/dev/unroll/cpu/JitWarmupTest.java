package dev.unroll.cpu;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.InvalidArgumentException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The warm-up runs every kernel of both precisions without failing, and its setting is validated. */
class JitWarmupTest {

    @Test
    void aSweepOverEveryKernelCompletes() {
        // run() opens its own single-thread backend (warm-up off, so it does not recurse) and closes it.
        int sweeps = JitWarmup.run();
        Assertions.assertTrue(sweeps >= 1, "sweeps: " + sweeps);
        Assertions.assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(JitWarmup.THREAD_NAME)), "run() starts no thread");
    }

    @Test
    void theSettingIsParsed() {
        Assertions.assertEquals(JitWarmup.Mode.BACKGROUND, JitWarmup.Mode.of(BackendConfig.defaults()));
        Assertions.assertEquals(JitWarmup.Mode.OFF, JitWarmup.Mode.of(BackendConfig.defaults().with(JitWarmup.KEY, "off")));
        Assertions.assertEquals(JitWarmup.Mode.WAIT, JitWarmup.Mode.of(BackendConfig.defaults().with(JitWarmup.KEY, "WAIT")));
        InvalidArgumentException e = Assertions.assertThrows(InvalidArgumentException.class,
                () -> JitWarmup.Mode.of(BackendConfig.defaults().with(JitWarmup.KEY, "soon")));
        Assertions.assertTrue(e.getMessage().contains("background, wait or off"), e.getMessage());
    }
}
