package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.OwnershipException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Solver} as a service meets it: its backend or itself closed while calls run, a client sending NaN
 * beside good ones, interrupted callers, many callers' workspaces, and open/close cycles that must leave no
 * thread behind. Every wait is bounded: a hang fails the test with what was stuck instead of stalling the build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SolverFaultsOnBackendTest {
    private static final boolean REFERENCE = TckBackend.name().equals(TckBackend.REFERENCE);
    /** A small problem, so that the reference backend runs these quickly too. */
    private static final CodingData SMALL = Generators.simulated(120, 40, 12, 60, 3);

    // ------------------------------------------------------------------ item 1: closing the backend

    @Test
    void closingTheBackendWhileEncodingNeverHangsACaller() throws Exception {
        // Two threads loop encodes of a 64×600 batch (big enough for cpu-vector to split it over its helper
        // threads) while the backend closes under them after a few ms: each must come back with the closed
        // backend's OwnershipException, and the backend's threads must end.
        int rounds = REFERENCE ? 3 : 15;
        int batch = REFERENCE ? 60 : 600;
        CodingData data = Generators.simulated(batch, 256, 64, 0, 7);
        Random random = new Random(1);
        for (int round = 0; round < rounds; round++) {
            Set<Thread> before = unrollThreads();
            Backend be = Backends.open(TckBackend.name(), BackendConfig.fromSystemProperties().with("threads", "3"));
            LassoProblem p = LassoProblem.create(be, DType.F32, data.dictionary(), 0.1);
            UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 10);
            HostMatrix x = data.test();
            List<Thread> callers = new ArrayList<>();
            List<AtomicReference<Throwable>> ends = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(2);
            for (int t = 0; t < 2; t++) {
                AtomicReference<Throwable> end = new AtomicReference<>();
                ends.add(end);
                callers.add(Thread.ofPlatform().daemon().name("backend-close-caller-" + t).start(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            try (Solver s = Solver.of(net, Batching.off())) {
                                s.encode(x);
                            }
                        }
                    } catch (Throwable e) {
                        end.set(e);
                    }
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread.sleep(2 + random.nextInt(REFERENCE ? 20 : 40));
            be.close();
            for (int t = 0; t < 2; t++) {
                Thread c = callers.get(t);
                c.join(10_000);
                assertFalse(c.isAlive(), "round " + round + ": a caller still runs 10 s after the backend closed: "
                        + Arrays.toString(c.getStackTrace()));
                assertInstanceOf(OwnershipException.class, ends.get(t).get(), "round " + round
                        + ": what the caller got");
            }
            net.close();
            p.close();
            awaitThreads(before, "round " + round + " after the backend closed");
        }
    }

    // ------------------------------------------------------------------ item 2: NaN isolation

    @Test
    void aClientSendingNanFailsAloneInItsBatch() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver direct = Solver.of(net, Batching.off());
             Solver batched = Solver.of(net, Batching.upTo(16, Duration.ofMillis(2)))) {
            float[][] expected = directCodes(direct, SMALL.test());
            int good = 6;
            int calls = 60;
            AtomicInteger goodAnswers = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Throwable> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            runThreads(good + 1, t -> {
                float[] z = new float[p.atoms()];
                for (int c = 0; c < calls; c++) {
                    int j = (t * 13 + c) % SMALL.test().cols();
                    float[] x = column(SMALL.test(), j);
                    if (t == good) {
                        x[c % x.length] = c % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
                        try {
                            batched.encode(x, z);
                            wrong.add(new AssertionError("a NaN signal was encoded"));
                        } catch (NonFiniteInputException e) {
                            refused.incrementAndGet();
                        }
                    } else {
                        try {
                            batched.encode(x, z);
                            assertArrayEquals(expected[j], z, 1e-5f, "signal " + j);
                            goodAnswers.incrementAndGet();
                        } catch (Throwable e) {
                            wrong.add(e);
                        }
                    }
                }
            });
            assertEquals(List.of(), wrong, "the good clients' failures");
            assertEquals(good * calls, goodAnswers.get());
            assertEquals(calls, refused.get());
        }
    }

    @Test
    void aBatchThatFailsRunsEachSignalAloneSoOnlyTheCulpritFails() throws Exception {
        // A failure the front door cannot see (here: an encoder that refuses one poisoned signal once it is
        // on the backend) fails only the call that caused it.
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver direct = Solver.of(net, Batching.off());
             Solver batched = new Solver(new PoisonAwareEncoder(net), p, Batching.upTo(8, Duration.ofMillis(5)),
                     TimeUnit.SECONDS.toNanos(10))) {
            float[][] expected = directCodes(direct, SMALL.test());
            AtomicInteger poisonedFailures = new AtomicInteger();
            List<Throwable> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            runThreads(5, t -> {
                float[] z = new float[p.atoms()];
                for (int c = 0; c < 40; c++) {
                    int j = (t * 7 + c) % SMALL.test().cols();
                    float[] x = column(SMALL.test(), j);
                    if (t == 0) {
                        x[0] = PoisonAwareEncoder.POISON;
                    }
                    try {
                        batched.encode(x, z);
                        if (t == 0) {
                            wrong.add(new AssertionError("the poisoned signal was encoded"));
                        } else {
                            assertArrayEquals(expected[j], z, 1e-5f, "signal " + j);
                        }
                    } catch (PoisonAwareEncoder.Poisoned e) {
                        if (t == 0) {
                            poisonedFailures.incrementAndGet();
                        } else {
                            wrong.add(e);
                        }
                    } catch (Throwable e) {
                        wrong.add(e);
                    }
                }
            });
            assertEquals(List.of(), wrong);
            assertEquals(40, poisonedFailures.get());
        }
    }

    // ------------------------------------------------------------------ item 3: interruption

    @Test
    void anInterruptedWaitingCallerLeavesPromptlyAndItsRequestStaysUsable() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver direct = Solver.of(net, Batching.off());
             // A batch of two that waits a second for company: the first call is interrupted while it waits
             // (before the fix it spun until its batch ran alone, and returned without a word).
             Solver batched = Solver.of(net, Batching.upTo(2, Duration.ofSeconds(1)))) {
            float[][] expected = directCodes(direct, SMALL.test());
            AtomicReference<Throwable> first = new AtomicReference<>();
            AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            float[] z1 = new float[p.atoms()];
            Arrays.fill(z1, -7f);
            float[] z2 = new float[p.atoms()];
            AtomicReference<Throwable> second = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().daemon().name("interrupted-caller").start(() -> {
                try {
                    batched.encode(column(SMALL.test(), 0), z1);
                } catch (Throwable e) {
                    first.set(e);
                }
                flagAfter.set(Thread.interrupted());
                // The same thread again: its batch (with the withdrawn request, if the dispatcher took it
                // already) fills with this call and runs, or runs alone after the delay.
                try {
                    batched.encode(column(SMALL.test(), 1), z2);
                } catch (Throwable e) {
                    second.set(e);
                }
            });
            awaitParked(caller);
            caller.interrupt();
            caller.join(10_000);
            assertFalse(caller.isAlive(), "the interrupted caller still waits: " + Arrays.toString(caller.getStackTrace()));
            assertInstanceOf(EncodeInterruptedException.class, first.get());
            assertTrue(flagAfter.get(), "the interrupt flag is set again");
            for (float v : z1) {
                assertEquals(-7f, v, "the withdrawn call's output array was written");
            }
            assertEquals(null, second.get());
            assertArrayEquals(expected[1], z2, 1e-5f, "the next call of the same thread");

            // A caller already interrupted leaves at once.
            AtomicReference<Throwable> already = new AtomicReference<>();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    batched.encode(column(SMALL.test(), 2), new float[p.atoms()]);
                } catch (Throwable e) {
                    already.set(e);
                }
            });
            t.join(10_000);
            assertFalse(t.isAlive(), "an interrupted caller waited for its batch");
            assertInstanceOf(EncodeInterruptedException.class, already.get());
        }
    }

    @Test
    void interruptsUnderLoadNeverCorruptAnAnswer() throws Exception {
        // Callers interrupted at random moments (queueing, waiting, while their code is written): each call
        // either returns its right code or throws EncodeInterruptedException with its output untouched, and
        // the next call of the same thread (reusing or replacing its request object) is right again.
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver direct = Solver.of(net, Batching.off());
             Solver batched = Solver.of(net, Batching.upTo(8, Duration.ofMillis(1)))) {
            float[][] expected = directCodes(direct, SMALL.test());
            int threads = 6;
            int calls = 150;
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger interrupted = new AtomicInteger();
            List<Throwable> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> callers = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int seed = t;
                callers.add(Thread.ofPlatform().daemon().name("interrupted-load-" + t).start(() -> {
                    float[] z = new float[p.atoms()];
                    for (int c = 0; c < calls; c++) {
                        int j = (seed * 11 + c) % SMALL.test().cols();
                        Arrays.fill(z, -7f);
                        try {
                            batched.encode(column(SMALL.test(), j), z);
                            Thread.interrupted(); // an interrupt that came while its code was written
                            for (int a = 0; a < z.length; a++) {
                                if (Math.abs(expected[j][a] - z[a]) > 1e-5f * (1 + Math.abs(expected[j][a]))) {
                                    wrong.add(new AssertionError("signal " + j + " got a wrong code"));
                                    break;
                                }
                            }
                            answered.incrementAndGet();
                        } catch (EncodeInterruptedException e) {
                            if (!Thread.interrupted()) {
                                wrong.add(new AssertionError("the interrupt flag was not set again"));
                            }
                            for (float v : z) {
                                if (v != -7f) {
                                    wrong.add(new AssertionError("an interrupted call's output was written"));
                                    break;
                                }
                            }
                            interrupted.incrementAndGet();
                        } catch (Throwable e) {
                            wrong.add(e);
                        }
                    }
                    done.countDown();
                }));
            }
            Random random = new Random(5);
            while (done.getCount() > 0) {
                callers.get(random.nextInt(threads)).interrupt();
                Thread.sleep(0, 200_000);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "callers still running");
            assertEquals(List.of(), wrong);
            assertEquals(threads * calls, answered.get() + interrupted.get());
        }
    }

    @Test
    void aBigBatchEncodeStopsBetweenChunksWhenInterrupted() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver s = Solver.of(net, new Batching(false, 8, Duration.ZERO))) {
            HostMatrix big = repeat(SMALL.test(), REFERENCE ? 2_000 : 60_000);
            // Interrupted before: no chunk runs.
            Thread.currentThread().interrupt();
            try {
                assertThrows(EncodeInterruptedException.class, () -> s.encode(big));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag stays set");
            } finally {
                Thread.interrupted();
            }
            // Interrupted while it runs: it stops at the next chunk.
            AtomicReference<Throwable> end = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread caller = Thread.ofPlatform().daemon().start(() -> {
                started.countDown();
                try {
                    s.encode(big);
                } catch (Throwable e) {
                    end.set(e);
                }
            });
            started.await();
            Thread.sleep(5);
            caller.interrupt();
            caller.join(10_000);
            assertFalse(caller.isAlive(), "the batch encode ignored the interrupt");
            if (end.get() != null) { // null only when it finished within the 5 ms
                assertInstanceOf(EncodeInterruptedException.class, end.get());
            }
        }
    }

    // ------------------------------------------------------------------ item 5: workspace memory

    @Test
    void workspacesAreSizedToTheWorkAndBoundedWhenIdle() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F64, SMALL.dictionary(), 0.2);
             Solver s = Solver.fista(p, Stopping.after(5), Batching.off())) {
            // 16 single-signal callers: one column each, not a 4096-column batch each.
            runThreads(16, t -> {
                for (int c = 0; c < 20; c++) {
                    s.encode(column(SMALL.test(), (t + c) % SMALL.test().cols()));
                }
            });
            assertTrue(s.liveWorkspaceColumns() <= 16, "columns held after 16 single-signal threads: "
                    + s.liveWorkspaceColumns() + " in " + s.liveWorkspaces() + " workspaces");
            // Batch calls get the next power of two; the idle ones together stay within one batch's worth.
            HostMatrix x = SMALL.test();
            runThreads(6, t -> {
                for (int c = 0; c < 3; c++) {
                    s.encode(x.columns(0, 1 + (t * 17 + c * 5) % x.cols()));
                }
            });
            assertTrue(s.liveWorkspaceColumns() <= 4096, "idle columns " + s.liveWorkspaceColumns());
        }
    }

    @Test
    void idleWorkspacesAreFreed() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
             Solver off = new Solver(new PoisonAwareEncoder(net), p, Batching.off(), TimeUnit.MILLISECONDS.toNanos(20));
             Solver on = new Solver(new PoisonAwareEncoder(net), p, Batching.upTo(8, Duration.ofMillis(1)),
                     TimeUnit.MILLISECONDS.toNanos(20))) {
            runThreads(8, t -> {
                for (int c = 0; c < 10; c++) {
                    off.encode(column(SMALL.test(), c));
                    on.encode(column(SMALL.test(), c));
                }
            });
            assertTrue(off.liveWorkspaces() >= 1);
            Thread.sleep(60);
            off.encode(column(SMALL.test(), 0)); // a call releases what idled too long
            assertEquals(1, off.liveWorkspaces(), "the workspaces left after the idle time and one more call");
            // The batcher's dispatcher frees them while it waits, with no call at all.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (on.liveWorkspaces() > 0) {
                assertTrue(System.nanoTime() < deadline, "the idle batcher kept " + on.liveWorkspaces() + " workspaces");
                Thread.sleep(10);
            }
        }
    }

    // ------------------------------------------------------------------ item 11 and close races

    @Test
    void aClosedSolverRefusesEveryCall() {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F64, SMALL.dictionary(), 0.2)) {
            for (Batching b : List.of(Batching.upTo(8, Duration.ofMillis(1)), Batching.off())) {
                Solver s = Solver.ista(p, Stopping.after(5), b);
                s.encode(SMALL.test());
                s.close();
                String what = "batching " + b.enabled();
                assertClosed(() -> s.encode(SMALL.test()), what);
                assertClosed(() -> s.encode(column(SMALL.test(), 0)), what);
                assertClosed(() -> s.encode(new double[p.signalDim()], new double[p.atoms()]), what);
                assertEquals(0, s.liveWorkspaces(), what + ": workspaces left after close");
                s.close(); // idempotent
            }
        }
    }

    @Test
    void closingTheSolverWhileCallsRunEndsEveryCallAndFreesEverything() throws Exception {
        try (Backend be = TckBackend.open();
             LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5)) {
            for (int round = 0; round < 10; round++) {
                Set<Thread> before = unrollThreads();
                Solver s = Solver.of(net, round % 2 == 0 ? Batching.upTo(8, Duration.ofMillis(1)) : Batching.off());
                List<Throwable> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
                CountDownLatch running = new CountDownLatch(6);
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int seed = t;
                    callers.add(Thread.ofPlatform().daemon().start(() -> {
                        running.countDown();
                        try {
                            for (int c = 0; ; c++) {
                                if (seed % 2 == 0) {
                                    s.encode(column(SMALL.test(), c % SMALL.test().cols()));
                                } else {
                                    s.encode(SMALL.test().columns(0, 1 + c % 20));
                                }
                            }
                        } catch (InvalidArgumentException e) {
                            if (!e.getMessage().contains("closed")) {
                                wrong.add(e);
                            }
                        } catch (Throwable e) {
                            wrong.add(e);
                        }
                    }));
                }
                running.await();
                Thread.sleep(3);
                s.close();
                for (Thread c : callers) {
                    c.join(10_000);
                    assertFalse(c.isAlive(), "round " + round + ": a caller still runs after close: "
                            + Arrays.toString(c.getStackTrace()));
                }
                assertEquals(List.of(), wrong, "round " + round);
                assertEquals(0, s.liveWorkspaces(), "round " + round + ": workspaces left");
                awaitThreads(before, "round " + round);
            }
        }
    }

    @Test
    void openCloseCyclesLeaveNoThreadBehind() throws Exception {
        Set<Thread> before = unrollThreads();
        int cycles = REFERENCE ? 10 : 20;
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (Backend be = Backends.open(TckBackend.name(), BackendConfig.fromSystemProperties().with("threads", "3"));
                 LassoProblem p = LassoProblem.create(be, DType.F32, SMALL.dictionary(), 0.2);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 5);
                 Solver s = Solver.of(net, Batching.upTo(8, Duration.ofMillis(1)))) {
                runThreads(4, t -> {
                    for (int c = 0; c < 10; c++) {
                        s.encode(column(SMALL.test(), c));
                    }
                    s.encode(SMALL.test());
                });
            }
        }
        awaitThreads(before, "after " + cycles + " open/close cycles");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertClosed(org.junit.jupiter.api.function.Executable call, String what) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call, what);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** Runs {@code body} on {@code threads} threads at once; fails with the first failure, or after 60 s. */
    static void runThreads(int threads, ThreadBody body) throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<Thread> list = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                list.add(Thread.ofPlatform().daemon().name("solver-load-" + t).start(() -> {
                    try {
                        body.run(index);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : list) {
                t.join();
            }
            if (failure.get() != null) {
                fail("a thread failed: " + failure.get(), failure.get());
            }
        }, "threads still running after 60 s");
    }

    /** One load thread's work. */
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    static float[][] directCodes(Solver direct, HostMatrix signals) {
        float[][] codes = new float[signals.cols()][];
        for (int j = 0; j < signals.cols(); j++) {
            codes[j] = direct.encode(column(signals, j));
        }
        return codes;
    }

    static float[] column(HostMatrix m, int j) {
        float[] out = new float[m.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) m.get(i, j);
        }
        return out;
    }

    private static HostMatrix repeat(HostMatrix m, int cols) {
        double[] v = new double[m.rows() * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < m.rows(); i++) {
                v[j * m.rows() + i] = m.get(i, j % m.cols());
            }
        }
        return new HostMatrix(m.rows(), cols, v);
    }

    /** The live threads Unroll starts (backend helpers, micro-batch dispatchers). */
    static Set<Thread> unrollThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("unroll-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** Waits up to 10 s until no Unroll thread beyond {@code before} runs. */
    static void awaitThreads(Set<Thread> before, String when) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Set<Thread> now = unrollThreads();
            now.removeAll(before);
            if (now.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(when + ": threads left running: " + now);
            }
            Thread.sleep(10);
        }
    }

    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, t.getName() + " never parked: " + t.getState());
            Thread.sleep(1);
        }
    }

    /**
     * A network encoder that refuses, once on the backend, any batch holding a signal whose first value is
     * {@link #POISON}: a failure the solver's front door cannot see, as a backend failure would be.
     */
    static final class PoisonAwareEncoder implements BatchEncoder {
        static final float POISON = 12345f;
        private final UnrolledNetwork net;

        PoisonAwareEncoder(UnrolledNetwork net) {
            this.net = net;
        }

        @Override
        public void encode(Matrix x, Matrix z, Object workspace, SignalReport report, int offset) {
            double[] v = x.backend().toDoubleArray(x);
            for (int j = 0; j < x.cols(); j++) {
                if (v[j * x.rows()] == POISON) {
                    throw new Poisoned();
                }
            }
            net.encode(x, z);
        }

        @Override
        public AutoCloseable newWorkspace(int capacity) {
            return null;
        }

        @Override
        public void close() {
        }

        /** The poisoned signal's failure. */
        static final class Poisoned extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Poisoned() {
                super("poisoned signal");
            }
        }
    }
}
