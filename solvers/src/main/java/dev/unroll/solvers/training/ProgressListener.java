package dev.unroll.solvers.training;

/** Receives progress while a network trains (called on the training thread; keep it quick). */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores every report. */
    ProgressListener NONE = p -> {
    };

    /** One report. */
    void onProgress(TrainingProgress progress);
}
