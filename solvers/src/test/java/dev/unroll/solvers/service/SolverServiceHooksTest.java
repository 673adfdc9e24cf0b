package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The hooks a service needs from a {@link Solver}: calls with a deadline, asynchronous calls, and an observer
 * that sees the batches, the queue waits, the latencies and the failures. Every wait is bounded.
 */
class SolverServiceHooksTest {
    private static final CodingData DATA = Generators.simulated(80, 24, 10, 40, 5);
    /** A micro-batch that waits long for company, so that a call is reliably still pending when its deadline passes. */
    private static final Batching SLOW = Batching.upTo(64, Duration.ofMillis(1500));

    @Test
    void aSingleCallPastItsDeadlineIsWithdrawnAndItsOutputLeftAlone() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Backend be = Backends.open("reference");
                 LassoProblem p = LassoProblem.create(be, DType.F32, DATA.dictionary(), 0.2);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
                 Solver s = Solver.of(net, SLOW);
                 // Micro-batches that wait a minute for company: a call that waited for its batch instead of its
                 // deadline would outlast the 20 s bound of this test, with no clock read here.
                 Solver patient = Solver.of(net, Batching.upTo(64, Duration.ofMinutes(1)))) {
                float[] z = new float[p.atoms()];
                Arrays.fill(z, -7f);
                EncodeTimeoutException e = assertThrows(EncodeTimeoutException.class,
                        () -> patient.encode(column(0), z, Duration.ofMillis(50)));
                assertTrue(e.getMessage().contains("withdrawn"), e.getMessage());
                for (float v : z) {
                    assertEquals(-7f, v, "the withdrawn call's output was written");
                }
                // The same thread's next call, with room to wait for the batch, gets its code.
                double[] zd = new double[p.atoms()];
                s.encode(columnD(1), zd, Duration.ofSeconds(10));
                assertTrue(Arrays.stream(zd).anyMatch(v -> v != 0), "a code came");
                // A batch call checks its deadline before each chunk: with none left, nothing runs.
                assertThrows(EncodeTimeoutException.class, () -> s.encode(DATA.test(), Duration.ZERO));
            }
        });
    }

    @Test
    void asyncCallsCompleteWithTheSynchronousCodesInBothPrecisions() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (DType dtype : DType.values()) {
                try (Backend be = Backends.open("reference");
                     LassoProblem p = LassoProblem.create(be, dtype, DATA.dictionary(), 0.2);
                     UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
                     Solver direct = Solver.of(net, Batching.off());
                     Solver s = Solver.of(net, Batching.upTo(8, Duration.ofMillis(5)))) {
                    HostMatrix expected = direct.encode(DATA.test());
                    List<CompletableFuture<double[]>> wide = new ArrayList<>();
                    List<CompletableFuture<float[]>> narrow = new ArrayList<>();
                    for (int j = 0; j < DATA.test().cols(); j++) {
                        wide.add(s.encodeAsync(columnD(j)));
                        narrow.add(s.encodeAsync(column(j)));
                    }
                    for (int j = 0; j < wide.size(); j++) {
                        double[] want = expected.columns(j, j + 1).values();
                        // Batches of other widths sum in another order on some backends: agree to rounding.
                        assertArrayEquals(want, wide.get(j).get(10, TimeUnit.SECONDS),
                                dtype == DType.F64 ? 1e-12 : 1e-5, dtype + " signal " + j);
                        float[] got = narrow.get(j).get(10, TimeUnit.SECONDS);
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(want[i], got[i], 1e-5, dtype + " float signal " + j);
                        }
                    }
                    CompletableFuture<float[]> bad = s.encodeAsync(nanSignal());
                    CompletionException e = assertThrows(CompletionException.class, bad::join);
                    assertInstanceOf(NonFiniteInputException.class, e.getCause());
                }
            }
        });
    }

    @Test
    void anAsyncCallTimedOutByItsFutureIsWithdrawn() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Recorder seen = new Recorder();
            try (Backend be = Backends.open("reference");
                 LassoProblem p = LassoProblem.create(be, DType.F64, DATA.dictionary(), 0.2);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
                 Solver s = Solver.of(net, SLOW).observe(seen)) {
                CompletableFuture<double[]> f = s.encodeAsync(columnD(0)).orTimeout(50, TimeUnit.MILLISECONDS);
                CompletionException e = assertThrows(CompletionException.class, f::join);
                assertInstanceOf(TimeoutException.class, e.getCause());
                assertTrue(seen.failures.contains(SolverObserver.Failure.TIMEOUT), seen.failures.toString());
            }
        });
    }

    @Test
    void theObserverSeesEveryBatchWaitLatencyAndFailure() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Recorder seen = new Recorder();
            int threads = 8;
            try (Backend be = Backends.open("reference");
                 LassoProblem p = LassoProblem.create(be, DType.F32, DATA.dictionary(), 0.2);
                 UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 4);
                 // A long delay and a batch as wide as the callers: the first call waits until all have come.
                 Solver s = Solver.of(net, Batching.upTo(threads, Duration.ofSeconds(2))).observe(seen)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int j = t;
                    callers.add(Thread.ofPlatform().daemon().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        s.encode(column(j), new float[p.atoms()]);
                    }));
                }
                go.countDown();
                for (Thread c : callers) {
                    c.join(10_000);
                }
                assertEquals(threads, seen.batchSignals.get(), "signals over all batches");
                assertTrue(seen.largestBatch.get() > 1, "concurrent calls were gathered: " + seen.largestBatch);
                assertEquals(threads, seen.queueWaits.get());
                assertEquals(threads, seen.singleCalls.get());
                assertThrows(NonFiniteInputException.class, () -> s.encode(nanSignal(), new float[p.atoms()]));
                s.encode(DATA.test());
                assertEquals(threads + DATA.test().cols(), seen.batchSignals.get(), "the batch call's chunk too");
                assertEquals(List.of(SolverObserver.Failure.NON_FINITE), List.copyOf(seen.failures));
                assertEquals("non_finite", SolverObserver.Failure.NON_FINITE.tag());
            }
        });
    }

    /** What an observer saw, thread-safely. */
    private static final class Recorder implements SolverObserver {
        final AtomicInteger batchSignals = new AtomicInteger();
        final AtomicInteger largestBatch = new AtomicInteger();
        final AtomicInteger queueWaits = new AtomicInteger();
        final AtomicInteger singleCalls = new AtomicInteger();
        final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

        @Override
        public void batch(int signals) {
            batchSignals.addAndGet(signals);
            largestBatch.accumulateAndGet(signals, Math::max);
        }

        @Override
        public void queueWait(long nanos) {
            assertTrue(nanos >= 0);
            queueWaits.incrementAndGet();
        }

        @Override
        public void encoded(int signals, long nanos) {
            if (signals == 1) {
                singleCalls.incrementAndGet();
            }
        }

        @Override
        public void failed(Failure reason) {
            failures.add(reason);
        }
    }

    private static float[] column(int j) {
        double[] d = columnD(j);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] columnD(int j) {
        return DATA.test().columns(j, j + 1).values();
    }

    private static float[] nanSignal() {
        float[] x = column(0);
        x[3] = Float.NaN;
        return x;
    }
}
