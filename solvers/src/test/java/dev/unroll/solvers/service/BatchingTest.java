package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.Stopping;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limits of {@link Batching} and of a {@link Solver}'s batch, checked before anything is allocated. */
class BatchingTest {
    @Test
    void aHugeMaxBatchIsRefusedUpFrontInsteadOfRunningOutOfMemory() {
        // Before the cap, Batching.upTo(Integer.MAX_VALUE, 1 ms) was accepted and the solver threw
        // OutOfMemoryError allocating the batcher's buffers.
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Batching.upTo(Integer.MAX_VALUE, Duration.ofMillis(1)));
        assertTrue(e.getMessage().contains("between 1 and " + Batching.MAX_BATCH), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(0, Duration.ofMillis(1)));
        assertThrows(InvalidArgumentException.class, () -> new Batching(false, Batching.MAX_BATCH + 1, Duration.ZERO));
        assertEquals(Batching.MAX_BATCH, Batching.upTo(Batching.MAX_BATCH, Duration.ZERO).maxBatch());
    }

    @Test
    void aBatchWhoseBuffersWouldOverflowAnArrayIsRefusedWhenTheSolverIsMade() {
        // m = 40 000 atoms × maxBatch 65 536 codes overflow an int-indexed array: refused up front, with the
        // largest maxBatch that fits, instead of a NegativeArraySizeException at the first big call.
        try (Backend be = Backends.open("reference");
             LassoProblem p = LassoProblem.create(be, DType.F32,
                     Generators.simulated(1, 40_000, 2, 0, 1).dictionary(), 0.1)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Solver.ista(p,
                    Stopping.after(1), Batching.upTo(Batching.MAX_BATCH, Duration.ZERO)));
            assertTrue(e.getMessage().contains("use maxBatch ≤ 53687"), e.getMessage());
            Solver.ista(p, Stopping.after(1), Batching.upTo(53_687, Duration.ZERO)).close();
        }
    }

    @Test
    void theDelayIsBounded() {
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, Duration.ofMillis(-1)));
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, Duration.ofDays(365_000)));
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, null));
        assertEquals(Batching.MAX_DELAY, Batching.upTo(8, Batching.MAX_DELAY).maxDelay());
    }
}
