package dev.unroll.solvers.iterative;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import java.util.Arrays;

/**
 * The columns of a batch that are still iterating, kept in front of the work matrices so that every product
 * of the next iteration runs on the first {@link #active()} columns only. A column whose signal converged is
 * swapped behind them and never touched again: its code is frozen, so it cannot depend on how long the rest
 * of the batch runs. Records per signal the iterations it ran and whether it converged, and at the end puts
 * the codes back in signal order. One per solver, reused from call to call.
 */
final class ActiveColumns implements AutoCloseable {
    private final Backend be;
    private final int[] signalAt;
    private final int[] positionOf;
    private final int[] iterations;
    private final boolean[] converged;
    private final boolean[] done;
    private final Matrix spareSignal;
    private final Matrix spareCode;
    private int batch;
    private int active;

    ActiveColumns(Backend be, DType dtype, int n, int m, int capacity) {
        this.be = be;
        this.signalAt = new int[capacity];
        this.positionOf = new int[capacity];
        this.iterations = new int[capacity];
        this.converged = new boolean[capacity];
        this.done = new boolean[capacity];
        this.spareSignal = be.allocate(dtype, n, 1);
        Matrix code = null;
        try {
            code = be.allocate(dtype, m, 1);
        } finally {
            if (code == null) {
                spareSignal.close();
            }
        }
        this.spareCode = code;
    }

    /** Starts a batch of {@code b} signals, all active, in signal order. */
    void reset(int b) {
        batch = b;
        active = b;
        for (int j = 0; j < b; j++) {
            signalAt[j] = j;
            positionOf[j] = j;
        }
        Arrays.fill(iterations, 0, b, 0);
        Arrays.fill(converged, 0, b, false);
    }

    /** How many columns still iterate (they are the first ones). */
    int active() {
        return active;
    }

    /** The signal whose column is at work position {@code position}. */
    int signalAt(int position) {
        return signalAt[position];
    }

    /** Flags per work position for the stopping test to fill (length ≥ {@link #active()}). */
    boolean[] done() {
        return done;
    }

    /**
     * Retires every active column flagged in {@link #done()} after {@code iteration} iterations: it is
     * swapped behind the active ones in each of {@code kept} (matrices whose frozen columns keep their values:
     * the codes and the signals), and the last active column moves into its place in each of {@code carried}
     * (state only active columns need, such as FISTA's extrapolated point).
     */
    void retire(int iteration, Matrix[] kept, Matrix[] carried) {
        // From the back: every column behind j is then still active, so the one moved into j needs no test.
        for (int j = active - 1; j >= 0; j--) {
            if (!done[j]) {
                continue;
            }
            int s = signalAt[j];
            iterations[s] = iteration;
            converged[s] = true;
            int last = active - 1;
            if (j != last) {
                for (Matrix w : kept) {
                    swap(w, j, last);
                }
                for (Matrix w : carried) {
                    be.copy(w.columns(last, last + 1), w.columns(j, j + 1));
                }
                int t = signalAt[last];
                signalAt[j] = t;
                positionOf[t] = j;
                signalAt[last] = s;
                positionOf[s] = last;
            }
            active--;
        }
    }

    /**
     * Ends the run after {@code ran} iterations (the columns still active ran them all) and puts the columns
     * of {@code codes} back in signal order.
     */
    IterativeResult finish(double[] costs, int ran, Matrix codes) {
        for (int j = 0; j < active; j++) {
            iterations[signalAt[j]] = ran;
        }
        for (int s = 0; s < batch; s++) {
            int p = positionOf[s];
            if (p != s) {
                swap(codes, s, p);
                int t = signalAt[s];
                signalAt[p] = t;
                positionOf[t] = p;
                signalAt[s] = s;
                positionOf[s] = s;
            }
        }
        return new IterativeResult(Arrays.copyOf(costs, ran + 1), Arrays.copyOf(iterations, batch),
                Arrays.copyOf(converged, batch));
    }

    private void swap(Matrix w, int i, int j) {
        Matrix spare = w.rows() == spareCode.rows() ? spareCode : spareSignal;
        Matrix a = w.columns(i, i + 1);
        Matrix b = w.columns(j, j + 1);
        be.copy(a, spare);
        be.copy(b, a);
        be.copy(spare, b);
    }

    @Override
    public void close() {
        spareSignal.close();
        spareCode.close();
    }
}
