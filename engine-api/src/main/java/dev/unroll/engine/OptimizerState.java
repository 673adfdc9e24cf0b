package dev.unroll.engine;

/**
 * The state of one optimizer over one parameter set: the step count and, for Adam, the two moment
 * estimates, kept on the backend. The learning rate can be changed between steps (schedules, backtracking).
 * Not thread-safe: one training loop owns it.
 */
public final class OptimizerState implements AutoCloseable {
    private final Backend owner;
    private final Optimizer optimizer;
    private final NetworkSpec spec;
    private final ParameterSet firstMoment;
    private final ParameterSet secondMoment;
    private double learningRate;
    private long steps;

    OptimizerState(Backend owner, Optimizer optimizer, NetworkSpec spec, ParameterSet firstMoment,
                   ParameterSet secondMoment) {
        this.owner = owner;
        this.optimizer = optimizer;
        this.spec = spec;
        this.firstMoment = firstMoment;
        this.secondMoment = secondMoment;
        this.learningRate = optimizer.learningRate();
    }

    /** The update rule. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The network shape this state fits. */
    public NetworkSpec spec() {
        return spec;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** The learning rate of the next step. */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Changes the learning rate of the next steps.
     *
     * @throws InvalidArgumentException unless {@code lr} is finite and &gt; 0
     */
    public void setLearningRate(double lr) {
        Checks.positive(lr, "learning rate");
        this.learningRate = lr;
    }

    Backend owner() {
        return owner;
    }

    ParameterSet firstMoment() {
        return firstMoment;
    }

    ParameterSet secondMoment() {
        return secondMoment;
    }

    long nextStep() {
        return ++steps;
    }

    /** Frees the moment estimates (idempotent). */
    @Override
    public void close() {
        if (firstMoment != null) {
            firstMoment.close();
        }
        if (secondMoment != null) {
            secondMoment.close();
        }
    }
}
