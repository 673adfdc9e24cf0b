package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import dev.unroll.solvers.io.Tensor;
import dev.unroll.solvers.interop.AdoptyStateDict;
import dev.unroll.solvers.interop.TorchFiles;
import dev.unroll.solvers.network.AlistaWeights;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll import --pytorch IN.pt --parametrization P --dictionary D.npy --lambda λ -o MODEL}: a network
 * trained with ADOPTY's {@code Lista} (its {@code state_dict()} saved with {@code torch.save}) as an Unroll
 * model file. ADOPTY's state dict holds the layers only: D (ADOPTY's (n_atoms, n_dim)) and λ come from the
 * command line, and ALISTA's W̃, which ADOPTY computes from D and does not save, is computed the same way
 * unless {@code --analytic-weights} gives ADOPTY's {@code Lista.W}. The model's precision is the tensors'.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "A PyTorch state dict of ADOPTY's Lista (torch.save) as an Unroll model file.")
public final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;

    @Option(names = "--pytorch", paramLabel = "IN.pt", required = true,
            description = "torch.save(net.state_dict(), IN.pt) of ADOPTY's Lista")
    Path pytorch;
    @Option(names = {"-p", "--parametrization"}, paramLabel = "P", required = true,
            description = "the Lista's parametrization: lista, coupled, alista, step, first_step")
    String parametrization;
    @Option(names = "--dictionary", paramLabel = "D.npy", required = true,
            description = "the D the Lista was built with, ADOPTY's shape (n_atoms, n_dim)")
    Path dictionary;
    @Option(names = {"-l", "--lambda"}, paramLabel = "λ", required = true, description = "the λ of its forward (lmbd)")
    double lambda;
    @Option(names = "--analytic-weights", paramLabel = "W.npy",
            description = "alista: ADOPTY's Lista.W, shape (n_dim, n_atoms) (default: computed from D as ADOPTY does)")
    Path analyticWeights;
    @Option(names = "--legacy-names",
            description = "the state dict is from ADOPTY's earlier list-based Lista: lista's 'Wx' holds the z-weight "
                    + "(I − B/L) and 'Wz' the x-weight, alista's step is 'lr'")
    boolean legacyNames;
    @Option(names = {"-o", "--out"}, paramLabel = "MODEL", required = true, description = "the model file to write")
    Path out;

    /** Creates the command. */
    public ImportCommand() {
    }

    @Override
    public Integer call() throws Exception {
        Parametrization par = Parametrization.fromId(parametrization);
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new UsageException("--lambda must be a finite number > 0, but is " + lambda);
        }
        if (analyticWeights != null && par != Parametrization.ALISTA) {
            throw new UsageException("--analytic-weights belongs to alista networks, but --parametrization is " + par.id());
        }
        DataOptions.requireFile(pytorch, "--pytorch", "a torch.save file (.pt)");
        Outputs.checkFile("-o", out, Outputs.input("--pytorch", pytorch), Outputs.input("--dictionary", dictionary),
                Outputs.input("--analytic-weights", analyticWeights));
        Map<String, Tensor> dict = TorchFiles.read(pytorch);
        DType dtype = AdoptyStateDict.dtype(dict, pytorch.toString());
        engine.requirePrecisionOf(pytorch, dtype);
        HostMatrix d = matrix(dictionary, "--dictionary", "(n_atoms, n_dim)").transpose(); // Unroll's n×m
        try (Backend be = engine.open(); LassoProblem p = LassoProblem.create(be, dtype, d, lambda)) {
            HostMatrix w = null;
            if (par == Parametrization.ALISTA) {
                w = analyticWeights != null ? matrix(analyticWeights, "--analytic-weights", "(n_dim, n_atoms)")
                        : AlistaWeights.compute(be, d);
                if (w.rows() != d.rows() || w.cols() != d.cols()) {
                    throw new UsageException("--analytic-weights is " + w.rows() + "×" + w.cols() + " but ADOPTY's "
                            + "Lista.W is (n_dim, n_atoms) = (" + d.rows() + ", " + d.cols() + ") for this D");
                }
            }
            try (UnrolledNetwork net = AdoptyStateDict.network(p, par, dict, w, legacyNames
                    ? AdoptyStateDict.Names.LEGACY : AdoptyStateDict.Names.CURRENT, pytorch.toString())) {
                ModelFiles.save(net, out);
                root.out.println("wrote " + out + ": " + par.id() + ", " + net.layers() + " layers, n = "
                        + p.signalDim() + ", m = " + p.atoms() + ", λ = " + lambda + ", " + dtype);
            }
        }
        return Main.EXIT_OK;
    }

    /** A 2-D .npy as a matrix of its shape (rows, cols). */
    private static HostMatrix matrix(Path file, String option, String shape) throws java.io.IOException {
        NpyArray a = Npy.read(DataOptions.requireFile(file, option, DataOptions.NPY));
        if (a.rank() != 2) {
            throw new UsageException(option + " " + file + " has shape " + java.util.Arrays.toString(a.shape())
                    + "; expected a 2-D array " + shape);
        }
        return new HostMatrix(a.rows(), a.cols(), a.toColumnMajor());
    }
}
