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
    void untrainedCondatVuNetworksAreCondatVu() {
        double[] cv = TvIterative.condatVu(problem, x, 6).costs();
        for (TvNetworkKind kind : List.of(TvNetworkKind.COUPLED_CONDAT_VU, TvNetworkKind.STEP_CONDAT_VU)) {
            try (TvNetwork net = TvNetwork.create(kind, problem, 6)) {
                for (int t = 0; t <= 6; t++) {
                    assertEquals(cv[t], net.objective(x, t), 1e-12 * (1 + cv[t]), kind.id() + " depth " + t);
                }
            }
        }
    }

    @Test
    void untrainedChambolleNetworksAreDualProjectedGradient() {
        double[] dual = TvIterative.chambolle(problem, x, 6).costs();
        for (TvNetworkKind kind : List.of(TvNetworkKind.ORIG_CHAMBOLLE, TvNetworkKind.COUPLED_CHAMBOLLE,
                TvNetworkKind.STEP_CHAMBOLLE)) {
            try (TvNetwork net = TvNetwork.create(kind, problem, 6)) {
                for (int t = 0; t <= 6; t++) {
                    assertEquals(dual[t], net.objective(x, t), 1e-12 * (1 + dual[t]), kind.id() + " depth " + t);
                }
            }
        }
    }

    @Test
    void condatVuReachesTheOptimumAndChambolleDoesWhenPhiIsInvertible() {
        double ref = TvIterative.run(problem, TvIterative.Method.FISTA_ANALYSIS, x, 3000, false).costs()[0];
        double[] cv = TvIterative.condatVu(problem, x, 3000).costs();
        assertTrue(Math.abs(cv[3000] - ref) < 1e-7, "Condat–Vu reaches P*: " + (cv[3000] - ref));
        // With m = k the dual of CARPET is the problem's exact dual: its primal point reaches P* too (a
        // well-conditioned Φ = I + 0.2·G/√k, so that 3 000 dual steps suffice).
        Random rng = new Random(4);
        HostMatrix phi = HostMatrix.zeros(8, 8);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                phi.set(i, j, (i == j ? 1 : 0) + 0.2 * rng.nextGaussian() / Math.sqrt(8));
            }
        }
        TvData square = TvData.sample(phi, 12, 0.2, 0.0, new dev.unroll.solvers.data.NumpyRandom(4));
        try (TvProblem sq = TvProblem.create(be, DType.F64, square.operator(), 0.3)) {
            double sqRef = TvIterative.run(sq, TvIterative.Method.FISTA_ANALYSIS, square.signals(), 3000, false)
                    .costs()[0];
            double[] ch = TvIterative.chambolle(sq, square.signals(), 3000).costs();
            assertTrue(Math.abs(ch[3000] - sqRef) < 1e-7, "Chambolle reaches P* for a square Φ: " + (ch[3000] - sqRef));
        }
    }

    @Test
    void fromAZeroStartTheNetworksStillUnrollTheirAlgorithms() {
        try (TvProblem zero = TvProblem.create(be, DType.F64, problem.operator(), problem.lambda(),
                TvProblem.Start.ZERO)) {
            double[] pgd = TvIterative.run(zero, TvIterative.Method.ISTA_ANALYSIS, x, 4).costs();
            double[] cv = TvIterative.condatVu(zero, x, 4).costs();
            double[] dual = TvIterative.chambolle(zero, x, 4).costs();
            assertEquals(0.5 * sumOfSquares(x) / x.cols(), pgd[0], 1e-12, "P(0) = ½‖x‖²");
            try (TvNetwork lpgd = TvNetwork.create(TvNetworkKind.LPGD_TAUT, zero, 4);
                 TvNetwork condat = TvNetwork.create(TvNetworkKind.STEP_CONDAT_VU, zero, 4);
                 TvNetwork chambolle = TvNetwork.create(TvNetworkKind.STEP_CHAMBOLLE, zero, 4);
                 TvNetwork chambollePinv = TvNetwork.create(TvNetworkKind.STEP_CHAMBOLLE, problem, 4)) {
                for (int t = 0; t <= 4; t++) {
                    assertEquals(pgd[t], lpgd.objective(x, t), 1e-12 * (1 + pgd[t]));
                    assertEquals(cv[t], condat.objective(x, t), 1e-12 * (1 + cv[t]));
                    assertEquals(dual[t], chambolle.objective(x, t), 1e-12 * (1 + dual[t]));
                    // The dual start is v₀ = 0 whatever the primal start.
                    assertEquals(chambollePinv.objective(x, t), chambolle.objective(x, t), 1e-12 * (1 + dual[t]));
                }
            }
        }
    }

    private static double sumOfSquares(HostMatrix m) {
        double s = 0;
        for (double v : m.values()) {
            s += v * v;
        }
        return s;
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

    @Test
    void gradientMappingIsTheSubgradientWithoutTiesAndMovesAConstantPieceAsOne() {
        int b = x.cols();
        int k = problem.length();
        try (Matrix xd = problem.upload(x); Matrix u = problem.zeros(b); Matrix sub = problem.zeros(b);
             Matrix moreau = problem.zeros(b)) {
            problem.initialU(xd, u); // Φ⁺x: no two neighbours equal
            double p1 = problem.objective(xd, u, sub);
            double p2 = problem.gradientMapping(xd, u, moreau);
            assertEquals(p1, p2, 0.0);
            double[] gs = be.toDoubleArray(sub);
            double[] gm = be.toDoubleArray(moreau);
            for (int i = 0; i < gs.length; i++) {
                assertEquals(gs[i], gm[i], 1e-5 * (1 + Math.abs(gs[i])), "entry " + i);
            }
            // Tie u₂ = u₃ in column 0: the subgradient takes sign(0) = 0 there, the mapping moves the piece as one.
            double[] uh = be.toDoubleArray(u);
            uh[3] = uh[2];
            HostMatrix tied = new HostMatrix(k, b, uh);
            Uploads.write(be, tied, u);
            problem.objective(xd, u, sub);
            problem.gradientMapping(xd, u, moreau);
            gs = be.toDoubleArray(sub);
            gm = be.toDoubleArray(moreau);
            assertTrue(Math.abs(gm[2] - gm[3]) < 1e-5 * (1 + Math.abs(gm[2])) || Math.abs(gs[2] - gs[3]) > 0,
                    "a merged piece keeps one gradient unless the data pull it apart");
            double pieceSub = gs[2] + gs[3];
            double pieceMoreau = gm[2] + gm[3];
            // The sum over the piece is the same (the inner TV term cancels in both); only its split differs.
            assertEquals(pieceSub, pieceMoreau, 1e-5 * (1 + Math.abs(pieceSub)));
        }
    }

    @Test
    void moreauTrainingLowersTheLossOfLpgdTaut() {
        try (TvNetwork net = TvNetwork.create(TvNetworkKind.LPGD_TAUT, problem, 3)) {
            double before = net.objective(x, 3);
            double after = TvTrainer.train(net, x, 15, 1, TvTrainer.Gradient.MOREAU);
            assertTrue(after < before, before + " → " + after);
            assertEquals(after, net.objective(x, 3), 1e-12 * (1 + after));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lista-synthesis", "coupled-synthesis", "step-synthesis", "lpgd-taut",
            "lpgd-lista-per-layer-3", "coupled-condat-vu", "step-condat-vu", "orig-chambolle", "coupled-chambolle",
            "step-chambolle"})
    void inF32TheNetworksFollowTheirF64Selves(String id) {
        TvNetworkKind kind = TvNetworkKind.fromId(id);
        int depth = 3;
        try (TvProblem p32 = TvProblem.create(be, DType.F32, problem.operator(), problem.lambda());
             TvNetwork n64 = TvNetwork.create(kind, problem, depth); TvNetwork n32 = TvNetwork.create(kind, p32, depth);
             Matrix x64 = problem.upload(x); Matrix x32 = p32.upload(x);
             Matrix u64 = problem.zeros(x.cols()); Matrix u32 = p32.zeros(x.cols());
             Matrix g64 = problem.zeros(x.cols()); Matrix g32 = p32.zeros(x.cols())) {
            double o64 = n64.objective(x, depth);
            assertEquals(o64, n32.objective(x, depth), 1e-4 * (1 + o64), "objective");
            n64.zeroGradients();
            n64.forward(x64, depth, u64);
            problem.objective(x64, u64, g64);
            n64.backward(g64);
            n32.zeroGradients();
            n32.forward(x32, depth, u32);
            p32.objective(x32, u32, g32);
            n32.backward(g32);
            for (Param q : n64.trainable()) {
                double[] a = Uploads.download(be, q.grad()).values();
                double[] c = Uploads.download(be, n32.parameters().get(q.name()).grad()).values();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    diff += (a[i] - c[i]) * (a[i] - c[i]);
                    norm += a[i] * a[i];
                }
                assertTrue(Math.sqrt(diff) <= 1e-3 * (1e-3 + Math.sqrt(norm)), id + " " + q.name() + ": relative "
                        + Math.sqrt(diff / Math.max(norm, 1e-300)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lista-synthesis", "coupled-synthesis", "step-synthesis", "lpgd-taut",
            "lpgd-lista-per-layer-3", "lpgd-lista-global-3", "lpgd-lista-none-3", "coupled-condat-vu",
            "step-condat-vu", "orig-chambolle", "coupled-chambolle", "step-chambolle"})
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
                if (p.name().endsWith("sigma")) {
                    // Inside Condat–Vu's clamp [½, 2] (at its initial ½ the gradient is one-sided).
                    v.values()[0] = 0.8 + 0.1 * rng.nextDouble();
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
