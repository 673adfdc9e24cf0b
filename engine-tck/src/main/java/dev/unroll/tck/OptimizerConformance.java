package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OptimizerState;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.HostNetwork;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SGD and Adam steps on a parameter set against the update rules in double (Adam in PyTorch's form, with a
 * learning-rate change between steps), and the parameter-set axpy and copy that backtracking uses.
 */
public class OptimizerConformance extends ConformanceBase {

    static HostNetwork randomNetwork(NetworkSpec spec, SplittableRandom rng) {
        List<List<HostMatrix>> layers = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            List<HostMatrix> layer = new ArrayList<>();
            for (ParamKind kind : spec.parametrization().layout(l)) {
                layer.add(HostMatrix.uniform(kind.rows(spec.signalDim(), spec.atoms()),
                        kind.cols(spec.signalDim(), spec.atoms()), -1, 1, rng).roundedTo(spec.dtype()));
            }
            layers.add(layer);
        }
        return new HostNetwork(spec, layers);
    }

    private List<HostMatrix> read(ParameterSet set) {
        return set.all().stream().map(m -> HostMatrix.download(backend, m)).toList();
    }

    private static List<HostMatrix> flat(HostNetwork net) {
        return net.layers.stream().flatMap(List::stream).map(HostMatrix::copy).toList();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sgdMovesAgainstTheGradient(DType t) {
        NetworkSpec spec = new NetworkSpec(Parametrization.LISTA, 2, 7, 13, t);
        SplittableRandom rng = new SplittableRandom(1);
        HostNetwork p = randomNetwork(spec, rng);
        HostNetwork g = randomNetwork(spec, rng);
        double rel = t == DType.F32 ? 1e-6 : 1e-15;
        try (ParameterSet params = p.upload(backend);
             ParameterSet grads = g.upload(backend);
             OptimizerState state = backend.newOptimizerState(new Optimizer.Sgd(0.25), spec)) {
            backend.optimizerStep(state, params, grads);
            List<HostMatrix> expected = flat(p);
            List<HostMatrix> gf = flat(g);
            List<HostMatrix> actual = read(params);
            for (int i = 0; i < expected.size(); i++) {
                Close.normwise(expected.get(i).combine(1, -0.25, gf.get(i)), actual.get(i), rel, 1, t + " SGD parameter " + i);
            }
            Assertions.assertEquals(1, state.steps());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void adamFollowsPyTorch(DType t) {
        adamFollowsPyTorch(new NetworkSpec(Parametrization.FIRST_STEP, 3, 5, 9, t), t);
    }

    /**
     * A set large enough for a backend to split one step across threads (89 k parameters in 12 matrices of
     * three shapes, odd sizes): every element, wherever a part starts, follows the rule.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void adamOnALargeSetFollowsPyTorch(DType t) {
        adamFollowsPyTorch(new NetworkSpec(Parametrization.LISTA, 4, 40, 130, t), t);
    }

    private void adamFollowsPyTorch(NetworkSpec spec, DType t) {
        SplittableRandom rng = new SplittableRandom(2);
        HostNetwork p = randomNetwork(spec, rng);
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        List<HostMatrix> expected = flat(p);
        List<double[]> m = expected.stream().map(e -> new double[e.data.length]).toList();
        List<double[]> v = expected.stream().map(e -> new double[e.data.length]).toList();
        double[] lrs = {1e-2, 1e-2, 3e-3};
        double rel = t == DType.F32 ? 1e-5 : 1e-13;
        try (ParameterSet params = p.upload(backend);
             OptimizerState state = backend.newOptimizerState(new Optimizer.Adam(1e-2, b1, b2, eps), spec)) {
            for (int step = 1; step <= lrs.length; step++) {
                HostNetwork g = randomNetwork(spec, rng);
                List<HostMatrix> gf = flat(g);
                state.setLearningRate(lrs[step - 1]);
                try (ParameterSet grads = g.upload(backend)) {
                    backend.optimizerStep(state, params, grads);
                }
                double bias1 = 1 - Math.pow(b1, step);
                double bias2 = 1 - Math.pow(b2, step);
                for (int i = 0; i < expected.size(); i++) {
                    double[] e = expected.get(i).data;
                    for (int k = 0; k < e.length; k++) {
                        double gv = gf.get(i).data[k];
                        m.get(i)[k] = b1 * m.get(i)[k] + (1 - b1) * gv;
                        v.get(i)[k] = b2 * v.get(i)[k] + (1 - b2) * gv * gv;
                        e[k] -= (lrs[step - 1] / bias1) * m.get(i)[k] / (Math.sqrt(v.get(i)[k]) / Math.sqrt(bias2) + eps);
                    }
                }
                List<HostMatrix> actual = read(params);
                for (int i = 0; i < expected.size(); i++) {
                    Close.normwise(expected.get(i), actual.get(i), rel, 1, t + " Adam step " + step + " parameter " + i);
                }
            }
            Assertions.assertEquals(lrs.length, state.steps());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void parameterSetAxpyAndCopy(DType t) {
        NetworkSpec spec = new NetworkSpec(Parametrization.COUPLED, 2, 4, 6, t);
        SplittableRandom rng = new SplittableRandom(3);
        HostNetwork x = randomNetwork(spec, rng);
        HostNetwork y = randomNetwork(spec, rng);
        try (ParameterSet xs = x.upload(backend); ParameterSet ys = y.upload(backend)) {
            backend.axpy(-2, xs, ys);
            List<HostMatrix> xf = flat(x);
            List<HostMatrix> yf = flat(y);
            List<HostMatrix> after = read(ys);
            for (int i = 0; i < xf.size(); i++) {
                Close.normwise(yf.get(i).combine(1, -2, xf.get(i)), after.get(i), 4 * t.unitRoundoff(), 1, t + " axpy " + i);
            }
            backend.copy(xs, ys);
            List<HostMatrix> copied = read(ys);
            for (int i = 0; i < xf.size(); i++) {
                Assertions.assertArrayEquals(xf.get(i).data, copied.get(i).data, t + " copy " + i);
            }
        }
    }
}
