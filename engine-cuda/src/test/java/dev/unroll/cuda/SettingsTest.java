package dev.unroll.cuda;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Parametrization;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.Map;

/** Settings parsing and the fused kernel's sizing rules (no GPU needed). */
class SettingsTest {

    @Test
    void defaultsAndOverrides() {
        CudaSettings d = CudaSettings.from(BackendConfig.defaults());
        Assertions.assertEquals(0, d.device());
        Assertions.assertFalse(d.tf32(), "TF32 only when asked for");
        Assertions.assertEquals("auto", d.cublas());
        Assertions.assertTrue(d.fused());
        CudaSettings s = CudaSettings.from(BackendConfig.of(Map.of("cuda.device", "1", "cuda.tf32", "true",
                "cuda.cublas", "FFM", "cuda.fused", "false", "cuda.kernels", "/tmp/k")));
        Assertions.assertEquals(1, s.device());
        Assertions.assertTrue(s.tf32());
        Assertions.assertEquals("ffm", s.cublas());
        Assertions.assertFalse(s.fused());
        Assertions.assertEquals("/tmp/k", s.kernelsDir().orElseThrow());
        Assertions.assertThrows(InvalidArgumentException.class,
                () -> CudaSettings.from(BackendConfig.of(Map.of("cuda.cublas", "magma"))));
        Assertions.assertThrows(InvalidArgumentException.class,
                () -> CudaSettings.from(BackendConfig.of(Map.of("cuda.tf32", "yes"))));
    }

    @Test
    void fusedSizing() {
        Assertions.assertFalse(FusedForward.qualifies(Parametrization.LISTA, 64, 5));
        Assertions.assertTrue(FusedForward.qualifies(Parametrization.FIRST_STEP, 512, 64));
        Assertions.assertFalse(FusedForward.qualifies(Parametrization.STEP, 513, 5));
        Assertions.assertFalse(FusedForward.qualifies(Parametrization.STEP, 256, 65));
        Assertions.assertEquals(1, FusedForward.tile(1, 132));
        Assertions.assertEquals(1, FusedForward.tile(256, 132));
        Assertions.assertEquals(16, FusedForward.tile(65536, 132));
        // m = 256, n = 64, tile 16, F32: padded D 65·256 + 16·(256 + 128) floats.
        Assertions.assertEquals((65 * 256 + 16 * 384) * 4, FusedForward.sharedBytes(DType.F32, 64, 256, 16, false));
        Assertions.assertTrue(FusedForward.sharedBytes(DType.F64, 64, 256, 16, true) > 227 * 1024,
                "ALISTA F64 at m = 256 must not claim to fit in an H200's 227 KiB");
    }
}
