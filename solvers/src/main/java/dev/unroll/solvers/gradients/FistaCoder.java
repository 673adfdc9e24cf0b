package dev.unroll.solvers.gradients;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unrolled FISTA (PLIPY's forward: x_i = ST(y_{i−1} − α_i Dᵀ(D y_{i−1} − X), λα_i),
 * y_i = x_i + β_i(x_i − x_{i−1}), β_i = (t_{i−1} − 1)/t_i, output y_N) with its reverse mode written on the
 * backend's GEMM, soft-threshold and axpy. The SPI has no unrolled FISTA kernel, so the recorded window
 * keeps x_{N−K}, …, x_N and y_{N−K} on the backend; each y_{i−1} is rebuilt from two x's in the backward
 * pass. With ū = M_i ⊙ x̄_i (M_i = 1{x_i ≠ 0}, the strict threshold mask) one iteration back is
 * <pre>
 *   D̄ += −α_i (r_i ūᵀ + (Dū) y_{i−1}ᵀ),  r_i = D y_{i−1} − X
 *   ᾱ_i = ⟨ū, x_i − y_{i−1}⟩ / α_i        (on the support ∂x_i/∂α_i = (x_i − y_{i−1})/α_i)
 *   ȳ_{i−1} = ū − α_i Dᵀ(Dū)
 *   x̄_{i−1} = (1 + β_{i−1}) ȳ_{i−1} − β_i ȳ_i
 * </pre>
 * The mask product ū = M ⊙ x̄ is the backend's soft-threshold reverse at τ = 0 (whose mask is 1{x_i ≠ 0}), so
 * the whole reverse pass stays on the backend: nothing of size m·B crosses to the host.
 */
final class FistaCoder implements UnrolledCoder {
    private final Backend be;
    private final int n;
    private final int m;
    private final int capacity;
    private final int iterations;
    private final int recordDepth;
    private final List<Matrix> owned = new ArrayList<>();
    private final Matrix[] window;
    private final Matrix[] rotation;
    private final Matrix yStart;
    private final Matrix y;
    private final Matrix r;
    private final Matrix u;
    private final Matrix yPrev;
    private final Matrix yBar;
    private final Matrix xBar;
    private final Matrix carry;
    private final Matrix du;
    private final double[] beta;
    private double[] alphas;
    private Matrix d;
    private Matrix x;
    private int batch;
    private boolean recorded;

