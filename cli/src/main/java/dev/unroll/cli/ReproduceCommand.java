package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.experiments.Experiment;
import dev.unroll.solvers.experiments.Experiments;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code unroll reproduce NAME...}: the papers' experiments, each printing its table and writing CSV + PNG. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run the papers' experiments by name (tables beside the papers' numbers, CSV and PNG).")
public final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;

    @Option(names = "--list", description = "list the experiments")
    boolean list;
    @Option(names = "--full", description = "the papers' sizes (hours) instead of the default ones (minutes)")
    boolean full;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results",
            description = "results go to DIR/NAME (default: ${DEFAULT-VALUE})")
    Path out;
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "experiment names, or all")
    List<String> names = new ArrayList<>();

    /** Creates the command. */
    public ReproduceCommand() {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream print = root.out;
        if (list) {
            Experiments.list(print);
            return Main.EXIT_OK;
        }
        List<Experiment> chosen = Experiments.resolve(names);
        try (Backend be = engine.open()) {
            Experiments.run(chosen, be, out, full, print);
        }
        return Main.EXIT_OK;
    }
}
