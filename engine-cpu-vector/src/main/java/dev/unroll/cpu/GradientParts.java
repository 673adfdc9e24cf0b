package dev.unroll.cpu;

import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.UnrolledModel;

/**
 * The gradient sums of one reverse pass, in parts of the batch: each part (one per thread of a split pass,
 * a single one otherwise) sums its weight gradients, D's gradient and its scalar sums on its own, and
 * {@link #finish} adds the parts in part order. The parts are fixed by the batch and thread count alone, so
 * the result never depends on which thread ran which part. Kept per calling thread, so that a pass
 * allocates nothing.
 */
final class GradientParts {
    /** The parameters whose gradients are products summed over the batch (the others come from sums). */
    private static final ParamKind[] WEIGHT_KINDS = {ParamKind.W_Z, ParamKind.W_X, ParamKind.W_COUPLED};
    private Part[] parts = new Part[0];
    private int count;

    /** Part {@code i} of the pass being prepared. */
    Part part(int i) {
        return parts[i];
    }

    /** Readies {@code count} parts for a pass through the last {@code lastLayers} of {@code layersRun} layers. */
    void prepare(int count, UnrolledModel model, ParameterSet grads, Mat gradD, int layersRun, int lastLayers) {
        if (parts.length < count) {
            Part[] grown = java.util.Arrays.copyOf(parts, count);
            for (int i = parts.length; i < count; i++) {
                grown[i] = new Part();
            }
            parts = grown;
        }
        this.count = count;
        for (int i = 0; i < count; i++) {
            parts[i].prepare(i == 0, model, grads, gradD, layersRun - lastLayers, layersRun);
        }
    }

    /**
     * Adds the parts in order: the weight gradients and D's gradient of parts 1… into part 0's (the
     * caller's), and the scalar sums into each window layer's threshold and step-size gradients.
     */
    void finish(Blas blas, UnrolledModel model, ParameterSet grads, int layersRun, int lastLayers) {
        NetworkSpec spec = model.spec();
        int m = spec.atoms();
        double lambda = model.lambda();
        Part own = parts[0];
        for (int l = layersRun - lastLayers; l < layersRun; l++) {
            java.util.List<ParamKind> kinds = spec.parametrization().layout(l);
            for (int p = 1; p < count; p++) {
                Part part = parts[p];
                for (int i = 0; i < kinds.size(); i++) { // indexed: no iterator per layer
                    ParamKind kind = kinds.get(i);
                    if (isWeight(kind)) {
                        blas.axpy(1, part.weight(l, kind), own.weight(l, kind));
                    }
                }
                double[] rowS = part.rowSignSums[l];
                for (int i = 0; i < m; i++) {
                    own.rowSignSums[l][i] += rowS[i];
                }
                own.residualDots[l] += part.residualDots[l];
            }
            double[] rowS = own.rowSignSums[l];
            double sumS = 0;
            for (int i = 0; i < m; i++) {
                sumS += rowS[i];
            }
            double dot = own.residualDots[l];
            switch (spec.parametrization().layerKind(l)) {
                case LISTA, COUPLED -> perAtom(Mat.of(grads.get(l, ParamKind.THRESHOLDS)), lambda, rowS);
                case COUPLED_SCALAR_THRESHOLD -> Mat.of(grads.get(l, ParamKind.THRESHOLD)).set(0, 0, 0.0 + -lambda * sumS);
                case ALISTA -> {
                    Mat.of(grads.get(l, ParamKind.STEP_SIZE)).set(0, 0, 0.0 + -dot);
                    Mat.of(grads.get(l, ParamKind.THRESHOLD)).set(0, 0, 0.0 + -lambda * sumS);
                }
                case STEP -> Mat.of(grads.get(l, ParamKind.STEP_SIZE)).set(0, 0, 0.0 + (-dot - lambda * sumS));
                default -> throw new AssertionError(spec.parametrization().layerKind(l));
            }
        }
        if (own.dictionary != null) {
            for (int p = 1; p < count; p++) {
                blas.axpy(1, parts[p].dictionary, own.dictionary);
            }
        }
    }

    /**
     * One part's share of a reverse pass: where its weight gradients and D's gradient go (part 0: the
     * caller's own matrices; the others: buffers of their own, kept from pass to pass) and its sums, in double,
     * of sign(u)·ū per layer and atom and of ⟨W̃ū, r⟩ per layer.
     */
    static final class Part {
        /** [layer][ParamKind ordinal]: this part's weight-gradient target. */
        private Mat[][] weights = new Mat[0][];
        Mat dictionary;
        double[][] rowSignSums = new double[0][];
        double[] residualDots = new double[0];

        /** Where this part's gradient of {@code kind} in {@code layer} goes. */
        Mat weight(int layer, ParamKind kind) {
            return weights[layer][kind.ordinal()];
        }

        /** Targets the caller's matrices ({@code own}) or this part's buffers, and zeroes the sums. */
        void prepare(boolean own, UnrolledModel model, ParameterSet grads, Mat gradD, int first, int end) {
            NetworkSpec spec = model.spec();
            int layers = spec.layers();
            if (weights.length < layers) {
                weights = java.util.Arrays.copyOf(weights, layers);
                rowSignSums = java.util.Arrays.copyOf(rowSignSums, layers);
                residualDots = new double[layers];
            }
            for (int l = first; l < end; l++) {
                if (weights[l] == null) {
                    weights[l] = new Mat[ParamKind.values().length];
                }
                if (rowSignSums[l] == null || rowSignSums[l].length < spec.atoms()) {
                    rowSignSums[l] = new double[spec.atoms()];
                }
                java.util.Arrays.fill(rowSignSums[l], 0);
                residualDots[l] = 0;
                java.util.List<ParamKind> kinds = spec.parametrization().layout(l);
                for (int i = 0; i < kinds.size(); i++) {
                    ParamKind kind = kinds.get(i);
                    if (isWeight(kind)) {
                        Mat target = Mat.of(grads.get(l, kind));
                        weights[l][kind.ordinal()] = own ? target : buffer(weights[l][kind.ordinal()], target);
                    }
                }
            }
            dictionary = gradD == null ? null : own ? gradD : buffer(dictionary, gradD);
        }

        /** {@code kept} when it has {@code like}'s shape and precision, else a new packed matrix. */
        private static Mat buffer(Mat kept, Mat like) {
            if (kept != null && kept.rows() == like.rows() && kept.cols() == like.cols() && kept.dtype() == like.dtype()) {
                return kept;
            }
            return new Mat(VecBuffer.allocate(like.dtype(), (long) like.rows() * like.cols()), 0, like.rows(), like.rows(),
                    like.cols());
        }
    }

    private static boolean isWeight(ParamKind kind) {
        for (ParamKind w : WEIGHT_KINDS) {
            if (w == kind) {
                return true;
            }
        }
        return false;
    }

    /** θ̂_i = −λ·Σ_b sign(u_i)·ū_i per atom. */
    private static void perAtom(Mat theta, double lambda, double[] rowS) {
        for (int i = 0; i < theta.rows(); i++) {
            theta.set(i, 0, 0.0 + -lambda * rowS[i]); // 0.0 + turns −0 into +0, as an accumulator
        }
    }
}
