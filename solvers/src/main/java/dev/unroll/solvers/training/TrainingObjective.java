package dev.unroll.solvers.training;

/** What training minimises. */
public enum TrainingObjective {
    /** The Lasso objective F(z_T) averaged over samples: no ground truth needed (the NeurIPS 2019 protocol). */
    UNSUPERVISED,
    /** ½‖z_T − z*‖² averaged over samples, against given target codes (VITA's protocol). */
    SUPERVISED
}
