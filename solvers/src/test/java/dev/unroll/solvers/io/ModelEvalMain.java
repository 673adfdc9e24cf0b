package dev.unroll.solvers.io;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import java.nio.file.Path;

/** Loads a model and a {@code .npy} of signals in a fresh JVM and prints the test loss's bits. */
public final class ModelEvalMain {
    private ModelEvalMain() {
    }

    /** {@code ModelEvalMain MODEL X.npy}. */
    public static void main(String[] args) throws Exception {
        try (Backend be = Backends.open(); ModelFiles.LoadedModel m = ModelFiles.load(Path.of(args[0]), be)) {
            ColumnMajorF64 x = Npy.readMatrixF64(Path.of(args[1]));
            try (Matrix xm = m.problem().uploadSignals(new HostMatrix(x.rows(), x.cols(), x.data()))) {
                System.out.println("loss-bits " + Long.toHexString(Double.doubleToRawLongBits(m.network().loss(xm))));
            }
        }
    }
}
