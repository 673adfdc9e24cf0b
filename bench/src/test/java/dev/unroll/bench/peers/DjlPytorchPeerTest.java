package dev.unroll.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import ai.djl.ndarray.types.Shape;
import dev.unroll.bench.Workload;
import dev.unroll.engine.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The djl-pytorch peer runs where libtorch's natives load (a tiny network, a forward pass and a few training
 * steps in both precisions) and is skipped with the reason where they do not. No time is asserted.
 */
class DjlPytorchPeerTest {
    private static final int N = 4;
    private static final int M = 8;
    private static final int BATCH = 3;
    private static final int LAYERS = 2;

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)   // the first run copies ~450 MB of natives
    void tinyNetworksRunForwardAndTrainingStepsOnLibtorch() {
        Optional<String> unavailable = Peers.unavailableReason(Peers.DJL_PYTORCH);
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "djl-pytorch unavailable here: " + unavailable.orElseThrow());
        assertTrue(Peers.describe(Peers.DJL_PYTORCH).startsWith("libtorch 2.7.1"), Peers.describe(Peers.DJL_PYTORCH));
        double[] d = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, .5, .5, .5, .5, .5, -.5, .5, -.5, -.5, .5, .5,
            -.5, .5, .5, -.5, -.5};                                    // 4×8, unit columns
        double[] x = {1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0, -1, 0, 0};    // 4×3
        double lip = 2;                                                 // ‖D‖₂²: DDᵀ = I + HHᵀ = 2I
        for (DType dtype : DType.values()) {
            for (String variant : new String[]{"lista", "step"}) {
                try (Workload forward = Peers.unrolled(Peers.DJL_PYTORCH, false, variant, dtype, LAYERS, N, M, BATCH,
                        d, x, lip, 0.1, 1e-3, 1);
                     Workload train = Peers.unrolled(Peers.DJL_PYTORCH, true, variant, dtype, LAYERS, N, M, BATCH, d,
                             x, lip, 0.1, 1e-3, 1)) {
                    assertEquals(new Shape(BATCH, M), forward.run(), variant + " " + dtype + ": codes, one row per signal");
                    for (int step = 0; step < 3; step++) {
                        train.run();
                    }
                }
            }
        }
    }

    @Test
    void theProductsAreNotAskedOfIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Peers.gemm(Peers.DJL_PYTORCH, DType.F32, 2, 2, 2, new double[4], new double[4]));
        assertTrue(e.getMessage().contains("does not run GEMM"), e.getMessage());
    }
}
