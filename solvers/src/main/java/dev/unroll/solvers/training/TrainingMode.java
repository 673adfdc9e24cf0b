package dev.unroll.solvers.training;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Parametrization;
import java.util.Locale;

/**
 * Which layers are trained when (ADOPTY's {@code per_layer}, docs/science.md §4.1).
 */
public enum TrainingMode {
    /** The whole network at once. */
    ONESHOT,
    /** For k = 1..T: the sub-network of the first k layers, its output at layer k. */
    RECURSIVE,
    /** For k = 1..T: only the layers ≤ k, the loss at the output of the whole network. */
    GREEDY,
    /** ONESHOT for SLISTA ({@code step}), RECURSIVE otherwise, as the reference's default. */
    AUTO;

    /** The concrete mode for {@code p} (AUTO resolved). */
    public TrainingMode resolve(Parametrization p) {
        if (this != AUTO) {
            return this;
        }
        return p == Parametrization.STEP ? ONESHOT : RECURSIVE;
    }

    /** Lower-case name, as the command line spells it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code id}: oneshot, recursive, greedy or auto. */
    public static TrainingMode fromId(String id) {
        for (TrainingMode m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new InvalidArgumentException("unknown training mode '" + id + "'; expected one of oneshot, recursive, "
                + "greedy, auto");
    }
}
