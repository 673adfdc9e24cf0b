package dev.unroll.solvers.service;

import dev.unroll.engine.Matrix;

/** Computes codes for a batch already on the backend: what a {@link Solver} runs per dispatch. */
interface BatchEncoder extends AutoCloseable {
    /**
     * The codes of the signals {@code x} (n×b) into {@code z} (m×b), with {@code workspace}'s scratch; when
     * {@code report} is not null, what was done to signal j goes to its entry {@code offset + j}.
     */
    void encode(Matrix x, Matrix z, Object workspace, SignalReport report, int offset);

    /** Per-thread scratch for batches of up to {@code capacity} signals (or null when none is needed). */
    AutoCloseable newWorkspace(int capacity);

    @Override
    void close();
}
