package dev.unroll.solvers.training;

import java.util.ArrayList;
import java.util.List;

/**
 * One stage of a training run: the loss is taken at the output of layer {@code outputLayers}, only layers
 * below {@code trainableLayers} move, for at most {@code iterations} steps.
 */
record Stage(int outputLayers, int trainableLayers, int iterations) {

    /** The stages of {@code mode} for a T-layer network and a total budget, split as ADOPTY splits it. */
    static List<Stage> plan(TrainingMode mode, int layers, int budget) {
        List<Stage> stages = new ArrayList<>();
        if (mode == TrainingMode.ONESHOT) {
            stages.add(new Stage(layers, layers, budget));
            return stages;
        }
        // diff(linspace(0, budget, T + 1).astype(int)): the budget split in T near-equal integer parts.
        int previous = 0;
        for (int k = 1; k <= layers; k++) {
            int upto = (int) Math.floor((double) budget * k / layers);
            int share = upto - previous;
            previous = upto;
            stages.add(mode == TrainingMode.RECURSIVE ? new Stage(k, k, share) : new Stage(layers, k, share));
        }
        return stages;
    }
}
