package dev.unroll.tck.support;

/**
 * An independent optimality check of the 1-D TV prox u = argmin_v ½‖v − x‖² + λ‖Δv‖₁, from its KKT conditions
 * (docs/science.md §9): u is optimal iff x − u = Δᵀw for a dual w with |w_i| ≤ λ and w_i = λ·sign(u_{i+1} − u_i)
 * wherever u jumps. Given the jump set and signs that a candidate u shows, those conditions fix u in closed
 * form, c_P = mean_P(x) − λ(s_left − s_right)/|P| on each piece P (s the signs of the jumps into and out of
 * P, 0 at the ends), and fix w as the running sum w_i = Σ_{l≤i}(c_l − x_l). So a candidate is certified when
 * it equals its own closed form, the closed form's jumps have the signs assumed, and that w is dual feasible.
 * Nothing here shares code with the taut string, which finds the pieces by a different route (hulls).
 */
public final class TvCertificate {
    private TvCertificate() {
    }

    /** The closed-form values on the pieces (maximal runs of equal values) of {@code u}, for data {@code x}. */
    public static double[] closedForm(double[] x, double[] u, double lambda) {
        int k = x.length;
        double[] c = new double[k];
        double left = 0;
        int start = 0;
        while (start < k) {
            int end = start + 1;
            while (end < k && u[end] == u[start]) {
                end++;
            }
            double right = end < k ? Math.signum(u[end] - u[start]) : 0;
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += x[i];
            }
            double value = (sum - lambda * (left - right)) / (end - start);
            for (int i = start; i < end; i++) {
                c[i] = value;
            }
            left = right;
            start = end;
        }
        return c;
    }

    /**
     * How far {@code c} (a closed form from {@link #closedForm}) is from satisfying the remaining conditions:
     * the largest of |w_i| − λ over the inner knots, |w_{k−1}| (the sum of x − c must vanish) and, at each
     * jump of {@code u}, how far c's jump has the wrong sign (as a magnitude). 0 or less for a certified u.
     */
    public static double violation(double[] x, double[] u, double[] c, double lambda) {
        int k = x.length;
        double w = 0;
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            w += c[i] - x[i];
            worst = Math.max(worst, i < k - 1 ? Math.abs(w) - lambda : Math.abs(w));
            if (i < k - 1 && u[i + 1] != u[i]) {
                double jump = c[i + 1] - c[i];
                double expectedSign = Math.signum(u[i + 1] - u[i]);
                worst = Math.max(worst, -expectedSign * jump);
            }
        }
        return worst;
    }
}
