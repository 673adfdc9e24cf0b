package dev.unroll.solvers.service;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.iterative.IterativeResult;
import java.util.Arrays;

/**
 * What a {@link Solver} did to each signal of a batch call ({@link Solver#encode(HostMatrix, SignalReport)}):
 * for ISTA/FISTA the iterations it ran and whether it converged (its duality gap met the tolerance); for a
 * network its T layers (a network has no tolerance: converged is false) and, when safeguarded, at how many
 * layers it took the ISTA step instead of the learned one.
 */
public final class SignalReport {
    private final int[] iterations;
    private final boolean[] converged;
    private final int[] safeguardSteps;

    private SignalReport(int count) {
        iterations = new int[count];
        converged = new boolean[count];
        safeguardSteps = new int[count];
    }

    /** An empty report for a batch of {@code count} signals. */
    public static SignalReport forSignals(int count) {
        if (count < 0) {
            throw new InvalidArgumentException("a report needs a signal count ≥ 0, but got " + count);
        }
        return new SignalReport(count);
    }

    /** How many signals it holds. */
    public int signals() {
        return iterations.length;
    }

    /** The iterations (ISTA/FISTA) or layers (network) signal {@code j} ran. */
    public int iterations(int j) {
        return iterations[j];
    }

    /** Whether signal {@code j} met the tolerance before the iteration budget ran out. */
    public boolean converged(int j) {
        return converged[j];
    }

    /** At how many layers signal {@code j} took the ISTA step (safeguarded networks; 0 otherwise). */
    public int safeguardSteps(int j) {
        return safeguardSteps[j];
    }

    /** How many signals converged. */
    public int convergedCount() {
        int count = 0;
        for (boolean c : converged) {
            count += c ? 1 : 0;
        }
        return count;
    }

    /** The per-signal iteration counts, sorted (for medians and maxima). */
    public int[] sortedIterations() {
        int[] sorted = iterations.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    /** How many (signal, layer) pairs took the ISTA step. */
    public long totalSafeguardSteps() {
        long sum = 0;
        for (int s : safeguardSteps) {
            sum += s;
        }
        return sum;
    }

    /** How many signals took the ISTA step at least once. */
    public int safeguardedSignals() {
        int count = 0;
        for (int s : safeguardSteps) {
            count += s > 0 ? 1 : 0;
        }
        return count;
    }

    void recordIterative(int offset, IterativeResult result) {
        System.arraycopy(result.signalIterations(), 0, iterations, offset, result.signalIterations().length);
        System.arraycopy(result.signalConverged(), 0, converged, offset, result.signalConverged().length);
    }

    void recordLayers(int offset, int count, int layers) {
        Arrays.fill(iterations, offset, offset + count, layers);
    }

    int[] safeguardStepsArray() {
        return safeguardSteps;
    }
}
