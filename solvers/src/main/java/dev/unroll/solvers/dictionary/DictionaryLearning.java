package dev.unroll.solvers.dictionary;

import dev.unroll.engine.Backend;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Full-batch dictionary learning min_{‖D_k‖=1} F(D, z_N(D)) (ICLR 2022, PLIPY {@code training_process} and
 * {@code line_search}, docs/science.md §8): every outer iteration computes the loss and a gradient estimate
 * (g¹ for AM, g² with full or truncated back-propagation for DDL), then backtracks:
 * <ol>
 * <li>p ← p₀ − ½·t·∇p (D, and the steps in DDL+step's second phase); atoms renormalised to norm 1; L recomputed;</li>
 * <li>accepted when the loss is strictly below the current one, otherwise t ← t/2 and retry from p₀;</li>
 * <li>below t = 1e-20 the parameters are restored and the phase ends;</li>
 * <li>the next search starts at min(10t, 1e4), the first at 1.</li>
 * </ol>
 * A phase ends when |ΔF|/F &lt; tolerance or after {@code maxIterations}; DDL+step then starts a second phase
 * that learns the steps too.
 */
public final class DictionaryLearning {
    private static final double BETA = 0.5;

    private DictionaryLearning() {
    }

    /**
     * Learns a dictionary from {@code data} (n×B signals) starting at {@code init} (n×m, renormalised first).
     */
    public static DlResult fit(Backend backend, HostMatrix data, HostMatrix init, DlOptions options) {
        check(backend, data, init, options);
        try (HostDlLoss loss = new HostDlLoss(backend, options, data, init.cols())) {
            return fit(loss, init, options);
        }
    }

    /**
     * Learns a dictionary on the training signals behind {@code objective} (signals of dimension
     * {@code init.rows()}, wherever they are) starting at {@code init} (n×m, finite; renormalised first). The
     * same rules as for signals on one backend, so a loss that sums over a cluster learns the same dictionary
     * to rounding.
     */
    public static DlResult fit(DlLoss objective, HostMatrix init, DlOptions options) {
        if (objective == null || init == null || options == null) {
            throw new InvalidArgumentException("dictionary learning needs a loss, an initial dictionary and options");
        }
        init.requireFinite("the initial dictionary");
        HostMatrix d = new HostMatrix(init.rows(), init.cols(), init.values().clone());
        UnitNorm.normalizeColumns(d);
        double[] s = new double[options.iterations()];
        Arrays.fill(s, 1);
        List<Double> losses = new ArrayList<>();
        int outer = 0;
        int stepPhaseStart = -1;
        double[] gD = new double[d.values().length];
        double[] gS = new double[s.length];
        double step = 1;
        boolean stepPhase = false;
        int inPhase = 0;
        double oldLoss = Double.NaN;
        while (true) {
            double loss = objective.gradient(d, s, options.effectiveDepth(), gD, stepPhase ? gS : null);
            losses.add(loss);
            outer++;
            inPhase++;
            SearchOutcome o = lineSearch(objective, d, s, gD, stepPhase ? gS : null, step, loss);
            step = o.nextStep;
            boolean end = o.end;
            if (!Double.isNaN(oldLoss) && Math.abs(oldLoss - loss) / oldLoss < options.tolerance()) {
                end = true;
            }
            if (inPhase >= options.maxIterations()) {
                end = true;
            }
            oldLoss = loss;
            if (end && !stepPhase && options.method() == DlMethod.DDL_STEP) {
                stepPhase = true;
                stepPhaseStart = losses.size();
                step = 1;
                inPhase = 0;
                oldLoss = Double.NaN;
                continue;
            }
            if (end) {
                break;
            }
        }
        losses.add(objective.value(d, s));
        return new DlResult(d, s, losses.stream().mapToDouble(Double::doubleValue).toArray(), outer, stepPhaseStart);
    }

    record SearchOutcome(double nextStep, boolean end) {
    }

    /** PLIPY's backtracking line search; moves (d, s) in place to the accepted point. */
    static SearchOutcome lineSearch(DlLoss objective, HostMatrix d, double[] s, double[] gD, double[] gS,
                                    double start, double loss) {
        double[] d0 = d.values().clone();
        double[] s0 = s.clone();
        double t = start;
        while (true) {
            move(d0, gD, BETA * t, d.values());
            UnitNorm.normalizeColumns(d);
            if (gS != null) {
                move(s0, gS, BETA * t, s);
            }
            double current = objective.value(d, s);
            if (current < loss) {
                return new SearchOutcome(Math.min(10 * t, 1e4), false);
            }
            t *= BETA;
            if (t < 1e-20) {
                System.arraycopy(d0, 0, d.values(), 0, d0.length);
                System.arraycopy(s0, 0, s, 0, s0.length);
                return new SearchOutcome(Math.min(10 * t, 1e4), true);
            }
        }
    }

    static void move(double[] from, double[] grad, double stepSize, double[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i] - stepSize * grad[i];
        }
    }

    static void check(Backend backend, HostMatrix data, HostMatrix init, DlOptions options) {
        if (backend == null || data == null || init == null || options == null) {
            throw new InvalidArgumentException("dictionary learning needs a backend, data, an initial dictionary and "
                    + "options");
        }
        if (data.rows() != init.rows() || data.cols() < 1) {
            throw new ShapeMismatchException("the data (" + data.rows() + "×" + data.cols() + ") must have as many rows "
                    + "as the dictionary (" + init.rows() + "×" + init.cols() + ") and at least one column");
        }
        data.requireFinite("the training signals");
        init.requireFinite("the initial dictionary");
    }
}
