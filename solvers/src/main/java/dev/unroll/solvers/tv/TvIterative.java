package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * The iterative baselines of NeurIPS 2020 (docs/science.md §2, §9), all from u₀ = Φ⁺x like the networks:
 * ISTA/FISTA on the synthesis form (step 1/ρ̃, pseudo soft-threshold at λ/ρ̃, z₀ unpenalised) and proximal
 * gradient / FISTA on the analysis form (step 1/ρ, taut-string prox at λ/ρ). Analysis FISTA run long is the
 * reference optimum P*. FISTA returns the prox point, not the extrapolated one (docs/science.md §2).
 */
public final class TvIterative {
    /** Which form and whether with momentum. */
    public enum Method {
        ISTA_SYNTHESIS, FISTA_SYNTHESIS, ISTA_ANALYSIS, FISTA_ANALYSIS;

        boolean momentum() {
            return this == FISTA_SYNTHESIS || this == FISTA_ANALYSIS;
        }

        boolean analysis() {
            return this == ISTA_ANALYSIS || this == FISTA_ANALYSIS;
        }

        /** The label of the reports, e.g. "Analysis FISTA". */
        public String label() {
            return (analysis() ? "Analysis " : "Synthesis ") + (momentum() ? "FISTA" : "ISTA");
        }
    }

    /**
     * The result: the mean objective after each iteration 0..n at the requested checkpoints, and the last u.
     *
     * @param costs P(u_t) for t = 0..iterations
     * @param u     u_iterations (k×b)
     */
    public record Result(double[] costs, HostMatrix u) {
    }

    private TvIterative() {
    }

    /** Runs {@code iterations} iterations of {@code method} on the signals x (m×b). */
    public static Result run(TvProblem p, Method method, HostMatrix x, int iterations) {
        return run(p, method, x, iterations, true);
    }

    /** As {@link #run(TvProblem, Method, HostMatrix, int)}; {@code trace} false skips the per-iteration costs. */
    public static Result run(TvProblem p, Method method, HostMatrix x, int iterations, boolean trace) {
        Backend be = p.backend();
        int k = p.length();
        int b = x.cols();
        double[] costs = new double[trace ? iterations + 1 : 1];
        try (Matrix xd = p.upload(x); Matrix u = p.zeros(b); Matrix v = p.zeros(b); Matrix prev = p.zeros(b);
             Matrix y = p.zeros(b); Matrix grad = p.zeros(b); Matrix r = be.allocate(p.dtype(), p.measurements(), b);
             Matrix tau = be.allocate(p.dtype(), k, 1)) {
            p.initialU(xd, u);
            costs[0] = p.objective(xd, u);
            boolean analysis = method.analysis();
            // The iterate v is u (analysis) or z = C⁻¹u (synthesis); the operator is Φ or Ψ = ΦC.
            Matrix op = analysis ? p.phi() : p.synthesis();
            double step = 1 / (analysis ? p.rho() : p.rhoSynthesis());
            if (analysis) {
                be.copy(u, v);
            } else {
                be.gemm(1, p.cumulativeInverse(), u, 0, v);
                double[] t = new double[k];
                java.util.Arrays.fill(t, 1, k, 1);
                HostBridge.write(t, tau);
            }
            be.copy(v, y);
            double t = 1;
            for (int it = 1; it <= iterations; it++) {
                be.copy(v, prev);
                // Gradient step from the extrapolated point y (= v without momentum).
                be.copy(xd, r);
                be.gemm(1, op, y, -1, r);
                be.copy(y, v);
                be.gemm(Transpose.YES, Transpose.NO, -step, op, r, 1, v);
                if (analysis) {
                    be.proxTv(v, p.lambda() * step, v);
                } else {
                    be.softThreshold(v, tau, p.lambda() * step, v, null);
                }
                if (method.momentum()) {
                    double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                    be.copy(v, y);
                    be.scale(1 + (t - 1) / tNext, y);
                    be.axpy(-(t - 1) / tNext, prev, y);
                    t = tNext;
                } else {
                    be.copy(v, y);
                }
                if (trace || it == iterations) {
                    toU(p, v, analysis, u);
                    if (trace) {
                        costs[it] = p.objective(xd, u);
                    }
                }
            }
            if (!trace) {
                costs[0] = p.objective(xd, u);
            }
            return new Result(costs, Uploads.download(be, u));
        }
    }

