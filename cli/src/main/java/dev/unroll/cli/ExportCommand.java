package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.interop.AdoptyStateDict;
import dev.unroll.solvers.interop.OnnxExport;
import dev.unroll.solvers.interop.TorchFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll export -m MODEL [--pytorch OUT.pt] [--onnx OUT.onnx]}: a trained model as a PyTorch state dict
 * in ADOPTY's names, shapes and conventions ({@code torch.load} reads it; ADOPTY's {@code Lista.load_state_dict}
 * takes it), and/or as an ONNX graph x (batch, n) → z (batch, m). Both outputs are checked before the model
 * is read and written atomically.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "A model as a PyTorch state dict in ADOPTY's layout (--pytorch) and/or an ONNX graph (--onnx).")
public final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", required = true, description = "a model file from train")
    Path model;
    @Option(names = "--pytorch", paramLabel = "OUT.pt",
            description = "write the parameters as a torch.save state dict with ADOPTY's keys layer{t}-{name}")
    Path pytorch;
    @Option(names = "--onnx", paramLabel = "OUT.onnx",
            description = "write the network as an ONNX graph: input x (batch, n), output z (batch, m)")
    Path onnx;

    /** Creates the command. */
    public ExportCommand() {
    }

    @Override
    public Integer call() throws Exception {
        if (pytorch == null && onnx == null) {
            throw new UsageException("give --pytorch OUT.pt and/or --onnx OUT.onnx to say what to write");
        }
        DataOptions.requireFile(model, "--model", DataOptions.MODEL);
        if (pytorch != null) {
            Outputs.checkFile("--pytorch", pytorch, Outputs.input("--model", model), Outputs.input("--onnx", onnx));
        }
        if (onnx != null) {
            Outputs.checkFile("--onnx", onnx, Outputs.input("--model", model));
        }
        try (Backend be = engine.open(); ModelFiles.LoadedModel m = ModelFiles.load(model, be)) {
            engine.requirePrecisionOf(model, m.problem().dtype());
            if (pytorch != null) {
                TorchFiles.write(pytorch, AdoptyStateDict.of(m.network()));
                root.out.println("wrote " + pytorch + ": " + m.network().parametrization().id() + ", "
                        + m.network().layers() + " layers, " + m.problem().dtype() + " (ADOPTY's Lista state dict; "
                        + "its D is the model's dictionary transposed, λ = " + m.problem().lambda() + ")");
            }
            if (onnx != null) {
                OnnxExport.write(m.network(), onnx);
                root.out.println("wrote " + onnx + ": x (batch, " + m.problem().signalDim() + ") → z (batch, "
                        + m.problem().atoms() + "), " + m.problem().dtype() + ", ONNX opset 17");
            }
        }
        return Main.EXIT_OK;
    }
}
