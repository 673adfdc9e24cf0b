package dev.unroll.solvers.gradients;

import dev.unroll.solvers.Closing;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;
import java.util.Arrays;

/**
 * Unrolled ISTA on the backend's own unrolled kernels: a STEP layer with step α is one ISTA iteration
 * z ← ST(z − αDᵀ(Dz − x), λα), so N iterations are an N-layer STEP network, and the SPI's reverse mode
 * gives ∂/∂D and ∂/∂α with truncation. Its tape records only the last K layers (a tape window), the ones a
 * truncated reverse pass reads; the first N − K run through the backend's scratch.
 */
final class IstaCoder implements UnrolledCoder {
    private final Backend be;
    private final int n;
    private final int m;
    private final int capacity;
    private final int iterations;
    private final int recordDepth;
    private final ParameterSet params;
    private final ParameterSet grads;
    /** The last K layers' record, or null when K = 0 (then {@link #codes} holds the output). */
    private final Tape tape;
    private final Matrix codes;
    private UnrolledModel model;
    private Matrix output;
    private int batch;

    IstaCoder(Backend be, DType dtype, int n, int m, int capacity, int iterations, int recordDepth) {
        this.be = be;
        this.n = n;
        this.m = m;
        this.capacity = capacity;
        this.iterations = iterations;
        this.recordDepth = recordDepth;
        NetworkSpec spec = new NetworkSpec(Parametrization.STEP, iterations, n, m, dtype);
        ParameterSet p = null;
        ParameterSet g = null;
        Tape tp = null;
        Matrix out = null;
        try {
            p = be.newParameters(spec);
            if (recordDepth > 0) {
                g = be.newParameters(spec);
                tp = be.newTape(spec, capacity, recordDepth);
            } else {
                out = be.allocate(dtype, m, capacity);
            }
        } catch (RuntimeException e) {
            Closing.quietly(p, g, tp, out);
            throw e;
        }
        this.params = p;
        this.grads = g;
        this.tape = tp;
        this.codes = out;
    }


    @Override
    public UnrolledAlgorithm algorithm() {
        return UnrolledAlgorithm.ISTA;
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
    public void forward(Matrix d, Matrix x, double lambda, double[] alphas) {
        CoderChecks.forwardArguments(d, x, lambda, alphas, n, m, capacity, iterations);
        batch = x.cols();
        for (int t = 0; t < iterations; t++) {
            be.fill(params.get(t, ParamKind.STEP_SIZE), alphas[t]);
        }
        model = new UnrolledModel(params, d, lambda);
        Matrix out = codes == null ? null : codes.columns(0, batch);
        be.unrolledForward(model, x, null, iterations, tape, out);
        output = tape != null ? tape.z(iterations) : out;
    }

    @Override
    public Matrix output() {
        return output;
    }

    @Override
    public void backward(Matrix gradOutput, Matrix gradD, double[] gradAlphas, int depth) {
        CoderChecks.backwardArguments(output != null, gradOutput, gradD, gradAlphas, depth, recordDepth, n, m, batch,
                iterations);
        if (gradAlphas != null) {
            Arrays.fill(gradAlphas, 0);
        }
        if (depth == 0) {
            if (gradD != null) {
                be.fill(gradD, 0);
            }
            return;
        }
        be.unrolledBackward(model, tape, gradOutput, grads, gradD, depth);
        if (gradAlphas != null) {
            for (int t = iterations - depth; t < iterations; t++) {
                gradAlphas[t] = be.toDoubleArray(grads.get(t, ParamKind.STEP_SIZE))[0];
            }
        }
    }

    @Override
    public void close() {
        Closing.quietly(params, grads, tape, codes);
    }
}