    private static void toU(TvProblem p, Matrix v, boolean analysis, Matrix u) {
        if (analysis) {
            p.backend().copy(v, u);
        } else {
            p.backend().gemm(1, p.cumulative(), v, 0, u);
        }
    }

    /**
     * Condat–Vu from (u₀, v₀) = (Φ⁺x or 0, 0) with σ = ½ and τ = 1/(ρ/2 + σ‖Δ‖⁴) (CARPET's steps; see
     * {@link CondatVuLayer}), on host arrays: the algorithm the untrained Condat–Vu networks unroll.
     */
    public static Result condatVu(TvProblem p, HostMatrix x, int iterations) {
        p.upload(x).close(); // the shape and finiteness checks
        DualOperators d = p.dual();
        HostMatrix phi = p.operator();
        HostMatrix phiT = phi.transpose();
        HostMatrix delta = d.deltaHost();
        HostMatrix deltaT = delta.transpose();
        double sigma = CondatVuLayer.SIGMA_MIN;
        double tau = CondatVuLayer.primalStep(p, sigma);
        HostMatrix u = p.start() == TvProblem.Start.ZERO ? HostMatrix.zeros(p.length(), x.cols())
                : TvProblem.multiply(TvProblem.pseudoInverse(phi), x);
        HostMatrix v = HostMatrix.zeros(p.length() - 1, x.cols());
        double[] costs = new double[iterations + 1];
        costs[0] = mean(p.perSample(x, u));
        for (int it = 1; it <= iterations; it++) {
            HostMatrix r = minus(TvProblem.multiply(phi, u), x);
            HostMatrix g = plus(TvProblem.multiply(phiT, r), TvProblem.multiply(deltaT, v), 1);
            HostMatrix uNext = plus(u, g, -tau);
            HostMatrix w = plus(SynthesisLayer.scale(uNext, 2), u, -1);
            HostMatrix a = plus(v, TvProblem.multiply(delta, w), sigma);
            v = clamp(a, p.lambda());
            u = uNext;
            costs[it] = mean(p.perSample(x, u));
        }
        return new Result(costs, u);
    }

    /**
     * Chambolle's dual projected gradient from v₀ = 0 with step 1/ℓ, ℓ = ‖Ψ_d‖² (see {@link ChambolleLayer}),
     * each iterate mapped to u = Φ⁺x − Bv, on host arrays. Its fixed point solves the problem when Φ has full
     * column rank (m ≥ k); with fewer measurements the dual is CARPET's approximation and stops above P*.
     */
    public static Result chambolle(TvProblem p, HostMatrix x, int iterations) {
        p.upload(x).close();
        DualOperators d = p.dual();
        HostMatrix psi = d.psiHost();
        HostMatrix psiT = psi.transpose();
        double step = 1 / d.psiNorm2();
        HostMatrix u0 = TvProblem.multiply(TvProblem.pseudoInverse(p.operator()), x);
        HostMatrix v = HostMatrix.zeros(p.length() - 1, x.cols());
        double[] costs = new double[iterations + 1];
        costs[0] = mean(p.perSample(x, u0));
        HostMatrix u = u0;
        for (int it = 1; it <= iterations; it++) {
            HostMatrix r = minus(TvProblem.multiply(psi, v), x);
            v = clamp(plus(v, TvProblem.multiply(psiT, r), -step), p.lambda());
            u = plus(u0, TvProblem.multiply(d.primalHost(), v), -1);
            costs[it] = mean(p.perSample(x, u));
        }
        return new Result(costs, u);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s / v.length;
    }

    /** a + s·b. */
    private static HostMatrix plus(HostMatrix a, HostMatrix b, double s) {
        double[] out = a.values().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += s * b.values()[i];
        }
        return new HostMatrix(a.rows(), a.cols(), out);
    }

    private static HostMatrix minus(HostMatrix a, HostMatrix b) {
        return plus(a, b, -1);
    }

    private static HostMatrix clamp(HostMatrix a, double t) {
        double[] out = a.values().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.clamp(out[i], -t, t);
        }
        return new HostMatrix(a.rows(), a.cols(), out);
    }
}
