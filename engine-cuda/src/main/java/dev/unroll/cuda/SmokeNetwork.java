package dev.unroll.cuda;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.UnrolledModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A host-side test problem for {@link GpuSmoke}: a random dictionary with unit columns, its Lipschitz constant,
 * signals, and the ISTA-equivalent initialisation of every parametrization, uploadable to any backend.
 */
final class SmokeNetwork {
    final int n;
    final int m;
    final double[] d;
    final double lipschitz;
    final double lambda;

    SmokeNetwork(int n, int m, long seed) {
        this.n = n;
        this.m = m;
        SplittableRandom rng = new SplittableRandom(seed);
        d = new double[n * m];
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double v = rng.nextGaussian();
                d[i + j * n] = v;
                s += v * v;
            }
            for (int i = 0; i < n; i++) {
                d[i + j * n] /= Math.sqrt(s);
            }
        }
        lipschitz = largestEigenvalue();
        lambda = 0.1;
    }

    /** ‖D‖₂² by power iteration on DᵀD. */
    private double largestEigenvalue() {
        double[] v = new double[m];
        Arrays.fill(v, 1 / Math.sqrt(m));
        double mu = 0;
        for (int it = 0; it < 200; it++) {
            double[] dv = new double[n];
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    dv[i] += d[i + j * n] * v[j];
                }
            }
            double[] w = new double[m];
            double norm = 0;
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    w[j] += d[i + j * n] * dv[i];
                }
                norm += w[j] * w[j];
            }
            norm = Math.sqrt(norm);
            mu = norm;
            for (int j = 0; j < m; j++) {
                v[j] = w[j] / norm;
            }
        }
        return mu;
    }

    /** Signals x = D z with sparse z plus noise, n×batch. */
    double[] signals(int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n * batch];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 5; k++) {
                int j = rng.nextInt(m);
                double a = rng.nextGaussian();
                for (int i = 0; i < n; i++) {
                    x[i + b * n] += a * d[i + j * n];
                }
            }
            for (int i = 0; i < n; i++) {
                x[i + b * n] += 0.01 * rng.nextGaussian();
            }
        }
        return x;
    }

    /** Uploads {@code values} (F64 host data) into {@code m} in its precision. */
    static void upload(Backend be, double[] values, Matrix m) {
        if (m.dtype() == DType.F64) {
            be.upload(values, m);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            be.upload(f, m);
        }
    }

    /** D on {@code be} in {@code dt}. */
    Matrix dictionary(Backend be, DType dt) {
        Matrix out = be.allocate(dt, n, m);
        upload(be, d, out);
        return out;
    }

    /** The ISTA-equivalent parameters of {@code spec} on {@code be}, slightly perturbed per layer. */
    ParameterSet parameters(Backend be, NetworkSpec spec) {
        ParameterSet p = be.newParameters(spec);
        double step = 1 / lipschitz;
        for (int l = 0; l < spec.layers(); l++) {
            double jitter = 1 + 0.01 * l;
            for (ParamKind kind : spec.parametrization().layout(l)) {
                double[] v = switch (kind) {
                    case W_Z -> {
                        double[] w = new double[m * m];
                        for (int a = 0; a < m; a++) {
                            for (int b = 0; b < m; b++) {
                                double s = 0;
                                for (int i = 0; i < n; i++) {
                                    s += d[i + a * n] * d[i + b * n];
                                }
                                w[a + b * m] = (a == b ? 1 : 0) - step * jitter * s;
                            }
                        }
                        yield w;
                    }
                    case W_X, W_COUPLED -> {
                        double[] w = new double[m * n];
                        for (int a = 0; a < m; a++) {
                            for (int i = 0; i < n; i++) {
                                w[a + i * m] = step * jitter * d[i + a * n];
                            }
                        }
                        yield w;
                    }
                    case THRESHOLDS -> filled(m, step * jitter);
                    case THRESHOLD -> filled(1, spec.parametrization() == Parametrization.ALISTA ? step : step * jitter);
                    case STEP_SIZE -> filled(1, step * jitter);
                };
                upload(be, v, p.get(l, kind));
            }
        }
        return p;
    }

    /** A model over {@code params} (ALISTA's W̃ = D/L·‖·‖ stand-in: D itself). */
    UnrolledModel model(Backend be, ParameterSet params, Matrix dict) {
        Matrix analytic = params.spec().parametrization() == Parametrization.ALISTA ? dict : null;
        return new UnrolledModel(params, dict, analytic, lambda);
    }

    private static double[] filled(int count, double v) {
        double[] out = new double[count];
        Arrays.fill(out, v);
        return out;
    }
}
