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
 * reference optimum P*. FISTA returns the prox point, not the extrapolated one (SCIENCE.md §2).
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
            TautString ts = new TautString();
            double t = 1;
            for (int it = 1; it <= iterations; it++) {
                be.copy(v, prev);
                // Gradient step from the extrapolated point y (= v without momentum).
                be.copy(xd, r);
                be.gemm(1, op, y, -1, r);
                be.copy(y, v);
                be.gemm(Transpose.YES, Transpose.NO, -step, op, r, 1, v);
                if (analysis) {
                    double[] a = HostBridge.read(v);
                    ts.proxColumns(a, k, b, p.lambda() * step, a);
                    HostBridge.write(a, v);
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
}
