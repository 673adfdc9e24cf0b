package dev.unroll.examples.encode;

import dev.unroll.engine.Backend;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.service.Batching;
import dev.unroll.solvers.service.Solver;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small encoding service on Unroll's public API. It trains a 5-layer unrolled ISTA network (learned steps) on
 * simulated Lasso problems and saves it as a model file, as {@code unroll train} would; then, as a service does,
 * it loads the file, keeps one {@link Solver} and encodes the held-out signals from several threads at once.
 *
 * <p>It prints the mean Lasso objective ½‖x − Dz‖² + λ‖z‖₁ of those codes beside that of plain ISTA with as many
 * iterations as the network has layers (the untrained network), and exits with status 1 unless the trained network
 * does better: that line is what CI checks.
 */
public final class EncodeService {
    private static final int ATOMS = 32;
    private static final int DIM = 16;
    private static final int TRAIN = 1_000;
    private static final int TEST = 200;
    private static final int LAYERS = 5;
    private static final double LAMBDA = 0.1;
    private static final int CALLERS = 8;

    private EncodeService() {
    }

    public static void main(String[] args) throws Exception {
        CodingData data = Generators.simulated(TRAIN + TEST, ATOMS, DIM, TRAIN, 42);
        HostMatrix test = data.test();
        Path model = Files.createTempDirectory("encode-service").resolve("model.safetensors");

        try (Backend backend = Backends.open()) {                 // auto: cpu-vector here, or -Dunroll.backend=NAME
            System.out.printf("encode-service: backend %s, %d atoms, signals of %d, λ = %s%n",
                    backend.name(), ATOMS, DIM, LAMBDA);

            // 1. Train and save (a training job would do this once, offline).
            double ista;
            try (LassoProblem problem = LassoProblem.create(backend, DType.F32, data.dictionary(), LAMBDA);
                 UnrolledNetwork net = UnrolledNetwork.create(problem, Parametrization.STEP, LAYERS)) {
                ista = meanObjective(data.dictionary(), test, encodeAll(net, test));   // untrained = ISTA
                TrainingResult r = Trainer.train(net, data.train(), TrainingOptions.defaults().withMaxIterations(60));
                System.out.printf("encode-service: trained %d layers in %d steps (%s), training loss %.6f%n",
                        LAYERS, r.iterations(), r.reason(), r.finalLoss());
                ModelFiles.save(net, model);
            }

            // 2. Serve: load the file, keep one Solver, call it from several threads (the calls are gathered
            //    into micro-batches of up to 64 signals, waiting at most 1 ms).
            double trained;
            try (ModelFiles.LoadedModel loaded = ModelFiles.load(model, backend);
                 Solver solver = Solver.of(loaded.network(), Batching.upTo(64, Duration.ofMillis(1)));
                 ExecutorService callers = Executors.newFixedThreadPool(CALLERS)) {
                HostMatrix codes = HostMatrix.zeros(solver.atoms(), test.cols());
                Future<?>[] calls = new Future<?>[test.cols()];
                for (int j = 0; j < test.cols(); j++) {
                    int column = j;
                    calls[j] = callers.submit(() -> {
                        double[] code = new double[solver.atoms()];
                        solver.encode(column(test, column), code);
                        for (int i = 0; i < code.length; i++) {
                            codes.set(i, column, code[i]);
                        }
                        return null;
                    });
                }
                for (Future<?> call : calls) {
                    call.get();
                }
                trained = meanObjective(data.dictionary(), test, codes);
            } finally {
                Files.deleteIfExists(model);
                Files.deleteIfExists(model.getParent());
            }

            boolean ok = Double.isFinite(trained) && trained < ista;
            System.out.printf("encode-service: %d test signals from %d threads: mean objective %.6f, "
                    + "ISTA with %d iterations %.6f: %s%n", test.cols(), CALLERS, trained, LAYERS, ista,
                    ok ? "OK (the trained network codes better)" : "FAILED (no better than ISTA)");
            if (!ok) {
                System.exit(1);
            }
        }
    }

    /** The network's codes of every column of {@code x}, as one batch through a solver without batching. */
    private static HostMatrix encodeAll(UnrolledNetwork net, HostMatrix x) {
        try (Solver solver = Solver.of(net, Batching.off())) {
            return solver.encode(x);
        }
    }

    private static double[] column(HostMatrix m, int j) {
        double[] c = new double[m.rows()];
        for (int i = 0; i < c.length; i++) {
            c[i] = m.get(i, j);
        }
        return c;
    }

    /** The mean over the columns of ½‖x − Dz‖² + λ‖z‖₁, in double precision on the host. */
    private static double meanObjective(HostMatrix d, HostMatrix x, HostMatrix z) {
        double sum = 0;
        for (int j = 0; j < x.cols(); j++) {
            double residual = 0;
            for (int i = 0; i < d.rows(); i++) {
                double r = -x.get(i, j);
                for (int k = 0; k < d.cols(); k++) {
                    r += d.get(i, k) * z.get(k, j);
                }
                residual += r * r;
            }
            double l1 = 0;
            for (int k = 0; k < z.rows(); k++) {
                l1 += Math.abs(z.get(k, j));
            }
            sum += 0.5 * residual + LAMBDA * l1;
        }
        return sum / x.cols();
    }
}
