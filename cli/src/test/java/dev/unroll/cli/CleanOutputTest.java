package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backends;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.training.StopReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands print their own lines only: no java.util.logging records (date and class, then "INFO: …"),
 * the backend choice only with --verbose and then as one plain line each, --version everywhere, one usage
 * block, integer CSV columns written as integers, and a training run's last line saying truthfully why it ended.
 */
class CleanOutputTest {
    @TempDir
    Path dir;

    /** The two lines JUL's default console handler prints per record. */
    private static final Pattern JUL_RECORD = Pattern.compile(
            "(?m)^([A-Z][a-z]{2} \\d{1,2}, \\d{4} .*(AM|PM) \\S+|(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*)$");

    /** No --backend: the runs choose automatically, which is what logs the choice. */
    private static final String[] TINY = {"--samples", "40", "--atoms", "8", "--dim", "5"};

    /** A run with a handler on the root JUL logger, which must see nothing and be back in place afterwards. */
    private static CliRun runWatchingJul(List<LogRecord> leaked, String... args) {
        Logger root = Logger.getLogger("");
        Handler watch = new Handler() {
            @Override
            public void publish(LogRecord record) {
                leaked.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(watch);
        try {
            CliRun r = CliRun.of(args);
            assertTrue(Arrays.asList(root.getHandlers()).contains(watch), "the run restores the root handlers");
            return r;
        } finally {
            root.removeHandler(watch);
        }
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static void assertNoJulRecord(CliRun r) {
        assertFalse(JUL_RECORD.matcher(r.out()).find(), "stdout: " + r.out());
        assertFalse(JUL_RECORD.matcher(r.err()).find(), "stderr: " + r.err());
    }

    @Test
    void trainEvalAndEncodePrintNoLogRecordsUnlessVerbose() throws Exception {
        List<LogRecord> leaked = new ArrayList<>();
        Path model = dir.resolve("m.safetensors");
        CliRun train = runWatchingJul(leaked, with(new String[]{"train", "-T", "3", "--iterations", "4", "-o",
                model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, train.status(), train.err());
        assertEquals("", train.err());
        assertTrue(train.out().startsWith("training a 3-layer"), "the header comes first: " + train.out());
        assertNoJulRecord(train);

        CliRun eval = runWatchingJul(leaked, "eval", "-m", model.toString(), "--samples", "20", "-o",
                dir.resolve("eval").toString());
        assertEquals(Main.EXIT_OK, eval.status(), eval.err());
        assertEquals("", eval.err());
        assertNoJulRecord(eval);

        Path x = dir.resolve("x.npy");
        double[] values = new double[10 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.cos(i);
        }
        Npy.writeF64(x, values, 10, 5);
        CliRun encode = runWatchingJul(leaked, "encode", "-m", model.toString(), "-i", x.toString(), "-o",
                dir.resolve("z.npy").toString());
        assertEquals(Main.EXIT_OK, encode.status(), encode.err());
        assertEquals("", encode.err());
        assertNoJulRecord(encode);
        assertEquals(List.of(), leaked, "no record reached the handlers the JVM had before the command");
    }

    @Test
    void verboseShowsTheBackendChoiceAsOnePlainLine() {
        String auto = Backends.autoChoice(Backends.survey()).orElseThrow().name();
        for (String[] args : new String[][]{
                with(new String[]{"train", "--verbose", "-T", "2", "--iterations", "1", "-o",
                        dir.resolve("v.safetensors").toString()}, TINY),
                with(new String[]{"--verbose", "train", "-T", "2", "--iterations", "1", "-o",
                        dir.resolve("w.safetensors").toString()}, TINY)}) {
            CliRun r = runWatchingJul(new ArrayList<>(), args);
            assertEquals(Main.EXIT_OK, r.status(), r.err());
            assertNoJulRecord(r);
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.stream().filter(l -> l.startsWith("unroll: Using backend '" + auto + "'")).count(),
                    r.err());
            for (String line : lines) {
                assertTrue(line.startsWith("unroll: Using backend") || line.startsWith("unroll: Skipped backend"), line);
            }
            long unavailable = Backends.survey().stream().filter(s -> s.priority() > Backends.survey().stream()
                    .filter(t -> t.name().equals(auto)).findFirst().orElseThrow().priority()).count();
            assertEquals(unavailable, lines.stream().filter(l -> l.startsWith("unroll: Skipped backend")).count(),
                    "one line per skipped backend: " + r.err());
        }
    }

    @Test
    void warningsStillReachStderrAsOnePlainLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ConsoleLogging ignored = ConsoleLogging.install(err, "unroll", false)) {
            System.Logger log = System.getLogger(CleanOutputTest.class.getName());
            log.log(System.Logger.Level.INFO, "not shown without --verbose");
            log.log(System.Logger.Level.WARNING, "the disk is\nnearly full");
        }
        assertEquals("unroll: the disk is nearly full" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void versionWorksAtTheTopAndOnEverySubcommand() {
        List<String[]> calls = new ArrayList<>(List.of(new String[]{"--version"}, new String[]{"-V"}));
        for (String sub : new CommandLine(new Main.Root(System.out, System.err)).getSubcommands().keySet()) {
            calls.add(new String[]{sub, "--version"});
            calls.add(new String[]{sub, "-V"});
        }
        assertTrue(calls.size() > 10, "every subcommand: " + calls.size());
        for (String[] args : calls) {
            CliRun r = CliRun.of(args);
            assertEquals(Main.EXIT_OK, r.status(), Arrays.toString(args) + ": " + r.err());
            assertEquals("", r.err(), Arrays.toString(args));
            assertEquals(BuildInfo.line() + System.lineSeparator(), r.out(), Arrays.toString(args));
        }
        assertTrue(BuildInfo.line().matches("unroll \\d+\\.\\d+\\.\\d+\\S*( \\(commit \\S+\\))?, Java .*"),
                "the version from the build, then Java: " + BuildInfo.line());
        assertTrue(BuildInfo.line().contains(Runtime.version().toString()), BuildInfo.line());
    }

    @Test
    void helpPrintsOneUsageBlockNamingTheLauncherAndItsEnvironment() {
        for (String[] args : new String[][]{{}, {"help"}, {"--help"}, {"-h"}}) {
            CliRun r = CliRun.of(args);
            assertEquals(Main.EXIT_OK, r.status());
            assertEquals(1, r.out().lines().filter(l -> l.startsWith("Usage:")).count(), r.out());
            for (String name : List.of("UNROLL_JAVA_OPTS", "UNROLL_BACKEND", "UNROLL_VERBOSE", "--verbose", "--version")) {
                assertTrue(r.out().contains(name), name + " in " + r.out());
            }
        }
    }

    @Test
    void evalCsvWritesCountsAsIntegers() throws Exception {
        Path model = dir.resolve("c.safetensors");
        CliRun train = CliRun.of(with(new String[]{"train", "-T", "3", "--iterations", "2", "--backend", "reference",
                "-o", model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, train.status(), train.err());
        for (boolean safeguard : new boolean[]{false, true}) {
            Path out = dir.resolve("eval-" + safeguard);
            List<String> args = new ArrayList<>(List.of("eval", "-m", model.toString(), "--samples", "20",
                    "--backend", "reference", "-o", out.toString()));
            if (safeguard) {
                args.add("--safeguard");
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(Main.EXIT_OK, r.status(), r.err());
            List<List<String>> rows = Csv.read(out.resolve("eval.csv"));
            List<String> header = rows.get(0);
            List<Integer> counts = new ArrayList<>(List.of(header.indexOf("layer"),
                    header.indexOf("ista_iterations_to_match")));
            if (safeguard) {
                counts.add(header.indexOf("safeguard_steps"));
            }
            assertFalse(counts.contains(-1), header.toString());
            for (int i = 1; i < rows.size(); i++) {
                assertEquals(Integer.toString(i - 1), rows.get(i).get(header.indexOf("layer")));
                for (int c : counts) {
                    String cell = rows.get(i).get(c);
                    assertTrue(cell.matches("\\d+") || (c == header.indexOf("ista_iterations_to_match") && cell.isEmpty()),
                            header.get(c) + " = '" + cell + "' in row " + i);
                }
                assertTrue(rows.get(i).get(header.indexOf("network_gap")).matches("[-0-9.eE]+"), rows.get(i).toString());
            }
        }
    }

    @Test
    void aTrainingRunSaysWhyItEnded() {
        assertEquals("finished its iterations", TrainCommand.ending(StopReason.BUDGET, null));
        assertTrue(TrainCommand.ending(StopReason.CONVERGED, null).startsWith("converged"));
        assertEquals("time limit of 1:30 reached", TrainCommand.ending(StopReason.TIME, Duration.ofSeconds(90)));
        assertEquals("stopped on request", TrainCommand.ending(StopReason.REQUESTED, null));
        assertTrue(TrainCommand.ending(StopReason.DIVERGED, null).contains("non-finite"));
        for (StopReason reason : StopReason.values()) {
            assertFalse(TrainCommand.ending(reason, Duration.ofMinutes(1)).contains("budget"), reason.name());
        }

        CliRun r = CliRun.of(with(new String[]{"train", "-T", "2", "--iterations", "3", "--backend", "reference", "-o",
                dir.resolve("e.safetensors").toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("after 3 iterations in ") && r.out().contains("(finished its iterations)"), r.out());
        assertFalse(r.out().contains("(budget)"), r.out());
    }
}
