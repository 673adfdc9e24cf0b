package dev.unroll.solvers.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The training gradient (the trainer's {@link TrainingLoss}) against central finite differences in F64,
 * for every parametrization, unsupervised and supervised, on the backend under test. Parameters are moved
 * off the ISTA initialisation first, so no pre-threshold value sits on a threshold.
 */
class TrainingGradientOnBackendTest {
    private static Backend be;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void unsupervisedGradientMatchesFiniteDifferences(Parametrization par) {
        check(par, false);
    }

    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void supervisedGradientMatchesFiniteDifferences(Parametrization par) {
        check(par, true);
    }

    private static void check(Parametrization par, boolean supervised) {
        CodingData data = Generators.simulated(12, 8, 5, 12, 3);
        NumpyRandom rng = new NumpyRandom(11);
        int layers = 3;
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.3);
             UnrolledNetwork net = UnrolledNetwork.create(p, par, layers);
             Matrix x = p.uploadSignals(data.signals());
             Matrix target = supervised ? Uploads.upload(be, DType.F64, randomCodes(rng, 8, 12)) : null;
             ParameterSet grads = be.newParameters(net.spec());
             TrainingLoss loss = new TrainingLoss(net, x.cols())) {
            for (int t = 0; t < layers; t++) {
                for (ParamKind kind : par.layout(t)) {
                    HostMatrix v = net.parameter(t, kind);
                    for (int i = 0; i < v.values().length; i++) {
                        v.values()[i] *= 1 + 0.2 * (rng.nextDouble() - 0.5);
                    }
                    net.setParameter(t, kind, v);
                }
            }
            loss.evaluate(x, target, layers);
            loss.gradient(grads, layers);
            double eps = 1e-6;
            for (int t = 0; t < layers; t++) {
                for (ParamKind kind : par.layout(t)) {
                    HostMatrix base = net.parameter(t, kind);
                    double[] g = be.toDoubleArray(grads.get(t, kind));
                    int count = base.values().length;
                    for (int probe = 0; probe < Math.min(4, count); probe++) {
                        int i = (int) rng.nextInterval(count - 1);
                        HostMatrix moved = new HostMatrix(base.rows(), base.cols(), base.values().clone());
                        moved.values()[i] = base.values()[i] + eps;
                        net.setParameter(t, kind, moved);
                        double up = loss.evaluate(x, target, layers);
                        moved.values()[i] = base.values()[i] - eps;
                        net.setParameter(t, kind, moved);
                        double down = loss.evaluate(x, target, layers);
                        net.setParameter(t, kind, base);
                        double fd = (up - down) / (2 * eps);
                        assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)),
                                par.id() + " layer " + t + " " + kind.id() + "[" + i + "]");
                    }
                }
            }
        }
    }

    private static HostMatrix randomCodes(NumpyRandom rng, int m, int n) {
        return new HostMatrix(m, n, rng.gaussians(m * n));
    }
}
