package dev.unroll.solvers.dictionary;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/** The training signals uploaded once to a backend: the single-machine {@link DlLoss}. */
final class HostDlLoss implements DlLoss {
    private final DlObjective objective;
    private final Matrix x;

    /** For an n×m dictionary learned from {@code data} (n×B). */
    HostDlLoss(Backend backend, DlOptions options, HostMatrix data, int atoms) {
        this.objective = new DlObjective(backend, options, data.rows(), atoms, data.cols());
        try {
            this.x = Uploads.upload(backend, options.dtype(), data);
        } catch (RuntimeException e) {
            objective.close();
            throw e;
        }
    }

    @Override
    public double value(HostMatrix d, double[] s) {
        return objective.value(d, s, x);
    }

    @Override
    public double gradient(HostMatrix d, double[] s, int depth, double[] gD, double[] gS) {
        return objective.gradient(d, s, x, depth, gD, gS);
    }

    @Override
    public void close() {
        objective.close();
        x.close();
    }
}
