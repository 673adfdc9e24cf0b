package dev.unroll.solvers.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;
import dev.unroll.tck.support.TckBackend;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TV networks in F64: untrained they are the algorithms they unroll, and every parameter's gradient
 * (every layer kind, the exact prox's implicit backward and the unrolled inner prox included) matches
 * central finite differences of the objective P.
 */
class TvNetworkTest {
    private static Backend be;
    private static TvProblem problem;
    private static HostMatrix x;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        TvData data = TvData.generate(8, 5, 12, 0.2, 0.0, 3);
        problem = TvProblem.create(be, DType.F64, data.operator(), 0.3);
        x = data.signals();
    }

    @AfterAll
    static void close() {
        problem.close();
        be.close();
    }

    @Test
    void untrainedSynthesisNetworksAreSynthesisIsta() {
        double[] ista = TvIterative.run(problem, TvIterative.Method.ISTA_SYNTHESIS, x, 5).costs();
        for (TvNetworkKind kind : List.of(TvNetworkKind.LISTA_SYNTHESIS, TvNetworkKind.COUPLED_SYNTHESIS,
                TvNetworkKind.STEP_SYNTHESIS)) {
            try (TvNetwork net = TvNetwork.create(kind, problem, 5)) {
                for (int t = 0; t <= 5; t++) {
                    assertEquals(ista[t], net.objective(x, t), 1e-12 * (1 + ista[t]), kind.id() + " depth " + t);
                }
            }
        }
    }

    @Test
    void untrainedLpgdTautIsProximalGradient() {
        double[] pgd = TvIterative.run(problem, TvIterative.Method.ISTA_ANALYSIS, x, 5).costs();
        try (TvNetwork net = TvNetwork.create(TvNetworkKind.LPGD_TAUT, problem, 5)) {
            for (int t = 0; t <= 5; t++) {
                assertEquals(pgd[t], net.objective(x, t), 1e-12 * (1 + pgd[t]), "depth " + t);
            }
        }
    }

    @Test
    void fistaConvergesAndAnalysisBeatsSynthesisPerIteration() {
        double ref = TvIterative.run(problem, TvIterative.Method.FISTA_ANALYSIS, x, 3000, false).costs()[0];
        double[] fa = TvIterative.run(problem, TvIterative.Method.FISTA_ANALYSIS, x, 200).costs();
        double[] fs = TvIterative.run(problem, TvIterative.Method.FISTA_SYNTHESIS, x, 200).costs();
        double[] ia = TvIterative.run(problem, TvIterative.Method.ISTA_ANALYSIS, x, 200).costs();
        assertTrue(fa[200] - ref < 1e-8, "analysis FISTA reaches P*: " + (fa[200] - ref));
        assertTrue(fs[200] >= ref - 1e-12 && ia[200] >= ref - 1e-12, "nothing goes below P*");
        assertTrue(fs[20] - ref > fa[20] - ref, "analysis ahead of synthesis at 20 iterations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lista-synthesis", "coupled-synthesis", "step-synthesis", "lpgd-taut",
            "lpgd-lista-per-layer-3", "lpgd-lista-global-3", "lpgd-lista-none-3"})
    void gradientsMatchFiniteDifferences(String id) {
        TvNetworkKind kind = TvNetworkKind.fromId(id);
        int depth = 3;
        try (TvNetwork net = TvNetwork.create(kind, problem, depth); Matrix xd = problem.upload(x);
             Matrix u = problem.zeros(x.cols()); Matrix gu = problem.zeros(x.cols())) {
            // Move off the ISTA initialisation so that no symmetry hides a wrong term.
            Random rng = new Random(5);
            for (Param p : net.trainable()) {
                HostMatrix v = p.host();
                for (int i = 0; i < v.values().length; i++) {
                    v.values()[i] *= 1 + 0.05 * rng.nextGaussian();
                }
                p.set(v);
            }
            net.zeroGradients();
            net.forward(xd, depth, u);
            problem.objective(xd, u, gu);
            net.backward(gu);
            double h = 1e-6;
            int checked = 0;
            for (Param p : net.trainable()) {
                HostMatrix v = p.host();
                double[] g = Uploads.download(be, p.grad()).values();
                for (int i = 0; i < v.values().length; i++) {
                    double keep = v.values()[i];
                    v.values()[i] = keep + h;
                    p.set(v);
                    double plus = net.objective(x, depth);
                    v.values()[i] = keep - h;
                    p.set(v);
                    double minus = net.objective(x, depth);
                    v.values()[i] = keep;
                    p.set(v);
                    double fd = (plus - minus) / (2 * h);
                    assertEquals(fd, g[i], 1e-6 * (1 + Math.abs(fd)), id + " " + p.name() + "[" + i + "]");
                    checked++;
                }
            }
            assertTrue(checked > 0);
        }
    }
}
