package dev.unroll.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The backend's thread pool: every column once, failures surfacing, parking and closing. */
class WorkersTest {
    private static final long LARGE = 1L << 30;

    @Test
    void everyColumnRunsExactlyOnceAcrossManySplits() {
        try (Workers workers = new Workers(3)) {
            for (int n : new int[] {2, 7, 64, 1000}) {
                for (int rep = 0; rep < 2000; rep++) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    workers.forRange(n, 1, LARGE, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen.get(i), "column " + i + " of " + n);
                    }
                }
            }
        }
    }

    @Test
    void splitsAfterTheHelpersParked() {
        Set<Thread> before = helperThreads();
        try (Workers workers = new Workers(2)) {
            Set<Thread> mine = helperThreads();
            mine.removeAll(before);
            for (int rep = 0; rep < 5; rep++) {
                awaitParked(mine);
                AtomicInteger sum = new AtomicInteger();
                workers.forRange(100, 1, LARGE, (from, to) -> sum.addAndGet(to - from));
                assertEquals(100, sum.get());
            }
        }
    }

    @Test
    void aHelpersFailureReachesTheCaller() {
        try (Workers workers = new Workers(2)) {
            Thread caller = Thread.currentThread();
            IllegalStateException boom = new IllegalStateException("boom");
            // Only a helper fails, so the exception must cross threads; the caller waits for it whatever
            // the interleaving, since it cannot finish before the helper's chunk.
            for (int rep = 0; rep < 50; rep++) {
                AtomicInteger helperRan = new AtomicInteger();
                try {
                    workers.forRange(64, 1, LARGE, (from, to) -> {
                        if (Thread.currentThread() != caller) {
                            helperRan.incrementAndGet();
                            throw boom;
                        }
                        busyWait(20_000);
                    });
                    assertEquals(0, helperRan.get(), "a helper ran without its failure surfacing");
                } catch (IllegalStateException e) {
                    assertSame(boom, e);
                }
            }
            // The pool still works afterwards.
            AtomicInteger sum = new AtomicInteger();
            workers.forRange(64, 1, LARGE, (from, to) -> sum.addAndGet(to - from));
            assertEquals(64, sum.get());
        }
    }

    @Test
    void theCallersFailureIsThrownAfterTheHelpersLeft() {
        try (Workers workers = new Workers(2)) {
            Thread caller = Thread.currentThread();
            AtomicInteger inside = new AtomicInteger();
            AtomicBoolean callerEntered = new AtomicBoolean();
            assertThrows(ArithmeticException.class, () -> workers.forRange(64, 1, LARGE, (from, to) -> {
                if (Thread.currentThread() == caller) {
                    callerEntered.set(true);
                    throw new ArithmeticException("caller");
                }
                // A helper holds its chunk until the caller has entered one of its own (so the caller is
                // sure to fail), and a while longer, so the caller would return early if it did not wait.
                inside.incrementAndGet();
                try {
                    while (!callerEntered.get()) {
                        Thread.onSpinWait();
                    }
                    busyWait(2_000_000);
                } finally {
                    inside.decrementAndGet();
                }
            }));
            assertEquals(0, inside.get(), "a helper was still running when forRange returned");
        }
    }

    @Test
    void smallWorkAndNestedSplitsRunOnTheCallingThread() {
        try (Workers workers = new Workers(2)) {
            Thread caller = Thread.currentThread();
            AtomicInteger elsewhere = new AtomicInteger();
            workers.forRange(64, 1, 10, (from, to) -> {
                if (Thread.currentThread() != caller) {
                    elsewhere.incrementAndGet();
                }
            });
            assertEquals(0, elsewhere.get());
            assertFalse(workers.splits(64, 1, 10));
            assertTrue(workers.splits(64, 1, LARGE));
            AtomicInteger nestedSplits = new AtomicInteger();
            workers.forRange(64, 1, LARGE, (from, to) -> {
                if (Thread.currentThread() != caller && workers.splits(64, 1, LARGE)) {
                    nestedSplits.incrementAndGet();
                }
            });
            assertEquals(0, nestedSplits.get(), "a helper would split again and wait on itself");
        }
    }

    @Test
    void closeStopsTheHelperThreads() throws InterruptedException {
        Set<Thread> before = helperThreads();
        Workers workers = new Workers(3);
        Set<Thread> mine = helperThreads();
        mine.removeAll(before);
        assertEquals(2, mine.size(), "helper threads started");
        workers.forRange(64, 1, LARGE, (from, to) -> { });
        workers.close();
        for (Thread t : mine) {
            t.join(5_000);
            assertFalse(t.isAlive(), t.getName() + " still runs after close");
        }
    }

    @Test
    void closingWhileSplitsRunNeverHangsTheCaller() throws InterruptedException {
        // A service closes its backend while requests still run: every caller must come back (finished, or
        // with the closed backend's OwnershipException), never wait for a helper that has left.
        java.util.Random random = new java.util.Random(15);
        for (int round = 0; round < 200; round++) {
            Set<Thread> before = helperThreads();
            Workers workers = new Workers(3);
            Set<Thread> mine = helperThreads();
            mine.removeAll(before);
            java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
            AtomicInteger splits = new AtomicInteger();
            Thread caller = Thread.ofPlatform().daemon().name("closing-race-caller").start(() -> {
                try {
                    while (true) {
                        workers.forRange(64, 1, LARGE, (from, to) -> busyWait(2_000));
                        splits.incrementAndGet();
                    }
                } catch (Throwable t) {
                    ended.set(t);
                }
            });
            busyWait(random.nextInt(2_000_000));
            workers.close();
            caller.join(10_000);
            assertFalse(caller.isAlive(), "round " + round + ": the caller still waits 10 s after close (after "
                    + splits.get() + " splits): " + java.util.Arrays.toString(caller.getStackTrace()));
            assertTrue(ended.get() instanceof dev.unroll.engine.OwnershipException,
                    "round " + round + ": expected the closed pool's OwnershipException, got " + ended.get());
            for (Thread t : mine) {
                t.join(5_000);
                assertFalse(t.isAlive(), t.getName() + " still runs after close");
            }
        }
    }

    /** Waits until every thread of {@code threads} is parked (its spin is over), failing after 10 s. */
    private static void awaitParked(Set<Thread> threads) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, t.getName() + " never parked");
                Thread.yield();
            }
        }
    }

    private static Set<Thread> helperThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("unroll-cpu-worker-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static void busyWait(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
