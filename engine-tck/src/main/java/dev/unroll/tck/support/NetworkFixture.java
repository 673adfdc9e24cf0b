package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.UnrolledModel;

import java.util.SplittableRandom;

/**
 * A small unrolled-network problem for the forward and reverse-mode tests: a make_coding dictionary and
 * batch, parameters perturbed away from the ISTA initialisation, analytic weights for ALISTA, and the
 * oracle's forward trace. The seed is advanced until no pre-threshold value lies within {@code minMargin}
 * of its threshold, so finite differences and F32/F64 comparisons do not straddle a kink.
 */
public final class NetworkFixture {
    public final NetworkSpec spec;
    public final HostMatrix d;
    public final HostMatrix x;
    public final HostMatrix analytic;
    public final double lambda;
    public final HostNetwork net;
    public final HostNetwork.Trace trace;

    private NetworkFixture(NetworkSpec spec, HostMatrix d, HostMatrix x, HostMatrix analytic, double lambda,
                           HostNetwork net, HostNetwork.Trace trace) {
        this.spec = spec;
        this.d = d;
        this.x = x;
        this.analytic = analytic;
        this.lambda = lambda;
        this.net = net;
        this.trace = trace;
    }

    public static NetworkFixture create(Parametrization p, DType dtype, int n, int m, int batch, int layers,
                                        double lambda, double jitter, long seed, double minMargin) {
        for (long s = seed; s < seed + 200; s++) {
            Problems.Coding coding = Problems.makeCoding(batch, m, n, s);
            SplittableRandom rng = new SplittableRandom(s * 7919);
            HostMatrix d = coding.d().roundedTo(dtype);
            HostMatrix x = coding.x().roundedTo(dtype);
            HostMatrix analytic = p == Parametrization.ALISTA
                    ? d.combine(1, 0.1, HostMatrix.gaussian(n, m, rng)).roundedTo(dtype) : null;
            NetworkSpec spec = new NetworkSpec(p, layers, n, m, dtype);
            double lipschitz = Oracle.lipschitz(d);
            HostNetwork net = HostNetwork.perturbed(spec, d, lipschitz, jitter, rng).roundedTo(dtype);
            HostNetwork.Trace trace = net.forward(d, analytic, x, null, lambda, layers);
            if (net.kinkMargin(trace, lambda) >= minMargin && active(trace)) {
                return new NetworkFixture(spec, d, x, analytic, lambda, net, trace);
            }
        }
        throw new IllegalStateException("no seed gives a kink margin of " + minMargin + " for " + p);
    }

    /** Whether the output has both zero and non-zero codes, so thresholds matter. */
    private static boolean active(HostNetwork.Trace trace) {
        int zeros = 0;
        double[] z = trace.output().data;
        for (double v : z) {
            if (v == 0) {
                zeros++;
            }
        }
        return zeros > 0 && zeros < z.length;
    }

    /** The fixture in backend memory. */
    public Uploaded upload(Backend backend) {
        return upload(backend, spec.dtype());
    }

    /** The fixture in backend memory in {@code dtype} (for F32 data checked on an F64 oracle). */
    public Uploaded upload(Backend backend, DType dtype) {
        NetworkSpec s = new NetworkSpec(spec.parametrization(), spec.layers(), spec.signalDim(), spec.atoms(), dtype);
        HostNetwork typed = new HostNetwork(s, net.layers);
        ParameterSet params = typed.upload(backend);
        Matrix dm = d.upload(backend, dtype);
        Matrix xm = x.upload(backend, dtype);
        Matrix wm = analytic == null ? null : analytic.upload(backend, dtype);
        return new Uploaded(new UnrolledModel(params, dm, wm, lambda), xm);
    }

    /** The model and batch on a backend. */
    public record Uploaded(UnrolledModel model, Matrix x) implements AutoCloseable {
        @Override
        public void close() {
            model.params().close();
            model.dictionary().close();
            if (model.analyticWeights() != null) {
                model.analyticWeights().close();
            }
            x.close();
        }
    }
}
