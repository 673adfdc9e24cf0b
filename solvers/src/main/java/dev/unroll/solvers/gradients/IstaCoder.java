package dev.unroll.solvers.gradients;

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
 * gives ∂/∂D and ∂/∂α with truncation. The first N − K iterations run as a network without a tape; the last
 * K as a second network, recorded, that starts from the first one's output.
 */
final class IstaCoder implements UnrolledCoder {
    private final Backend be;
    private final int n;
    private final int m;
    private final int capacity;
    private final int iterations;
    private final int recordDepth;
    private final ParameterSet prefixParams;
    private final ParameterSet suffixParams;
    private final ParameterSet suffixGrads;
    private final Tape tape;
    private final Matrix middle;
    private UnrolledModel suffixModel;
    private Matrix output;
    private int batch;

    IstaCoder(Backend be, DType dtype, int n, int m, int capacity, int iterations, int recordDepth) {
        this.be = be;
        this.n = n;
        this.m = m;
        this.capacity = capacity;
        this.iterations = iterations;
        this.recordDepth = recordDepth;
        int prefix = iterations - recordDepth;
        ParameterSet pp = null;
        ParameterSet sp = null;
        ParameterSet sg = null;
        Tape tp = null;
        Matrix mid = null;
        try {
            if (prefix > 0) {
                pp = be.newParameters(new NetworkSpec(Parametrization.STEP, prefix, n, m, dtype));
                mid = be.allocate(dtype, m, capacity);
            }
            if (recordDepth > 0) {
                NetworkSpec spec = new NetworkSpec(Parametrization.STEP, recordDepth, n, m, dtype);
                sp = be.newParameters(spec);
                sg = be.newParameters(spec);
                tp = be.newTape(spec, capacity);
            }
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[]{pp, sp, sg, tp, mid}) {
                closeQuietly(c);
            }
            throw e;
        }
        this.prefixParams = pp;
        this.suffixParams = sp;
        this.suffixGrads = sg;
        this.tape = tp;
        this.middle = mid;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // freeing work space after a failed allocation: nothing more to do
            }
        }
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
        int prefix = iterations - recordDepth;
        Matrix start = null;
        if (prefix > 0) {
            for (int t = 0; t < prefix; t++) {
                be.fill(prefixParams.get(t, ParamKind.STEP_SIZE), alphas[t]);
            }
            start = middle.columns(0, batch);
            be.unrolledForward(new UnrolledModel(prefixParams, d, lambda), x, null, prefix, null, start);
            output = start;
        }
        if (recordDepth > 0) {
            for (int t = 0; t < recordDepth; t++) {
                be.fill(suffixParams.get(t, ParamKind.STEP_SIZE), alphas[prefix + t]);
            }
            suffixModel = new UnrolledModel(suffixParams, d, lambda);
            be.unrolledForward(suffixModel, x, start, recordDepth, tape, null);
            output = tape.z(recordDepth);
        }
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
        be.unrolledBackward(suffixModel, tape, gradOutput, suffixGrads, gradD, depth);
        if (gradAlphas != null) {
            int prefix = iterations - recordDepth;
            for (int t = recordDepth - depth; t < recordDepth; t++) {
                gradAlphas[prefix + t] = be.toDoubleArray(suffixGrads.get(t, ParamKind.STEP_SIZE))[0];
            }
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[]{prefixParams, suffixParams, suffixGrads, tape, middle}) {
            closeQuietly(c);
        }
    }
}
