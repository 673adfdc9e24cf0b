package dev.unroll.engine.spi;

/**
 * Reverse mode of the 1-D prox-TV, by implicit differentiation of its optimality conditions (docs/science.md
 * §5, "Prox-TV backward"). O(k) per signal.
 *
 * <p>Where the jump set S = {i : u_{i+1} ≠ u_i} of u = prox_{λTV}(x) is locally constant, u is constant on
 * each piece P between jumps, with value c_P = mean_P(x) − λ(s_left − s_right)/|P|, where s_left is the sign
 * of the jump into P (0 for the first piece) and s_right the sign of the jump out of it (0 for the last).
 * Hence ∂u/∂x averages within each piece (the projection onto signals constant on the pieces, L_S H_S L_Sᵀ
 * of the reference) and ∂c_P/∂λ = −(s_left − s_right)/|P|. The reference forms (L_SᵀL_S)⁻¹ per sample;
 * the pieces make that inverse explicit, so no linear solve is needed.
 *
 * <p>The pieces are read off u as runs of exactly equal values: {@link TautString} writes one value per
 * piece, and two neighbouring pieces that happen to be equal have no jump between them, so they form one
 * piece here as in the reference (a zero jump is outside S).
 */
public final class TautStringBackward {
    private TautStringBackward() {
    }

    /**
     * For one signal: from u = prox (the forward output) and ḡ = ∂ℓ/∂u, writes ∂ℓ/∂x into
     * {@code gradX[gOff .. gOff+k)} and returns ∂ℓ/∂λ. {@code gradX} may be {@code gradOut}.
     */
    public static double backward(double[] u, int uOff, double[] gradOut, int gOff, int k, double[] gradX, int xOff) {
        double gradLambda = 0;
        int start = 0;
        double leftSign = 0;
        while (start < k) {
            int end = start + 1;
            double value = u[uOff + start];
            while (end < k && u[uOff + end] == value) {
                end++;
            }
            double rightSign = end < k ? Math.signum(u[uOff + end] - value) : 0;
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += gradOut[gOff + i];
            }
            int size = end - start;
            double mean = sum / size;
            for (int i = start; i < end; i++) {
                gradX[xOff + i] = mean;
            }
            // ⟨ḡ_P, ∂c_P/∂λ·1⟩ = sum · (−(s_left − s_right)/|P|).
            gradLambda -= mean * (leftSign - rightSign);
            leftSign = rightSign;
            start = end;
        }
        return gradLambda;
    }

    /**
     * The backward pass for every column of column-major k×b arrays; returns ∂ℓ/∂λ summed over the columns
     * (λ is shared by the batch).
     */
    public static double backwardColumns(double[] u, double[] gradOut, int k, int b, double[] gradX) {
        double gradLambda = 0;
        for (int j = 0; j < b; j++) {
            gradLambda += backward(u, j * k, gradOut, j * k, k, gradX, j * k);
        }
        return gradLambda;
    }
}
