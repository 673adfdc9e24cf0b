package dev.unroll.tck;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.tck.support.Close;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.HostMatrix;
import dev.unroll.tck.support.Oracle;
import dev.unroll.tck.support.Problems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

/**
 * The Lasso objective (mean over samples), its per-sample terms and its gradients in Z and D, and the
 * supervised loss, against the formulas in double; the Lasso gradients against finite differences in F64.
 */
public class LossConformance extends ConformanceBase {
    static final int[][] SHAPES = {{13, 21, 17}, {64, 256, 3}, {7, 3, 1}, {1, 1, 1}};

    /** Codes with exact zeros, as a soft-threshold produces. */
    static HostMatrix sparseCodes(int m, int b, SplittableRandom rng) {
        HostMatrix z = HostMatrix.uniform(m, b, -1, 1, rng);
        for (int i = 0; i < z.data.length; i++) {
            if (rng.nextInt(3) == 0) {
                z.data[i] = 0;
            }
        }
        return z;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void lassoMatchesTheFormula(DType t) {
        SplittableRandom rng = new SplittableRandom(3);
        double lambda = 0.3;
        for (int[] s : SHAPES) {
            int n = s[0];
            int m = s[1];
            int b = s[2];
            Problems.Coding c = Problems.makeCoding(b, m, n, 9);
            HostMatrix d = c.d().roundedTo(t);
            HostMatrix x = c.x().roundedTo(t);
            HostMatrix z = sparseCodes(m, b, rng).roundedTo(t);
            String what = t + " Lasso n=" + n + " m=" + m + " B=" + b;
            double rel = t == DType.F32 ? 20 * (n + m) * t.unitRoundoff() : 1e-13;
            try (Matrix dm = d.upload(backend, t);
                 Matrix xm = x.upload(backend, t);
                 Matrix zm = z.upload(backend, t);
                 Matrix per = backend.allocate(t, 1, b);
                 Matrix gz = backend.allocate(t, m, b);
                 Matrix gd = backend.allocate(t, n, m)) {
                double value = backend.lassoObjective(dm, xm, zm, lambda, per, gz, gd);
                Close.scalar(Oracle.lasso(d, x, z, lambda), value, rel, 1e-6, what + ": F(Z)");
                Close.scalar(value, backend.lassoObjective(dm, xm, zm, lambda), 1e-15, 0, what + ": F(Z) without outputs");
                Close.normwise(Oracle.lassoPerSample(d, x, z, lambda), HostMatrix.download(backend, per), rel, 1e-6,
                        what + ": per-sample terms");
                Close.normwise(Oracle.lassoGradZ(d, x, z, lambda), HostMatrix.download(backend, gz), rel, 1e-6,
                        what + ": ∂F/∂Z");
                Close.normwise(Oracle.lassoGradD(d, x, z), HostMatrix.download(backend, gd), rel, 1e-6,
                        what + ": ∂F/∂D");
            }
        }
    }

    @Test
    void lassoGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        Problems.Coding c = Problems.makeCoding(5, 9, 6, 10);
        HostMatrix d = c.d();
        HostMatrix x = c.x();
        HostMatrix z = sparseCodes(9, 5, rng);
        double lambda = 0.4;
        double h = 1e-6;
        try (Matrix dm = d.upload(backend, DType.F64);
             Matrix xm = x.upload(backend, DType.F64);
             Matrix zm = z.upload(backend, DType.F64);
             Matrix gz = backend.allocate(DType.F64, 9, 5);
             Matrix gd = backend.allocate(DType.F64, 6, 9)) {
            backend.lassoObjective(dm, xm, zm, lambda, null, gz, gd);
            HostMatrix fdZ = new HostMatrix(9, 5);
            for (int i = 0; i < z.data.length; i++) {
                // At z = 0 the central difference of λ|z| is 0, matching the convention sign(0) = 0.
                fdZ.data[i] = centralDifference(z, i, h, zz -> Oracle.lasso(d, x, zz, lambda));
            }
            HostMatrix fdD = new HostMatrix(6, 9);
            for (int i = 0; i < d.data.length; i++) {
                fdD.data[i] = centralDifference(d, i, h, dd -> Oracle.lasso(dd, x, z, lambda));
            }
            Close.normwise(fdZ, HostMatrix.download(backend, gz), 1e-6, 1e-2, "∂F/∂Z vs finite differences");
            Close.normwise(fdD, HostMatrix.download(backend, gd), 1e-6, 1e-2, "∂F/∂D vs finite differences");
        }
    }

    private static double centralDifference(HostMatrix m, int i, double h,
                                            java.util.function.ToDoubleFunction<HostMatrix> f) {
        double keep = m.data[i];
        m.data[i] = keep + h;
        double plus = f.applyAsDouble(m);
        m.data[i] = keep - h;
        double minus = f.applyAsDouble(m);
        m.data[i] = keep;
        return (plus - minus) / (2 * h);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void supervisedLossMatchesTheFormula(DType t) {
        SplittableRandom rng = new SplittableRandom(5);
        HostMatrix z = HostMatrix.uniform(21, 17, -1, 1, rng).roundedTo(t);
        HostMatrix target = HostMatrix.uniform(21, 17, -1, 1, rng).roundedTo(t);
        HostMatrix diff = z.combine(1, -1, target);
        HostMatrix per = new HostMatrix(1, 17);
        double total = 0;
        for (int b = 0; b < 17; b++) {
            double f = 0;
            for (int i = 0; i < 21; i++) {
                f += 0.5 * diff.get(i, b) * diff.get(i, b);
            }
            per.set(0, b, f);
            total += f;
        }
        double rel = t == DType.F32 ? 1e-5 : 1e-14;
        try (Matrix zm = z.upload(backend, t);
             Matrix tm = target.upload(backend, t);
             Matrix pm = backend.allocate(t, 1, 17);
             Matrix gm = backend.allocate(t, 21, 17)) {
            double value = backend.supervisedLoss(zm, tm, pm, gm);
            Close.scalar(total / 17, value, rel, 1e-6, t + " supervised loss");
            Close.normwise(per, HostMatrix.download(backend, pm), rel, 1e-6, t + " supervised per-sample terms");
            Close.normwise(diff.combine(1.0 / 17, 0, diff), HostMatrix.download(backend, gm), rel, 1e-6,
                    t + " supervised ∂/∂Z");
        }
    }
}
