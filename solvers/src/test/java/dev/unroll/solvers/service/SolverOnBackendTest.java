package dev.unroll.solvers.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.tck.support.TckBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedding API: 16 threads call one solver at once, with micro-batching on and off, half of them with
 * single signals and half with batches of 1 to 5 signals (workspaces of every size class at once), and every
 * answer equals a direct call on the same signal.
 */
class SolverOnBackendTest {
    private static final int THREADS = 16;
    private static final int CALLS = 150;
    private static Backend be;
    private static CodingData data;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(600, 30, 12, 300, 4);
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest(name = "{0} {1} batching={2}")
    @CsvSource({"network,F32,true", "network,F64,true", "network,F32,false", "fista,F64,true", "fista,F64,false",
            "ista,F32,true", "ista,F32,false"})
    void sixteenThreadsGetTheDirectAnswers(String kind, DType dtype, boolean batching) throws Exception {
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, Parametrization.STEP, 8)) {
            Trainer.train(net, data.train(), TrainingOptions.defaults().withMaxIterations(10));
            Batching b = batching ? Batching.upTo(32, Duration.ofMillis(2)) : Batching.off();
            Stopping stop = Stopping.after(30);
            try (Solver solver = switch (kind) {
                    case "network" -> Solver.of(net, b);
                    case "fista" -> Solver.fista(p, stop, b);
                    default -> Solver.ista(p, stop, b);
                 };
                 Solver direct = switch (kind) {
                    case "network" -> Solver.of(net, Batching.off());
                    case "fista" -> Solver.fista(p, stop, Batching.off());
                    default -> Solver.ista(p, stop, Batching.off());
                 }) {
                HostMatrix test = data.test();
                float[][] expected = new float[test.cols()][];
                for (int j = 0; j < test.cols(); j++) {
                    expected[j] = direct.encode(column(test, j));
                }
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    List<Future<Integer>> futures = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        int seed = t;
                        futures.add(pool.submit(() -> {
                            float[] z = new float[p.atoms()];
                            int checked = 0;
                            for (int c = 0; c < CALLS; c++) {
                                int j = (seed * 7919 + c * 31) % test.cols();
                                if (seed % 2 == 0) {
                                    solver.encode(column(test, j), z);
                                    checkCode(expected[j], z, j);
                                    checked++;
                                    continue;
                                }
                                int count = Math.min(1 + c % 5, test.cols() - j);
                                HostMatrix codes = solver.encode(test.columns(j, j + count));
                                for (int k = 0; k < count; k++) {
                                    for (int a = 0; a < z.length; a++) {
                                        z[a] = (float) codes.get(a, k);
                                    }
                                    checkCode(expected[j + k], z, j + k);
                                }
                                checked++;
                            }
                            return checked;
                        }));
                    }
                    int total = 0;
                    for (Future<Integer> f : futures) {
                        total += f.get();
                    }
                    assertEquals(THREADS * CALLS, total);
                } finally {
                    pool.shutdown();
                }
                // The batch call agrees with the single calls too.
                HostMatrix codes = solver.encode(test.columns(0, 50));
                for (int j = 0; j < 50; j++) {
                    for (int a = 0; a < p.atoms(); a++) {
                        assertEquals(expected[j][a], codes.get(a, j), 1e-5 * (1 + Math.abs(expected[j][a])));
                    }
                }
                assertThrows(ShapeMismatchException.class, () -> solver.encode(new float[3], new float[p.atoms()]));
            }
        }
    }

    /**
     * One answer against the direct call's. ISTA/FISTA run a fixed number of iterations here (Stopping.after),
     * so a gathered batch computes each column as a call of its own would; networks compute each column
     * independently anyway.
     */
    private static void checkCode(float[] expected, float[] z, int j) {
        for (int a = 0; a < z.length; a++) {
            assertEquals(expected[a], z[a], 1e-5 * (1 + Math.abs(expected[a])), "signal " + j + " atom " + a);
        }
    }

    private static float[] column(HostMatrix m, int j) {
        float[] out = new float[m.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) m.get(i, j);
        }
        return out;
    }
}
