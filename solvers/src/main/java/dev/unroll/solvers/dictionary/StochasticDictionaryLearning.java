package dev.unroll.solvers.dictionary;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stochastic DDL (PLIPY {@code ddl_sto.py}, docs/science.md §8): shuffled mini-batches, one Armijo backtracking
 * step per mini-batch (F_new &lt; F − c·η·‖∇‖², trial point p₀ − β·η·∇, atoms renormalised), η reset to η_max
 * in the first epoch of each phase and multiplied by γ^(mbs/batch) before every later search; the search
 * does not carry the accepted η over (PLIPY returns the η it started from). Two deliberate differences from
 * PLIPY: the unrolled solver is the one the options name (PLIPY's constructor bug always runs ISTA,
 * docs/science.md §10.4), and a search that runs out of steps (η &lt; 1e-20) restores the parameters.
 */
public final class StochasticDictionaryLearning {
    private StochasticDictionaryLearning() {
    }

    /** Learns a dictionary from {@code data} (n×B) starting at {@code init}; losses are per mini-batch (sums). */
    public static DlResult fit(Backend backend, HostMatrix data, HostMatrix init, DlOptions options,
                               StochasticOptions schedule) {
        DictionaryLearning.check(backend, data, init, options);
        int total = data.cols();
        int mbs = Math.min(schedule.miniBatch(), total);
        int perEpoch = schedule.iterationsPerEpoch() == 0 ? (total + mbs - 1) / mbs : schedule.iterationsPerEpoch();
        double batchSize = schedule.iterationsPerEpoch() == 0 ? total : (double) mbs * perEpoch;
        double c = Double.isNaN(schedule.armijo()) ? 10.0 / mbs : schedule.armijo();
        HostMatrix d = new HostMatrix(init.rows(), init.cols(), init.values().clone());
        UnitNorm.normalizeColumns(d);
        double[] s = new double[options.iterations()];
        Arrays.fill(s, 1);
        List<Double> losses = new ArrayList<>();
        NumpyRandom rng = new NumpyRandom(schedule.seed());
        int n = data.rows();
        int steps = 0;
        int stepPhaseStart = -1;
        try (DlObjective objective = new DlObjective(backend, options, n, d.cols(), mbs);
             Matrix buffer = backend.allocate(options.dtype(), n, mbs)) {
            double[] gD = new double[d.values().length];
            double[] gS = new double[s.length];
            int phases = options.method() == DlMethod.DDL_STEP ? 2 : 1;
            for (int phase = 0; phase < phases; phase++) {
                boolean learnSteps = phase == 1;
                if (learnSteps) {
                    stepPhaseStart = losses.size();
                }
                int epochs = learnSteps ? schedule.stepEpochs() : schedule.epochs();
                double eta = schedule.etaMax();
                for (int epoch = 0; epoch < epochs; epoch++) {
                    int[] order = rng.permutation(total);
                    for (int it = 0; it < perEpoch && it * mbs < total; it++) {
                        int from = it * mbs;
                        int count = Math.min(mbs, total - from);
                        Matrix x = buffer.columns(0, count);
                        Uploads.write(backend, gather(data, order, from, count), x);
                        double loss = objective.gradient(d, s, x, options.effectiveDepth(), gD, learnSteps ? gS : null);
                        losses.add(loss);
                        steps++;
                        eta = epoch == 0 ? schedule.etaMax() : eta * Math.pow(schedule.gamma(), mbs / batchSize);
                        double norm2 = squaredNorm(gD) + (learnSteps ? squaredNorm(gS) : 0);
                        armijo(objective, x, d, s, gD, learnSteps ? gS : null, eta, loss, c * norm2, schedule.beta());
                    }
                }
            }
        }
        return new DlResult(d, s, losses.stream().mapToDouble(Double::doubleValue).toArray(), steps, stepPhaseStart);
    }

    private static void armijo(DlObjective objective, Matrix x, HostMatrix d, double[] s, double[] gD, double[] gS,
                               double start, double loss, double slope, double beta) {
        double[] d0 = d.values().clone();
        double[] s0 = s.clone();
        double eta = start;
        while (eta >= 1e-20) {
            DictionaryLearning.move(d0, gD, beta * eta, d.values());
            UnitNorm.normalizeColumns(d);
            if (gS != null) {
                DictionaryLearning.move(s0, gS, beta * eta, s);
            }
            if (objective.value(d, s, x) < loss - eta * slope) {
                return;
            }
            eta *= beta;
        }
        System.arraycopy(d0, 0, d.values(), 0, d0.length);
        System.arraycopy(s0, 0, s, 0, s0.length);
    }

    private static HostMatrix gather(HostMatrix data, int[] order, int from, int count) {
        int n = data.rows();
        double[] out = new double[n * count];
        for (int j = 0; j < count; j++) {
            System.arraycopy(data.values(), order[from + j] * n, out, j * n, n);
        }
        return new HostMatrix(n, count, out);
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
