package dev.unroll.cli;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.io.AtomicFiles;
import dev.unroll.solvers.io.ModelFiles;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.solvers.training.StopReason;
import dev.unroll.solvers.training.StopSignal;
import dev.unroll.solvers.training.Trainer;
import dev.unroll.solvers.training.TrainingMode;
import dev.unroll.solvers.training.TrainingOptions;
import dev.unroll.solvers.training.TrainingResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code unroll train}: trains an unrolled network (unsupervised, on the Lasso objective) and saves it as a
 * safetensors model file. Ctrl-C stops the training and still saves the best parameters reached. With
 * {@code --problem tv} it trains a TV network instead ({@link TvCommands#train}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train an unrolled network on the Lasso (or, with --problem tv, the 1-D TV) objective and save "
                + "it (safetensors).")
public final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    Main.Root root;
    @Mixin
    EngineOptions engine;
    @Mixin
    DataOptions data;

    @Option(names = "--problem", paramLabel = "lasso|tv", defaultValue = "lasso",
            description = "the objective: lasso, or tv (½‖x − Φu‖² + λ‖Δu‖₁, docs/science.md §9; --atoms is then the "
                    + "signal length k and --dim the measurements m) (default: ${DEFAULT-VALUE})")
    String problem;
    @Option(names = {"-p", "--parametrization"}, paramLabel = "NAME",
            description = "lasso: lista, coupled (LISTA-CP), alista, step (SLISTA), first_step (default: step); tv: "
                    + "lpgd-taut, lpgd-lista-{none|global|per-layer}-N, lista-synthesis, coupled-synthesis, "
                    + "step-synthesis, coupled-condat-vu, step-condat-vu, orig-chambolle, coupled-chambolle, "
                    + "step-chambolle (default: lpgd-taut)")
    String parametrization;
    @Option(names = {"-T", "--layers"}, paramLabel = "T", defaultValue = "20", description = "layers (default: ${DEFAULT-VALUE})")
    int layers;
    @Option(names = {"-l", "--lambda"}, paramLabel = "λ", defaultValue = "0.1",
            description = "regularisation, a fraction of λ_max for generated data (default: ${DEFAULT-VALUE})")
    double lambda;
    @Option(names = "--iterations", paramLabel = "N", defaultValue = "300",
            description = "optimizer steps in all (default: ${DEFAULT-VALUE})")
    int iterations;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "auto",
            description = "oneshot, recursive, greedy, auto (oneshot for step, else recursive) (default: ${DEFAULT-VALUE})")
    String mode;
    @Option(names = "--optimizer", paramLabel = "line-search|adam", defaultValue = "line-search",
            description = "full-batch gradient descent with backtracking (the reference's), or mini-batch Adam "
                    + "(default: ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--learning-rate", paramLabel = "R", defaultValue = "1e-3", description = "Adam's learning rate")
    double learningRate;
    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256",
            description = "Adam's mini-batch size, ≥ 1 (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--time-limit", paramLabel = "DURATION", description = "stop after this long, e.g. 10m or 90s")
    String timeLimit;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "the model file to write")
    Path out;

    /** Creates the command (picocli fills its fields). */
    public TrainCommand() {
    }

    @Override
    public Integer call() throws Exception {
        java.io.PrintStream print = root.out;
        if (problem.equals("tv")) {
            return TvCommands.train(this);
        }
        if (!problem.equals("lasso")) {
            throw new UsageException("--problem must be lasso or tv, but is '" + problem + "'");
        }
        // Everything the command line decides is checked before any data is drawn or read.
        Parametrization par = Cli.parametrization(parametrization == null ? "step" : parametrization);
        TrainingMode trainingMode = Cli.mode(mode);
        LassoProblem.requireLambda(lambda);
        if (layers < 1 || iterations < 0) {
            throw new UsageException("--layers must be ≥ 1 and --iterations ≥ 0, but are " + layers + " and " + iterations);
        }
        TrainingOptions options = TrainingOptions.defaults().withMode(trainingMode).withMaxIterations(iterations)
                .withSeed(engine.seed);
        options = switch (optimizer) {
            case "line-search" -> options.withLineSearch();
            case "adam" -> {
                if (batchSize < 1 || !(learningRate > 0) || Double.isInfinite(learningRate)) {
                    throw new UsageException("adam needs --batch-size ≥ 1 and a finite --learning-rate > 0, but they are "
                            + batchSize + " and " + learningRate);
                }
                yield options.withAdam(learningRate, batchSize);
            }
            default -> throw new UsageException("--optimizer must be line-search or adam, but is '" + optimizer + "'");
        };
        if (timeLimit != null) {
            options = options.withTimeBudget(Cli.duration(timeLimit));
        }
        engine.validate();
        Outputs.checkFile("-o", out, Outputs.input("--data", data.fromFile() ? Path.of(data.data) : null),
                Outputs.input("--dictionary", data.dictionary));
        StopSignal stop = new StopSignal();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.request();
            try {
                finished.await(60, TimeUnit.SECONDS); // let the run save its best parameters
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            AtomicFiles.removeTemporaries(out); // a save still under way when the JVM halts leaves none
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (Backend be = engine.open()) {
            CodingData set = data.trainingSet(engine.seed, (samples, dim, atoms) ->
                    checkMemory(be, par, samples, dim, atoms));
            try (LassoProblem problem = LassoProblem.create(be, engine.dtype(), set.dictionary(), lambda);
                 UnrolledNetwork net = UnrolledNetwork.create(problem, par, layers);
                 Matrix x = problem.uploadSignals(set.train())) {
                print.printf("training a %d-layer %s (%s) on %d signals of %s, λ = %s, %s, backend %s, %s%n", layers,
                        par.id(), trainingMode.resolve(par).id(), set.train().cols(), set.name(), lambda, optimizer,
                        be.name(), engine.dtype());
                double before = net.loss(x);
                ProgressPrinter progress = new ProgressPrinter(print, ProgressPrinter.stdoutIsTerminal(), "train");
                TrainingResult r = Trainer.train(net, set.train(), options.withListener(progress).withStopSignal(stop));
                progress.finish();
                double after = net.loss(x);
                if (r.reason() == StopReason.DIVERGED) {
                    print.printf("the training loss became non-finite (NaN or ∞) after %d iterations; kept the best "
                            + "finite parameters (the data's scale is the likely cause: scale the signals to entries "
                            + "of order 1)%n", r.iterations());
                }
                print.printf("training loss %.8g (= %d ISTA iterations) → %.8g after %d iterations in %s (%s)%n",
                        before, layers, after, r.iterations(), ProgressPrinter.format(r.elapsed()),
                        ending(r.reason(), options.timeBudget()));
                ModelFiles.save(net, out);
                print.println("wrote " + out);
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running
            }
        }
        return Main.EXIT_OK;
    }

    /**
     * Why a training run ended, in words for its last line: a run that did all its iterations "finished",
     * which is not the same as running out of time, converging early or being stopped.
     *
     * @param timeLimit the {@code --time-limit}, or null without one
     */
    static String ending(StopReason reason, Duration timeLimit) {
        return switch (reason) {
            case BUDGET -> "finished its iterations";
            case CONVERGED -> "converged: the line search found no step that lowers the loss";
            case TIME -> "time limit of " + (timeLimit == null ? "the run" : ProgressPrinter.format(timeLimit))
                    + " reached";
            case REQUESTED -> "stopped on request";
            case DIVERGED -> "stopped: the loss became non-finite";
        };
    }

    /** Refuses a training set whose arrays cannot fit in this JVM, before it is drawn or read. */
    private void checkMemory(Backend be, Parametrization par, int samples, int dim, int atoms) {
        String fix = data.fromFile() ? "train on a part of " + data.data
                : "use fewer --samples, or a smaller --dim or --atoms";
        int bytes = engine.dtype() == DType.F32 ? 4 : 8;
        boolean adam = optimizer.equals("adam");
        // The forward pass records every layer's codes for the batch it differentiates: all signals for the
        // line search, a mini-batch for Adam (which also keeps the codes of all signals to judge its steps).
        double recorded = (double) atoms * (adam ? Math.min(batchSize, samples) : samples) * (layers + 1)
                + (adam ? (double) atoms * samples : 0);
        double parameters = 0;
        for (int t = 0; t < layers; t++) {
            for (ParamKind kind : par.layout(t)) {
                parameters += (double) kind.rows(dim, atoms) * kind.cols(dim, atoms);
            }
        }
        new MemoryBudget(!be.capabilities().deviceMemory())
                .hostArray("the dictionary", dim, atoms, fix)
                .hostArray("the training signals", dim, samples, fix)
                .backend("the training signals on the backend", (double) dim * samples, bytes)
                .backend("the codes the forward pass records (" + layers + " layers)", recorded, bytes)
                // parameters, their gradient and the optimizer's copies (the accepted point; Adam's best and moments)
                .backend("the network's parameters and their gradients", parameters * (adam ? 5 : 3), bytes)
                .check(fix);
    }
}
