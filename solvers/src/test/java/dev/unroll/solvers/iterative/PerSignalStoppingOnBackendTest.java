package dev.unroll.solvers.iterative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.SignalReport;
import dev.unroll.solvers.service.Solver;
import dev.unroll.tck.support.TckBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ISTA and FISTA stop per signal (issue 15, item 4): a signal's code and iteration count are the same
 * alone, in a batch of 64 and through the micro-batcher, and a single signal reaches the tolerance's
 * F − F*. Bit-identical on the reference backend, whose products compute every column the same way; on
 * backends whose GEMM blocking depends on the batch width (cpu-vector, cuBLAS) the last bits may differ.
 */
class PerSignalStoppingOnBackendTest {
    private static final double TOLERANCE = 1e-9;
    private static final int BATCH = 64;
    private static Backend be;
    private static CodingData data;
    private static boolean exact;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        exact = be.name().equals("reference");
        data = Generators.simulated(BATCH + 10, 50, 20, 10, 7);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ista", "fista"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCodeDoesNotDependOnItsBatch(String method) throws Exception {
        HostMatrix x = data.test().columns(0, BATCH);
        Stopping stopping = new Stopping(20_000, TOLERANCE);
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2)) {
            // In a batch of 64: iterations differ from signal to signal, so columns freeze at different times.
            IterativeResult batch;
            double[] batchCodes;
            try (Matrix xs = p.uploadSignals(x); Matrix z = p.zeroCodes(BATCH)) {
                batch = solve(method, p, xs, z, stopping);
                batchCodes = be.toDoubleArray(z);
            }
            int[] its = batch.signalIterations();
            assertTrue(batch.converged(), "every signal converges within the budget");
            assertTrue(java.util.Arrays.stream(its).max().getAsInt() > java.util.Arrays.stream(its).min().getAsInt(),
                    "the signals need different iteration counts, so the test exercises freezing");
            int m = p.atoms();
            for (int j = 0; j < BATCH; j += 7) {
                IterativeResult alone;
                double[] code;
                try (Matrix xs = p.uploadSignals(x.columns(j, j + 1)); Matrix z = p.zeroCodes(1)) {
                    alone = solve(method, p, xs, z, stopping);
                    code = be.toDoubleArray(z);
                }
                double[] inBatch = java.util.Arrays.copyOfRange(batchCodes, j * m, (j + 1) * m);
                assertClose(code, inBatch, "signal " + j + " alone vs in a batch of 64");
                assertTrue(alone.signalConverged()[0], "signal " + j + " converges alone");
                if (exact) {
                    assertEquals(its[j], alone.signalIterations()[0], "signal " + j + " iterations");
                } else {
                    assertEquals(its[j], alone.signalIterations()[0], 1, "signal " + j + " iterations");
                }
            }
            // Through a Solver: batch calls of 64 and of 5, and 8 threads through the micro-batcher.
            Batching gathering = Batching.upTo(16, Duration.ofMillis(2));
            try (Solver direct = iterative(method, p, stopping, Batching.off());
                 Solver small = iterative(method, p, stopping, new Batching(false, 5, Duration.ZERO));
                 Solver gathered = iterative(method, p, stopping, gathering)) {
                SignalReport report = SignalReport.forSignals(BATCH);
                HostMatrix codes = direct.encode(x, report);
                SignalReport smallReport = SignalReport.forSignals(BATCH);
                HostMatrix smallCodes = small.encode(x, smallReport);
                for (int j = 0; j < BATCH; j++) {
                    assertClose(column(batchCodes, j, m), codes.columns(j, j + 1).values(), "Solver, signal " + j);
                    assertClose(column(batchCodes, j, m), smallCodes.columns(j, j + 1).values(),
                            "Solver in batches of 5, signal " + j);
                    assertTrue(report.converged(j) && smallReport.converged(j), "signal " + j + " reported converged");
                    if (exact) {
                        assertEquals(its[j], report.iterations(j), "reported iterations of signal " + j);
                        assertEquals(its[j], smallReport.iterations(j), "batches of 5, iterations of signal " + j);
                    }
                }
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        int first = t;
                        futures.add(pool.submit(() -> {
                            double[] z = new double[m];
                            for (int j = first; j < BATCH; j += 8) {
                                gathered.encode(x.columns(j, j + 1).values(), z);
                                // The micro-batcher runs F32 arrays through an F64 problem: compare at float precision.
                                double[] expected = column(batchCodes, j, m);
                                for (int a = 0; a < m; a++) {
                                    assertEquals((float) expected[a], (float) z[a], exact ? 0 : 1e-6 * (1 + Math.abs(expected[a])),
                                            "micro-batched signal " + j + " atom " + a);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fistaOnOneSignalReachesTheTolerance() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2)) {
            for (int j = 0; j < 8; j++) {
                HostMatrix x = data.test().columns(j, j + 1);
                double halfNorm = 0;
                for (double v : x.values()) {
                    halfNorm += 0.5 * v * v;
                }
                double optimum;
                try (Matrix xs = p.uploadSignals(x); Matrix z = p.zeroCodes(1); Ista ista = new Ista(p, 1)) {
                    optimum = ista.solve(xs, z, Stopping.after(20_000)).finalCost();
                }
                try (Matrix xs = p.uploadSignals(x); Matrix z = p.zeroCodes(1); Fista fista = new Fista(p, 1)) {
                    IterativeResult r = fista.solve(xs, z, new Stopping(20_000, TOLERANCE));
                    double reached = p.objective(xs, z);
                    assertTrue(r.converged(), "signal " + j + " converges");
                    assertTrue(reached - optimum <= TOLERANCE * halfNorm + 1e-14, "signal " + j + ": F − F* = "
                            + (reached - optimum) + " above the tolerance's " + TOLERANCE * halfNorm + " after "
                            + r.iterations() + " iterations");
                }
            }
        }
    }

    @Test
    void withoutToleranceEverySignalRunsTheBudget() {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             Matrix xs = p.uploadSignals(data.test().columns(0, 10)); Matrix z = p.zeroCodes(10);
             Fista fista = new Fista(p, 10)) {
            IterativeResult r = fista.solve(xs, z, Stopping.after(25));
            assertEquals(25, r.iterations());
            assertEquals(26, r.costs().length);
            for (int j = 0; j < 10; j++) {
                assertEquals(25, r.signalIterations()[j]);
                assertFalse(r.signalConverged()[j]);
            }
        }
    }

    @Test
    void aZeroSignalConvergesAtOnceAndStaysZero() {
        HostMatrix x = data.test().columns(0, 3);
        for (int i = 0; i < x.rows(); i++) {
            x.values()[x.rows() + i] = 0; // signal 1 is zero
        }
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             Matrix xs = p.uploadSignals(x); Matrix z = p.zeroCodes(3); Ista ista = new Ista(p, 3)) {
            IterativeResult r = ista.solve(xs, z, new Stopping(5000, TOLERANCE));
            assertEquals(1, r.signalIterations()[1]);
            assertTrue(r.signalConverged()[1]);
            double[] codes = be.toDoubleArray(z);
            for (int a = 0; a < p.atoms(); a++) {
                assertEquals(0, codes[p.atoms() + a]);
            }
        }
    }

    private static IterativeResult solve(String method, LassoProblem p, Matrix x, Matrix z, Stopping stopping) {
        if (method.equals("fista")) {
            try (Fista f = new Fista(p, x.cols())) {
                return f.solve(x, z, stopping);
            }
        }
        try (Ista i = new Ista(p, x.cols())) {
            return i.solve(x, z, stopping);
        }
    }

    private static Solver iterative(String method, LassoProblem p, Stopping stopping, Batching batching) {
        return method.equals("fista") ? Solver.fista(p, stopping, batching) : Solver.ista(p, stopping, batching);
    }

    private static double[] column(double[] codes, int j, int m) {
        return java.util.Arrays.copyOfRange(codes, j * m, (j + 1) * m);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        if (exact) {
            assertArrayEquals(expected, actual, what + ": bit-identical on the reference backend");
            return;
        }
        for (int a = 0; a < expected.length; a++) {
            assertEquals(expected[a], actual[a], 1e-9 * (1 + Math.abs(expected[a])), what + ", atom " + a);
        }
    }
}
