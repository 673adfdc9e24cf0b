package dev.unroll.bench.protocol;

import java.util.ArrayList;
import java.util.List;

import dev.unroll.solvers.training.ProgressListener;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingProgress;

/**
 * Times a line-search fit from the trainer's progress reports (one at the start, then one per accepted
 * iteration, each with the learning rate in use), and counts its forward passes without touching the
 * trainer: after an accepted iteration the rate is min(4·previous, cap) halved once per rejected trial, and
 * every trial is one forward pass. The first accepted iteration is left out of the window, as the PyTorch
 * peer leaves out its first (both pay one-off costs there).
 */
final class LineSearchTiming implements ProgressListener {
    private final List<Double> seconds = new ArrayList<>();
    private final List<Double> rates = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();

    @Override
    public void onProgress(TrainingProgress p) {
        seconds.add(p.elapsed().toNanos() / 1e9);
        rates.add(p.learningRate());
        losses.add(p.loss());
    }

    /** Accepted iterations in the window (all but the first). */
    int accepted() {
        return Math.max(0, rates.size() - 2);
    }

    /** Wall seconds of the window. */
    double seconds() {
        return accepted() == 0 ? Double.NaN : seconds.getLast() - seconds.get(1);
    }

    /** Forward passes in the window: one per accepted iteration plus one per rejected trial. */
    long forwardPasses() {
        long passes = 0;
        for (int k = 2; k < rates.size(); k++) {
            double grown = Math.min(TrainingOptions.LINE_SEARCH_GROWTH * rates.get(k - 1),
                    TrainingOptions.LINE_SEARCH_MAX_RATE);
            passes += 1 + Math.round(Math.log(grown / rates.get(k)) / Math.log(2));
        }
        return passes;
    }

    double firstLoss() {
        return losses.getFirst();
    }

    double finalLoss() {
        return losses.getLast();
    }
}