    FistaCoder(Backend be, DType dtype, int n, int m, int capacity, int iterations, int recordDepth) {
        this.be = be;
        this.n = n;
        this.m = m;
        this.capacity = capacity;
        this.iterations = iterations;
        this.recordDepth = recordDepth;
        try {
            window = new Matrix[recordDepth + 1];
            for (int j = 0; j <= recordDepth; j++) {
                window[j] = alloc(dtype, m);
            }
            rotation = new Matrix[]{alloc(dtype, m), alloc(dtype, m)};
            yStart = alloc(dtype, m);
            y = alloc(dtype, m);
            r = alloc(dtype, n);
            u = alloc(dtype, m);
            yPrev = alloc(dtype, m);
            yBar = alloc(dtype, m);
            xBar = alloc(dtype, m);
            carry = alloc(dtype, m);
            du = alloc(dtype, n);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        beta = new double[iterations + 1];
        double t = 1;
        for (int i = 1; i <= iterations; i++) {
            double next = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            beta[i] = (t - 1) / next;
            t = next;
        }
    }

    private Matrix alloc(DType dtype, int rows) {
        Matrix mat = be.allocate(dtype, rows, capacity);
        owned.add(mat);
        return mat;
    }

    private Matrix cols(Matrix mat) {
        return mat.columns(0, batch);
    }

    /** Where x_i lives: in the recorded window for i ≥ N − K, else in one of two rotating buffers. */
    private Matrix xAt(int i) {
        int first = iterations - recordDepth;
        return cols(i >= first ? window[i - first] : rotation[i & 1]);
    }

    @Override
    public UnrolledAlgorithm algorithm() {
        return UnrolledAlgorithm.FISTA;
    }

    @Override
    public int iterations() {
        return iterations;
    }

    @Override
    public int recordDepth() {
        return recordDepth;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void forward(Matrix dictionary, Matrix signals, double lambda, double[] steps) {
        CoderChecks.forwardArguments(dictionary, signals, lambda, steps, n, m, capacity, iterations);
        this.d = dictionary;
        this.x = signals;
        this.alphas = steps.clone();
        this.batch = signals.cols();
        int first = iterations - recordDepth;
        Matrix yv = cols(y);
        Matrix rv = cols(r);
        Matrix uv = cols(u);
        be.fill(xAt(0), 0);
        be.fill(yv, 0);
        if (first == 0) {
            be.fill(cols(yStart), 0);
        }
        for (int i = 1; i <= iterations; i++) {
            double a = alphas[i - 1];
            be.copy(x, rv);
            be.gemm(Transpose.NO, Transpose.NO, 1, d, yv, -1, rv);
            be.copy(yv, uv);
            be.gemm(Transpose.YES, Transpose.NO, -a, d, rv, 1, uv);
            Matrix xi = xAt(i);
            be.softThreshold(uv, lambda * a, xi, null);
            // y_i = (1 + β_i) x_i − β_i x_{i−1}; fresh arrays, never aliased (docs/science.md §10.1)
            be.copy(xi, yv);
            if (beta[i] != 0) {
                be.scale(1 + beta[i], yv);
                be.axpy(-beta[i], xAt(i - 1), yv);
            }
            if (i == first) {
                be.copy(yv, cols(yStart));
            }
        }
        recorded = true;
    }

    @Override
    public Matrix output() {
        return recorded ? cols(y) : null;
    }

    @Override
    public void backward(Matrix gradOutput, Matrix gradD, double[] gradAlphas, int depth) {
        CoderChecks.backwardArguments(recorded, gradOutput, gradD, gradAlphas, depth, recordDepth, n, m, batch,
                iterations);
        if (gradAlphas != null) {
            Arrays.fill(gradAlphas, 0);
        }
        if (gradD != null) {
            be.fill(gradD, 0);
        }
        int first = iterations - recordDepth;
        Matrix ybar = cols(yBar);
        Matrix xbar = cols(xBar);
        Matrix carryv = cols(carry);
        Matrix yp = cols(yPrev);
        Matrix rv = cols(r);
        Matrix duv = cols(du);
        Matrix ubar = cols(u);
        be.copy(gradOutput, ybar);
        be.fill(carryv, 0);
        for (int i = iterations; i > iterations - depth; i--) {
            double a = alphas[i - 1];
            // x̄_i = (1 + β_i) ȳ_i + carry, carry = −β_{i+1} ȳ_{i+1}
            be.copy(ybar, xbar);
            if (beta[i] != 0) {
                be.scale(1 + beta[i], xbar);
            }
            be.axpy(1, carryv, xbar);
            be.copy(ybar, carryv);
            be.scale(-beta[i], carryv);
            // y_{i−1}: stored at the window's entry, rebuilt from x_{i−1}, x_{i−2} inside it
            if (i - 1 == first) {
                be.copy(cols(yStart), yp);
            } else {
                be.copy(xAt(i - 1), yp);
                if (beta[i - 1] != 0) {
                    be.scale(1 + beta[i - 1], yp);
                    be.axpy(-beta[i - 1], xAt(i - 2), yp);
                }
            }
            Matrix xi = xAt(i);
            // ū = 1{x_i ≠ 0} ⊙ x̄: ST's output is non-zero exactly where |u| > τ, so |x_i| > 0 is its mask
            be.softThresholdBackward(xi, 0, xbar, ubar, null);
            be.copy(x, rv);
            be.gemm(Transpose.NO, Transpose.NO, 1, d, yp, -1, rv);
            be.gemm(Transpose.NO, Transpose.NO, 1, d, ubar, 0, duv);
            if (gradD != null) {
                be.gemm(Transpose.NO, Transpose.YES, -a, rv, ubar, 1, gradD);
                be.gemm(Transpose.NO, Transpose.YES, -a, duv, yp, 1, gradD);
            }
            if (gradAlphas != null) {
                // x_i − y_{i−1} into x̄'s buffer, no longer needed this iteration
                be.copy(xi, xbar);
                be.axpy(-1, yp, xbar);
                gradAlphas[i - 1] = be.dot(ubar, xbar) / a;
            }
            be.copy(ubar, ybar);
            be.gemm(Transpose.YES, Transpose.NO, -a, d, duv, 1, ybar);
        }
    }

    @Override
    public void close() {
        for (Matrix mat : owned) {
            mat.close();
        }
    }
}
