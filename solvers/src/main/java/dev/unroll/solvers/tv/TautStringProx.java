package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Matrix;
import java.util.List;

/**
 * The exact prox as a layer step, on the backend's prox-TV primitive: {@link Backend#proxTv} forward (the taut
 * string) and {@link Backend#proxTvBackward} (implicit) reverse, with ∂ℓ/∂μ the sum of the per-column
 * gradients. It keeps its own copy of the output, because the reverse reads the pieces off it and the caller
 * may reuse {@code out}.
 */
final class TautStringProx implements Prox {
    private Matrix lastOut;

    TautStringProx() {
    }

    @Override
    public void forward(Matrix a, double mu, Matrix out) {
        Backend be = a.backend();
        if (lastOut == null || lastOut.cols() != a.cols() || lastOut.rows() != a.rows()) {
            close();
            lastOut = be.allocate(a.dtype(), a.rows(), a.cols());
        }
        be.proxTv(a, mu, lastOut);
        be.copy(lastOut, out);
    }

    @Override
    public double backward(Matrix gradOut, Matrix gradA) {
        Backend be = gradOut.backend();
        try (Matrix gradMu = be.allocate(gradOut.dtype(), 1, gradOut.cols())) {
            be.proxTvBackward(lastOut, gradOut, gradA, gradMu);
            return be.sum(gradMu);
        }
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public void close() {
        if (lastOut != null) {
            lastOut.close();
            lastOut = null;
        }
    }
}
