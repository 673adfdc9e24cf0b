package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limits of {@link Batching}, checked before anything is allocated. */
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
    void theDelayIsBounded() {
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, Duration.ofMillis(-1)));
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, Duration.ofDays(365_000)));
        assertThrows(InvalidArgumentException.class, () -> Batching.upTo(8, null));
        assertEquals(Batching.MAX_DELAY, Batching.upTo(8, Batching.MAX_DELAY).maxDelay());
    }
}
