package dev.unroll.engine.spi;

/**
 * The exact proximal operator of 1-D total variation, {@code prox(x) = argmin_u ½‖u − x‖² + λ Σ_i |u_{i+1} − u_i|},
 * by the taut-string method in O(k) per signal (docs/science.md §9, §5).
 *
 * <p>The idea: with r_i = x_1 + … + x_i the running sum, the prox is the slope sequence of the shortest
 * path ("taut string") from (0, 0) to (k, r_k) that stays inside the tube |s_i − r_i| ≤ λ at the inner
 * knots i = 1..k−1. The path is built left to right. Two hulls are kept from the last fixed knot (the
 * origin): the concave majorant of the tube's lower edge and the convex minorant of its upper edge. As long
 * as the minorant's first slope is at least the majorant's, one straight piece from the origin can still
 * pass through everything seen; once they cross, the shorter of the two first pieces is part of the string
 * for good: it is written out and its end becomes the new origin. Each point enters and leaves a hull once,
 * hence linear time.
 *
 * <p>A kernel: it assumes valid input (finite values, λ ≥ 0, arrays long enough); the front doors check.
 * Stateless apart from the scratch arrays it owns, so one instance serves one thread; {@link #prox} on a
 * fresh instance per call is also fine for small k.
 *
 * <p>The one definition of the 1-D prox-TV in the project: {@link BackendKernels#proxTv}'s reference, the
 * host default every backend inherits and cpu-vector's per-column kernel all call it, always in double (an
 * F32 column is widened, solved and rounded once on store), so backends agree bit for bit. The algorithm is
 * sequential along a signal (each merge depends on the hulls so far); the parallelism is over signals.
 */
public final class TautString {
    // The two hulls as deques of segments: horizontal extent (integer), vertical extent and slope. The
    // slope is stored rather than recomputed so a merged segment's value is one division, and a written
    // segment's entries are bit-identical (which the backward pass relies on to find the pieces).
    private int[] majDx = new int[0];
    private double[] majDy = new double[0];
    private double[] majSlope = new double[0];
    private int[] minDx = new int[0];
    private double[] minDy = new double[0];
    private double[] minSlope = new double[0];
    private int majFirst;
    private int majLast;
    private int minFirst;
    private int minLast;

    /** A solver with no scratch yet; it grows to the longest signal it sees. */
    public TautString() {
    }

    /**
     * Writes prox_{λTV}(x) for the signal {@code x[xOff .. xOff+k)} into {@code out[outOff .. outOff+k)}.
     * {@code out} may be {@code x} at the same offset.
     */
    public void prox(double[] x, int xOff, int k, double lambda, double[] out, int outOff) {
        if (k <= 0) {
            return;
        }
        if (lambda <= 0 || k == 1) {
            System.arraycopy(x, xOff, out, outOff, k);
            return;
        }
        ensure(k);
        majFirst = 0;
        majLast = -1;
        minFirst = 0;
        minLast = -1;
        // The first piece ends at the tube's lower edge (majorant) or upper edge (minorant) at i = 1.
        pushMajorant(1, x[xOff] - lambda);
        pushMinorant(1, x[xOff] + lambda);
        int originX = 0;
        double originY = 0;
        int lastX = 1;
        double lastY = x[xOff];
        int write = outOff;
        for (int i = 1; i < k - 1; i++) {
            double xi = x[xOff + i];
            addToMajorant(1, xi);
            addToMinorant(1, xi);
            lastX++;
            lastY += xi;
            while (minSlope[minFirst] < majSlope[majFirst]) {
                // The hulls cross: the shorter first piece is final. The other hull restarts as one piece
                // from the new knot to the tube's edge at the last point read.
                if (minDx[minFirst] < majDx[majFirst]) {
                    int dx = minDx[minFirst];
                    double dy = minDy[minFirst];
                    double slope = minSlope[minFirst];
                    minFirst++;
                    originX += dx;
                    originY += dy;
                    majFirst = 0;
                    majLast = -1;
                    int rdx = lastX - originX;
                    double rdy = lastY - lambda - originY;
                    pushMajorant(rdx, rdy, rdy / rdx);
                    for (int j = 0; j < dx; j++) {
                        out[write++] = slope;
                    }
                } else {
                    int dx = majDx[majFirst];
                    double dy = majDy[majFirst];
                    double slope = majSlope[majFirst];
                    majFirst++;
                    originX += dx;
                    originY += dy;
                    minFirst = 0;
                    minLast = -1;
                    int rdx = lastX - originX;
                    double rdy = lastY + lambda - originY;
                    pushMinorant(rdx, rdy, rdy / rdx);
                    for (int j = 0; j < dx; j++) {
                        out[write++] = slope;
                    }
                }
            }
        }
        // The end point (k, r_k) is pinned: both edges meet there, so the last piece of each hull moves by ±λ.
        double xLast = x[xOff + k - 1];
        addToMajorant(1, xLast + lambda);
        addToMinorant(1, xLast - lambda);
        // Both hulls now end at the same point; one of them is a single straight piece and the other is the
        // rest of the string.
        boolean majorantLonger = majLast - majFirst > minLast - minFirst;
        if (majorantLonger) {
            for (int s = majFirst; s <= majLast; s++) {
                for (int j = 0; j < majDx[s]; j++) {
                    out[write++] = majSlope[s];
                }
            }
        } else {
            for (int s = minFirst; s <= minLast; s++) {
                for (int j = 0; j < minDx[s]; j++) {
                    out[write++] = minSlope[s];
                }
            }
        }
    }

    /** {@code prox} of every column of the column-major k×b array {@code x}, into {@code out} (may be x). */
    public void proxColumns(double[] x, int k, int b, double lambda, double[] out) {
        for (int j = 0; j < b; j++) {
            prox(x, j * k, k, lambda, out, j * k);
        }
    }

    private void ensure(int k) {
        if (majDx.length < k) {
            majDx = new int[k];
            majDy = new double[k];
            majSlope = new double[k];
            minDx = new int[k];
            minDy = new double[k];
            minSlope = new double[k];
        }
    }

    private void pushMajorant(int dx, double dy) {
        pushMajorant(dx, dy, dy / dx);
    }

    private void pushMajorant(int dx, double dy, double slope) {
        majLast++;
        majDx[majLast] = dx;
        majDy[majLast] = dy;
        majSlope[majLast] = slope;
    }

    private void pushMinorant(int dx, double dy) {
        pushMinorant(dx, dy, dy / dx);
    }

    private void pushMinorant(int dx, double dy, double slope) {
        minLast++;
        minDx[minLast] = dx;
        minDy[minLast] = dy;
        minSlope[minLast] = slope;
    }

    /** Appends a piece to the concave majorant, merging back while the slopes would increase. */
    private void addToMajorant(int dx, double dy) {
        double slope = dy / dx;
        if (majLast >= majFirst && slope > majSlope[majLast]) {
            do {
                dx += majDx[majLast];
                dy += majDy[majLast];
                majLast--;
            } while (majLast >= majFirst && dy > dx * majSlope[majLast]);
            slope = dy / dx;
        }
        pushMajorant(dx, dy, slope);
    }

    /** Appends a piece to the convex minorant, merging back while the slopes would decrease. */
    private void addToMinorant(int dx, double dy) {
        double slope = dy / dx;
        if (minLast >= minFirst && slope < minSlope[minLast]) {
            do {
                dx += minDx[minLast];
                dy += minDy[minLast];
                minLast--;
            } while (minLast >= minFirst && dy < dx * minSlope[minLast]);
            slope = dy / dx;
        }
        pushMinorant(dx, dy, slope);
    }
}
