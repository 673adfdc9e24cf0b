package dev.unroll.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code unroll} command: dispatches the subcommand. {@link #run} does the work and returns the exit
 * status instead of exiting, so tests can call it; {@link #main} exits with that status.
 *
 * <p>Exit statuses: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} the command failed,
 * {@value #EXIT_USAGE} the command line was wrong.
 */
public final class Main {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** The command ran and failed. */
    public static final int EXIT_FAILURE = 1;
    /** Unknown subcommand or bad option. */
    public static final int EXIT_USAGE = 2;

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
        if (args.length == 0) {
            out.print(usage(command));
            return EXIT_OK;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "help", "-h", "--help" -> {
                    out.print(usage(command));
                    yield EXIT_OK;
                }
                case "info" -> new InfoCommand().run(rest, out);
                default -> throw new UsageException("unknown subcommand '" + args[0] + "'; run '" + command
                        + " help' to list the subcommands");
            };
        } catch (UsageException e) {
            err.println(command + ": " + e.getMessage());
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            err.println(command + ": " + args[0] + " failed: " + e.getMessage());
            return EXIT_FAILURE;
        } finally {
            out.flush();
        }
    }

    /** The usage text listing every subcommand. */
    public static String usage(String command) {
        return """
                Usage: %1$s <command> [options]

                Commands:
                  info [--json]        show the Java runtime, the CPU's SIMD support, every compute backend
                                       (available or not, and why) and the backend 'auto' picks
                  test [mvn args...]   build and run all tests (launcher only)
                  build                build the project, tests skipped (launcher only)
                  bench [--quick] [jmh args...]
                                       run the JMH benchmarks and print GFLOP/s, samples/s and ratios
                                       (launcher only)
                  help                 this text

                Choose a backend with -Dunroll.backend=NAME (through UNROLL_JAVA_OPTS for the launcher) or
                UNROLL_BACKEND=NAME; 'auto' (the default) picks the highest-priority available one.
                """.formatted(command);
    }

    private static String commandName() {
        String name = System.getProperty(COMMAND_PROPERTY);
        return name == null || name.isBlank() ? "unroll" : name;
    }
}
