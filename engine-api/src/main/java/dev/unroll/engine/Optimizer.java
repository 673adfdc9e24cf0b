package dev.unroll.engine;

/**
 * A first-order update rule for parameters that stay on the backend: plain gradient descent or Adam.
 * Hyper-parameters are validated when the state is created ({@link Backend#newOptimizerState}).
 */
public sealed interface Optimizer {
    /** The step size. */
    double learningRate();

    /**
     * Gradient descent, p ← p − lr·g.
     *
     * @param learningRate lr &gt; 0
     */
    record Sgd(double learningRate) implements Optimizer {
    }

    /**
     * Adam (Kingma &amp; Ba), in PyTorch's form with bias correction.
     *
     * @param learningRate lr &gt; 0
     * @param beta1        first-moment decay in [0, 1)
     * @param beta2        second-moment decay in [0, 1)
     * @param epsilon      denominator guard &gt; 0
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {
        /** Adam with PyTorch's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
        public Adam(double learningRate) {
            this(learningRate, 0.9, 0.999, 1e-8);
        }
    }
}
