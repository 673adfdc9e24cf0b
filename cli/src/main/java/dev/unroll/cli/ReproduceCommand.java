package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.solvers.experiments.Experiment;
import dev.unroll.solvers.experiments.ExperimentContext;
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
            for (Experiment e : Experiments.all()) {
                print.printf("%-22s %s%n", e.name(), e.description());
            }
            return Main.EXIT_OK;
        }
        if (names.isEmpty()) {
            throw new UsageException("name an experiment or 'all'; '" + Main.commandName() + " reproduce --list' shows them");
        }
        List<Experiment> chosen = new ArrayList<>();
        for (String n : names) {
            if (n.equals("all")) {
                chosen.addAll(Experiments.all());
            } else {
                chosen.add(Experiments.byName(n));
            }
        }
        try (Backend be = engine.open()) {
            print.println("backend: " + be.name() + (full ? ", the papers' sizes (--full)" : ", default sizes"));
            for (Experiment e : chosen) {
                long start = System.nanoTime();
                print.println();
                print.println("== " + e.name() + ": " + e.description());
                e.run(new ExperimentContext(be, out.resolve(e.name()), full, print));
                print.printf("== %s done in %.1f s%n", e.name(), (System.nanoTime() - start) / 1e9);
            }
        }
        return Main.EXIT_OK;
    }
}
