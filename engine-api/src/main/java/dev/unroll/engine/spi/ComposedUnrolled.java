package dev.unroll.engine.spi;

import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Tape;
import dev.unroll.engine.UnrolledModel;

import java.util.List;

/**
 * The unrolled forward pass and its reverse mode composed from a backend's primitives: the default of
 * {@link BackendKernels#unrolledForward} and {@link BackendKernels#unrolledBackward}. This class runs the
 * layers in order and keeps the record; what each layer computes is its {@link UnrolledLayer}'s, written once.
 *
 * <p>The forward pass records, for the layers of the tape's window, z_t, u_t and (residual layers) R_t, and runs
 * the layers before the window through scratch. The reverse pass goes back through the last K layers:
 * ū = 1{|u| &gt; τ} ⊙ ∂ℓ/∂z_t with its row sums of sign(u)·ū ({@link BackendKernels#softThresholdBackward}),
 * then the layer's own reverse step. Each whole-batch step is one primitive call, in a fixed order, so the
 * result is as deterministic as the backend's primitives.
 */
final class ComposedUnrolled {
    private ComposedUnrolled() {
    }

    static void forward(BackendKernels k, UnrolledModel model, Matrix x, Matrix z0, int layers, Tape tape, Matrix zOut) {
        NetworkSpec spec = model.spec();
        int m = spec.atoms();
        int batch = x.cols();
        if (batch == 0) {
            return;
        }
        try (PassScratch scratch = new PassScratch(x.backend(), spec.dtype(), batch)) {
            LayerContext c = new LayerContext(k, model, null, scratch);
            Matrix z = recordedOr(tape == null ? null : tape.z(0), scratch, PassScratch.Slot.Z_EVEN, m);
            if (z0 != null) {
                k.copy(z0, z);
            } else {
                k.fill(z, 0);
            }
            for (int t = 1; t <= layers; t++) {
                UnrolledLayer layer = c.at(t - 1);
                // Null outside the tape's window (the window's first layer records only its output z_t).
                Matrix u = recordedOr(tape == null ? null : tape.u(t), scratch, PassScratch.Slot.U, m);
                Matrix r = !layer.usesResidual() ? null
                        : recordedOr(tape == null ? null : tape.residual(t), scratch, PassScratch.Slot.RESIDUAL, x.rows());
                Matrix next = recordedOr(tape == null ? null : tape.z(t), scratch,
                        t % 2 == 0 ? PassScratch.Slot.Z_EVEN : PassScratch.Slot.Z_ODD, m);
                layer.preActivation(c, z, x, r, u);
                UnrolledLayer.Threshold tau = layer.threshold(c);
                k.softThreshold(u, tau.perRow(), tau.scale(), next, null);
                z = next;
            }
            if (zOut != null) {
                k.copy(z, zOut);
            }
        }
    }

    static void backward(BackendKernels k, UnrolledModel model, Tape tape, Matrix gradZ, int lastLayers,
                         ParameterSet grads, Matrix gradD) {
        NetworkSpec spec = model.spec();
        int m = spec.atoms();
        int run = tape.layersRun();
        int batch = tape.batch();
        // Layers inside the window overwrite every gradient they own; only the others need zeros.
        for (int l = 0; l < spec.layers(); l++) {
            if (l >= run || l < run - lastLayers || batch == 0) {
                List<Matrix> layerGrads = grads.layer(l);
                for (int i = 0; i < layerGrads.size(); i++) {
                    k.fill(layerGrads.get(i), 0);
                }
            }
        }
        if (gradD != null) {
            k.fill(gradD, 0);
        }
        if (batch == 0 || lastLayers == 0) {
            return;
        }
        Matrix x = tape.input();
        try (PassScratch scratch = new PassScratch(x.backend(), spec.dtype(), batch)) {
            LayerContext c = new LayerContext(k, model, grads, scratch);
            Matrix g = scratch.get(PassScratch.Slot.GRAD, m);
            Matrix gPrev = scratch.get(PassScratch.Slot.GRAD_PREV, m);
            Matrix ubar = scratch.get(PassScratch.Slot.MASKED, m);
            Matrix signSums = scratch.get(PassScratch.Slot.SIGN_SUMS, m);
            k.copy(gradZ, g);
            int first = run - lastLayers + 1;
            for (int t = run; t >= first; t--) {
                UnrolledLayer layer = c.at(t - 1);
                UnrolledLayer.Threshold tau = layer.threshold(c);
                k.softThresholdBackward(tape.u(t), tau.perRow(), tau.scale(), g, ubar, signSums);
                Matrix zPrev = tape.z(t - 1);
                Matrix r = null;
                if (layer.usesResidual()) {
                    r = tape.residual(t);
                    if (r == null) { // every residual parametrization's tape records R; recomputed should one not
                        r = scratch.get(PassScratch.Slot.RESIDUAL, x.rows());
                        c.residual(zPrev, x, r);
                    }
                }
                layer.reverse(c, ubar, signSums, zPrev, x, r, t > first ? gPrev : null, gradD);
                Matrix swap = g;
                g = gPrev;
                gPrev = swap;
            }
        }
    }

    /** The tape's record when there is one, else scratch of {@code rows} × the batch. */
    private static Matrix recordedOr(Matrix recorded, PassScratch scratch, PassScratch.Slot slot, int rows) {
        return recorded != null ? recorded : scratch.get(slot, rows);
    }
}
