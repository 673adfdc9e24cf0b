package dev.unroll.solvers.interop;

import dev.unroll.engine.ParamKind;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.engine.Parametrization;
import java.util.Random;

/** Test helper: networks whose every parameter differs from ISTA's, so a mapping error cannot hide. */
final class TestNetworks {
    private TestNetworks() {
    }

    /**
     * A {@code layers}-layer network of {@code par} on {@code p}, initialised as ISTA, then every entry of every
     * parameter multiplied by a factor in [0.8, 1.2) (and matrices shifted by small noise, so no two entries keep
     * the ISTA pattern); thresholds and steps stay positive.
     */
    static UnrolledNetwork perturbed(LassoProblem p, Parametrization par, int layers, long seed) {
        UnrolledNetwork net = UnrolledNetwork.create(p, par, layers);
        Random rng = new Random(seed);
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : par.layout(t)) {
                HostMatrix v = net.parameter(t, kind);
                double[] a = v.values().clone();
                boolean matrix = v.rows() > 1 && v.cols() > 1;
                for (int i = 0; i < a.length; i++) {
                    a[i] = a[i] * (0.8 + 0.4 * rng.nextDouble()) + (matrix ? 0.02 * rng.nextGaussian() : 0);
                }
                net.setParameter(t, kind, new HostMatrix(v.rows(), v.cols(), a));
            }
        }
        return net;
    }
}
