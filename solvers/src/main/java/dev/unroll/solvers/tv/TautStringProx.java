package dev.unroll.solvers.tv;

import dev.unroll.engine.Matrix;
import java.util.List;

/**
 * The exact prox as a layer step: {@link TautString} forward, {@link TautStringBackward} (implicit) reverse.
 * A host kernel for now: the batch is downloaded, solved column by column and uploaded.
 */
final class TautStringProx implements Prox {
    private final TautString solver = new TautString();
    private final int k;
    private double[] lastOut;
    private int lastCols;

    TautStringProx(int k) {
        this.k = k;
    }

    @Override
    public void forward(Matrix a, double mu, Matrix out) {
        double[] v = HostBridge.read(a);
        solver.proxColumns(v, k, a.cols(), mu, v);
        lastOut = v;
        lastCols = a.cols();
        HostBridge.write(v, out);
    }

    @Override
    public double backward(Matrix gradOut, Matrix gradA) {
        double[] g = HostBridge.read(gradOut);
        double gradMu = TautStringBackward.backwardColumns(lastOut, g, k, lastCols, g);
        HostBridge.write(g, gradA);
        return gradMu;
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public void close() {
        lastOut = null;
    }
}
