package dev.unroll.cli;

import dev.unroll.engine.BackendUnavailableException;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.UnrollException;
import dev.unroll.solvers.io.ModelFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code unroll} command (picocli): dispatches the subcommand. {@link #run} does the work and returns
 * the exit status instead of exiting, so tests can call it; {@link #main} exits with that status.
 *
 * <p>Exit statuses: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} the command failed,
 * {@value #EXIT_USAGE} the command line or its input was wrong (unknown option, missing file, a {@code .npy}
 * of the wrong shape, an unknown or unavailable backend, λ ≤ 0) — always with one line saying what to do.
 */
public final class Main {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** The command ran and failed. */
    public static final int EXIT_FAILURE = 1;
    /** Bad usage or bad input. */
    public static final int EXIT_USAGE = 2;

    /** The global option that prints the libraries' INFO lines (which backend, which were skipped and why). */
    static final String VERBOSE = "--verbose";

    /** System property the launcher sets to the name it was run as (e.g. "./unroll"), used in messages. */
    public static final String COMMAND_PROPERTY = "unroll.command";

    /** Creates the dispatcher. */
    public Main() {
    }

    /** Runs {@code unroll args} and exits the JVM with its status. */
    public static void main(String[] args) {
        int status = new Main().run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs one subcommand.
     *
     * @param args the command line: the subcommand, then its options
     * @param out  where results go
     * @param err  where errors go
     * @return the exit status
     */
    public int run(String[] args, PrintStream out, PrintStream err) {
        String command = commandName();
        Root root = new Root(out, err);
        CommandLine cl = new CommandLine(root);
        cl.setCommandName(command);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println(command + ": " + usageMessage(ex, command));
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            String sub = commandLine.getCommandName();
            if (isUsage(ex)) {
                err.println(command + " " + sub + ": " + oneLine(ex));
                return EXIT_USAGE;
            }
            err.println(command + " " + sub + " failed: " + oneLine(ex));
            return EXIT_FAILURE;
        });
        // Every command, whoever defines it, answers --help and --version, and says the same version.
        BuildInfo version = new BuildInfo();
        forEachCommand(cl, c -> c.getCommandSpec().mixinStandardHelpOptions(true).versionProvider(version));
        // Library log records print as plain lines on this run's stderr, INFO only with --verbose.
        cl.setExecutionStrategy(parsed -> {
            try (ConsoleLogging ignored = ConsoleLogging.install(err, command,
                    ConsoleLogging.verboseFromEnvironment() || verboseRequested(parsed))) {
                return new CommandLine.RunLast().execute(parsed);
            }
        });
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                out.print(usage(command));
                return EXIT_OK;
            }
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // The sizes are checked up front; this is what an estimate missed. One line, not a stack trace.
            err.println(command + " failed: out of memory (Java may use at most "
                    + MemoryBudget.size(Runtime.getRuntime().maxMemory()) + "): use smaller sizes, or give Java more "
                    + "memory with UNROLL_JAVA_OPTS=-Xmx<size>");
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void forEachCommand(CommandLine cl, java.util.function.Consumer<CommandLine> action) {
        action.accept(cl);
        cl.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
    }

    /** Whether {@value #VERBOSE} was given at any level of the command line. */
    private static boolean verboseRequested(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** Bad input the user can fix: exit status 2. */
    private static boolean isUsage(Throwable e) {
        return e instanceof UsageException || e instanceof InvalidArgumentException || e instanceof ShapeMismatchException
                || e instanceof NonFiniteInputException || e instanceof ModelFileException
                || e instanceof BackendUnavailableException || e instanceof NoSuchFileException;
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof NoSuchFileException nf ? nf.getFile() + ": no such file"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof IOException && !(e instanceof NoSuchFileException)) {
            m = "I/O error: " + m;
        }
        return m.replace('\n', ' ');
    }

    private static String usageMessage(CommandLine.ParameterException ex, String command) {
        CommandLine where = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && where.getParent() == null) {
            String arg = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
            return "unknown subcommand '" + arg + "'; run '" + command + " help' to list the subcommands";
        }
        String options = where.getCommandSpec().options().stream().map(o -> o.longestName())
                .filter(n -> !n.equals("--help") && !n.equals("--version") && !n.equals(VERBOSE)).collect(Collectors.joining(", "));
        String msg = ex.getMessage().replace('\n', ' ');
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            msg = "unknown option '" + u.getUnmatched().get(0) + "' for " + where.getCommandName();
        }
        return msg + "; " + where.getCommandName() + " takes " + (options.isEmpty() ? "no options" : options)
                + " (" + command + " " + where.getCommandName() + " --help)";
    }

    /** The usage text listing every subcommand. */
    public static String usage(String command) {
        return """
                Usage: %1$s <command> [options]

                Commands:
                  demo                 the main job: train SLISTA and LISTA on the NeurIPS 2019 simulated
                                       problem and show how many layers they save against ISTA
                  info [--json]        the Java runtime, the CPU's SIMD support, every compute backend
                                       (available or not, and why) and the backend 'auto' picks
                  doctor               what each unavailable backend and peer needs, and how to get it
                  train                train an unrolled network (lista, coupled, alista, step, first_step)
                                       on the Lasso objective and save it (safetensors)
                  eval                 a model's test loss per layer against ISTA and FISTA (table, CSV, PNG)
                  encode               codes of the signals in a .npy, by a model or by ISTA/FISTA
                  export               a model as a PyTorch state dict in ADOPTY's layout (--pytorch)
                                       and/or an ONNX graph (--onnx)
                  import               a PyTorch state dict of ADOPTY's Lista as a model file
                  serve                an HTTP encoder for a model: POST /encode, GET /health, GET /metrics
                  reproduce NAME...    the papers' experiments (reproduce --list)
                  test [mvn args...]   build and run all tests (launcher only)
                  build                build the project, tests skipped (launcher only)
                  bench [--quick] [--campaign FILE] [jmh args...]
                                       the JMH benchmarks, with ratios to the peers (launcher only)
                  help [COMMAND]       this text, or a command's options

                Every computing command takes --backend NAME, --dtype F32|F64, --threads N and --seed N;
                '%1$s COMMAND --help' lists its options. Every command takes --verbose (also print which
                backend 'auto' chose and why it skipped the others) and --version (-V). Without --backend,
                -Dunroll.backend or UNROLL_BACKEND choose; 'auto' (the default) picks the highest-priority
                available backend. Exit status: 0 ok, 1 failed, 2 bad usage or input.

                Environment:
                  UNROLL_BACKEND           the backend: auto (default) or a name, as --backend
                  UNROLL_VERBOSE           set to 1 for --verbose on every command
                  UNROLL_JAVA_OPTS         extra JVM flags for the launcher, e.g. -Xmx8g or -Dunroll.backend=NAME
                  UNROLL_JDK_SEARCH_PATHS  colon-separated glob patterns of JDK folders the launcher searches
                                           instead of the usual ones
                  UNROLL_KEEP_JVM_WARNINGS set to 1 to keep the JVM's "Using incubator modules" warning

                The launcher (./unroll) finds a JDK 25 or newer by itself (JAVA_HOME, then java on the PATH,
                then the usual install folders) and needs Maven 3.8+ to build; it builds the project first
                when it is missing or its sources changed.
                """.formatted(command);
    }

    static String commandName() {
        String name = System.getProperty(COMMAND_PROPERTY);
        return name == null || name.isBlank() ? "unroll" : name;
    }

    /** The root command: holds the streams the subcommands print to. */
    @Command(name = "unroll", subcommands = {InfoCommand.class, DoctorCommand.class, TrainCommand.class,
            EvalCommand.class, EncodeCommand.class, ServeCommand.class, ExportCommand.class, ImportCommand.class,
            ReproduceCommand.class, DemoCommand.class, HelpCommand.class},
            description = "Algorithm unrolling for inverse problems.")
    public static final class Root implements Runnable {
        final PrintStream out;
        final PrintStream err;

        // Inherited: every subcommand accepts it and lists it. Main reads it from the parse result, before the
        // command runs, because the logging must be set up by then.
        @CommandLine.Option(names = VERBOSE, scope = CommandLine.ScopeType.INHERIT,
                description = "also print which backend 'auto' chose and why others were skipped (or set "
                        + ConsoleLogging.ENV + "=1)")
        boolean verbose;

        Root(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void run() {
            out.print(usage(commandName()));
        }
    }

    /** {@code unroll help [COMMAND]}. */
    @Command(name = "help", description = "This text, or a command's options.")
    public static final class HelpCommand implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        Root root;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Parameters(arity = "0..1", paramLabel = "COMMAND")
        String topic;

        /** Creates the command. */
        public HelpCommand() {
        }

        @Override
        public Integer call() {
            if (topic == null) {
                root.out.print(usage(commandName()));
                return EXIT_OK;
            }
            CommandLine sub = spec.parent().subcommands().get(topic);
            if (sub == null) {
                throw new UsageException("no command '" + topic + "'; run '" + commandName() + " help' to list them");
            }
            sub.usage(root.out);
            return EXIT_OK;
        }
    }
}
