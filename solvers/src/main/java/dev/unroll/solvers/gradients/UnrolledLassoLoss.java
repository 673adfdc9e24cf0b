package dev.unroll.solvers.gradients;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;

/**
 * The dictionary-learning loss of an unrolled encoder, F(D, z_N(D)) = (1/B) Σ_b [½‖x_b − D z_N,b‖² + λ‖z_N,b‖₁]
 * (the project's mean over samples), and its gradient estimates with respect to D (ICLR 2022, docs/science.md §8):
 * depth 0 gives g¹ = ∇₁F(D, z_N) (alternating minimisation: the codes count as constants), depth K gives
 * g² truncated to the last K iterations, depth N full back-propagation. The gradient with respect to the
 * per-iteration steps α_i comes with it (DDL+step). Close it to free its work space.
 */
public final class UnrolledLassoLoss implements AutoCloseable {
    private final Backend be;
    private final UnrolledCoder coder;
    private final Matrix gradZ;
    private final Matrix gradLayers;
    private Matrix lastD;
    private Matrix lastX;
    private double lastLambda;

    private UnrolledLassoLoss(Backend be, UnrolledCoder coder, Matrix gradZ, Matrix gradLayers) {
        this.be = be;
        this.coder = coder;
        this.gradZ = gradZ;
        this.gradLayers = gradLayers;
    }

    /**
     * A loss for n×m dictionaries and batches of up to {@code capacity} signals, over {@code iterations}
     * unrolled iterations of {@code algorithm}, able to back-propagate through the last {@code maxDepth}.
     */
    public static UnrolledLassoLoss create(Backend backend, DType dtype, UnrolledAlgorithm algorithm, int signalDim,
                                           int atoms, int capacity, int iterations, int maxDepth) {
        UnrolledCoder coder = UnrolledCoder.create(backend, dtype, algorithm, signalDim, atoms, capacity, iterations,
                maxDepth);
        Matrix gz = null;
        try {
            gz = backend.allocate(dtype, atoms, capacity);
            Matrix gl = backend.allocate(dtype, signalDim, atoms);
            return new UnrolledLassoLoss(backend, coder, gz, gl);
        } catch (RuntimeException e) {
            coder.close();
            if (gz != null) {
                gz.close();
            }
            throw e;
        }
    }

    /** The encoder. */
    public UnrolledCoder coder() {
        return coder;
    }

    /** F(D, z_N(D)) on {@code x}, steps α_i given. */
    public double value(Matrix d, Matrix x, double lambda, double[] alphas) {
        coder.forward(d, x, lambda, alphas);
        lastD = null;
        return be.lassoObjective(d, x, coder.output(), lambda);
    }

    /**
     * F(D, z_N(D)) and, into {@code gradD} (n×m, overwritten), ∇₁F(D, z_N) + J_{N,K}ᵀ∇₂F(D, z_N) with K =
     * {@code depth}; into {@code gradAlphas} (length N, may be null) the derivative with respect to each
     * step (zero outside the last K iterations).
     */
    public double valueAndGradient(Matrix d, Matrix x, double lambda, double[] alphas, int depth, Matrix gradD,
                                   double[] gradAlphas) {
        if (gradD == null) {
            throw new InvalidArgumentException("valueAndGradient needs gradD (n×m) to write ∂F/∂D into");
        }
        coder.forward(d, x, lambda, alphas);
        lastD = d;
        lastX = x;
        lastLambda = lambda;
        return gradientOfLastPass(depth, gradD, gradAlphas);
    }

    /**
     * The value and gradient of the last forward pass again, at another back-propagation depth (no new
     * forward pass: comparing depths on one N costs one forward).
     */
    public double gradientOfLastPass(int depth, Matrix gradD, double[] gradAlphas) {
        if (lastD == null) {
            throw new InvalidArgumentException("no forward pass with a gradient has run; call valueAndGradient first");
        }
        Matrix d = lastD;
        Matrix x = lastX;
        double lambda = lastLambda;
        Matrix gz = gradZ.columns(0, x.cols());
        double f = be.lassoObjective(d, x, coder.output(), lambda, null, depth > 0 ? gz : null, gradD);
        if (depth > 0) {
            coder.backward(gz, gradLayers, gradAlphas, depth);
            be.axpy(1, gradLayers, gradD);
        } else if (gradAlphas != null) {
            java.util.Arrays.fill(gradAlphas, 0);
        }
        return f;
    }

    /** The codes of the last pass (m×B view). */
    public Matrix codes() {
        return coder.output();
    }

    /** Frees the work space and the encoder. */
    @Override
    public void close() {
        coder.close();
        gradZ.close();
        gradLayers.close();
    }
}
