package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.service.Batching;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI never destroys an input, never loses its work to an output it cannot write, refuses sizes and
 * numbers that cannot work before it starts (one line, exit status 2), and leaves no temporaries behind.
 */
class CommandSafetyTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static Path model;
    private static Path signals;
    private static Path dictionary;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static final String[] TINY = {"--samples", "60", "--atoms", "12", "--dim", "6", "--backend", "reference"};

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        model = shared.resolve("m.safetensors");
        CliRun r = run(concat(new String[]{"train", "-p", "step", "-T", "3", "-l", "0.2", "--iterations", "3",
                "-o", model.toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        signals = shared.resolve("x.npy");
        writeSignals(signals, 30, 1);
        dictionary = shared.resolve("d.npy");
        double[] d = new double[6 * 12];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.cos(3 * i);
        }
        Npy.writeF64(dictionary, d, 6, 12);
    }

    /** {@code count} signals of dimension 6, times {@code scale}. */
    private static void writeSignals(Path file, int count, double scale) throws IOException {
        double[] x = new double[count * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * Math.sin(i);
        }
        Npy.writeF64(file, x, count, 6);
    }

    private static void assertBad(CliRun r, String... fragments) {
        assertEquals(Main.EXIT_USAGE, r.status(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' in: " + r.err());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path copy(Path file) throws IOException {
        return Files.copy(file, dir.resolve(file.getFileName()));
    }

    private String[] encodeModel(Path in, Path out, String... more) {
        return concat(new String[]{"encode", "-m", model.toString(), "-i", in.toString(), "-o", out.toString(),
                "--backend", "reference"}, more);
    }

    private String[] encodeFista(Path in, Path d, Path out, String... more) {
        return concat(new String[]{"encode", "--solver", "fista", "--dictionary", d.toString(), "-l", "0.1", "-i",
                in.toString(), "-o", out.toString(), "--backend", "reference"}, more);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    // ------------------------------------------------------------------ item 6: outputs that are inputs

    @Test
    void encodeRefusesToWriteOverItsInputUnderAnySpelling() throws IOException {
        Path x = copy(signals);
        byte[] before = Files.readAllBytes(x);
        assertBad(run(encodeModel(x, x)), "is the input --in");
        assertBad(run(encodeModel(x, dir.resolve(".").resolve("x.npy"))), "is the input --in");
        assertBad(run(encodeModel(x, dir.resolve("sub").resolve("..").resolve("x.npy"))), "is the input --in");
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), x);
        assertBad(run(encodeModel(x, link)), "is the input --in");
        Path hard = Files.createLink(dir.resolve("hard.npy"), x);
        assertBad(run(encodeModel(x, hard)), "is the input --in");
        assertArrayEquals(before, Files.readAllBytes(x), "the input is untouched");
    }

    @Test
    void encodeRefusesToWriteOverItsModelOrDictionary() throws IOException {
        Path m = copy(model);
        byte[] before = Files.readAllBytes(m);
        CliRun r = run("encode", "-m", m.toString(), "-i", signals.toString(), "-o", m.toString(), "--backend",
                "reference");
        assertBad(r, "is the input --model");
        assertArrayEquals(before, Files.readAllBytes(m));
        Path d = copy(dictionary);
        assertBad(run(encodeFista(signals, d, d)), "is the input --dictionary");
    }

    @Test
    void trainRefusesToWriteOverItsData() throws IOException {
        Path x = copy(signals);
        byte[] before = Files.readAllBytes(x);
        CliRun r = run("train", "--data", x.toString(), "--dictionary", dictionary.toString(), "-T", "2",
                "--iterations", "2", "-o", x.toString(), "--backend", "reference");
        assertBad(r, "is the input --data");
        assertArrayEquals(before, Files.readAllBytes(x));
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsFoundBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        Path out = file.resolve("models").resolve("m.safetensors");
        CliRun r = run(concat(new String[]{"train", "-T", "2", "--iterations", "2", "-o", out.toString()}, TINY));
        assertBad(r, "cannot create the folder", file + " is a file");
        assertFalse(r.out().contains("training"), "refused before training: " + r.out());
        assertEquals("a file, not a folder", Files.readString(file));
    }

    // ------------------------------------------------------------------ item 7: a model it cannot load

    @Test
    void signalsWhoseLossOverflowsAreRefusedNamingTheScaleAndNothingIsWritten() throws IOException {
        Path huge = dir.resolve("huge.npy");
        writeSignals(huge, 30, 1e200);
        Path out = dir.resolve("m.safetensors");
        CliRun r = run("train", "--data", huge.toString(), "--dictionary", dictionary.toString(), "-T", "2",
                "--iterations", "5", "-o", out.toString(), "--backend", "reference");
        assertBad(r, "training loss is Infinity", "scale");
        assertFalse(Files.exists(out));
    }

    @Test
    void signalsWhoseStepsOverflowStillGiveAModelEvalLoads() throws IOException {
        Path large = dir.resolve("large.npy");
        writeSignals(large, 30, 1e150); // a finite loss (≈ 1e300), but steps that overflow it
        Path out = dir.resolve("m.safetensors");
        CliRun r = run("train", "--data", large.toString(), "--dictionary", dictionary.toString(), "-T", "2",
                "--iterations", "5", "-o", out.toString(), "--backend", "reference");
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        CliRun eval = run("eval", "-m", out.toString(), "--samples", "20", "--backend", "reference", "-o",
                dir.resolve("eval").toString());
        assertEquals(Main.EXIT_OK, eval.status(), "the saved model loads: " + eval.err());
    }

    // ------------------------------------------------------------------ item 10: sizes and numbers up front

    @Test
    void threadsBeyondAFewPerCoreAreRefused() {
        int cap = EngineOptions.MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
        assertBad(run(concat(new String[]{"train", "-o", dir.resolve("m").toString(), "--threads", "100000"}, TINY)),
                "--threads must be in 1.." + cap);
        assertBad(run(encodeModel(signals, dir.resolve("z.npy"), "--threads", "100000")), "--threads");
        assertFalse(Files.exists(dir.resolve("z.npy")));
    }

    @Test
    void sizesNoJavaArrayCanHoldAreRefusedWithTheOptionToChange() {
        Path out = dir.resolve("m.safetensors");
        assertBad(run("train", "--samples", "2000000000", "-o", out.toString(), "--backend", "reference"),
                "the training signals (64×2000000000", "use fewer --samples");
        assertBad(run("train", "--dim", "100000", "--atoms", "100000", "--samples", "10", "-o", out.toString(),
                "--backend", "reference"), "the dictionary (100000×100000", "a smaller --dim or --atoms");
        assertBad(run("eval", "-m", model.toString(), "--samples", "2000000000", "--backend", "reference", "-o",
                dir.resolve("e").toString()), "the test signals", "use fewer --samples");
        assertFalse(Files.exists(out));
    }

    @Test
    void sizesBeyondTheHeapAreRefusedWithTheXmxHint() {
        // Each array fits one Java array, but all of them together take hundreds of GiB.
        CliRun r = run("train", "--samples", "2000000", "--dim", "1000", "-o", dir.resolve("m").toString(),
                "--backend", "reference");
        assertBad(r, "this run needs about", "UNROLL_JAVA_OPTS=-Xmx");
        UsageException e = assertThrows(UsageException.class, () -> new MemoryBudget(true)
                .hostArray("the signals", 1000, 1000, "fewer").check(1_000_000, "use fewer"));
        assertTrue(e.getMessage().contains("about 7.6 MiB") && e.getMessage().contains("at most 976.6 KiB"),
                e.getMessage());
        new MemoryBudget(false).backend("on a GPU", 1e12, 8).check(1_000_000, "never"); // not the heap's
    }

    @Test
    void aBatchLargerThanTheFileIsTheWholeFile() throws IOException {
        Path z = dir.resolve("z.npy");
        CliRun r = run(encodeModel(signals, z, "--batch", "2147483647"));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("in batches of 30"), r.out());
        assertEquals(30, Npy.read(z).rows());
    }

    @Test
    void aBatchLargerThanTheBackendsLimitIsCappedThere() throws IOException {
        // A file of more signals than Batching.MAX_BATCH: --batch beyond both codes in batches of the limit.
        Path big = dir.resolve("big.npy");
        writeSignals(big, Batching.MAX_BATCH + 10, 0.1);
        Path z = dir.resolve("z-big.npy");
        CliRun r = run(encodeModel(big, z, "--batch", "2147483647"));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertTrue(r.out().contains("in batches of " + Batching.MAX_BATCH), r.out());
        assertEquals(Batching.MAX_BATCH + 10, Npy.read(z).rows());
    }

    @Test
    void aDictionaryTooLargeToSolveWithIsNotCalledZero() throws IOException {
        Path d = dir.resolve("d.npy");
        double[] v = new double[6 * 12];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1e200 * Math.cos(3 * i);
        }
        Npy.writeF64(d, v, 6, 12);
        CliRun r = run(encodeFista(signals, d, dir.resolve("z.npy")));
        assertBad(r, "too large", "scale D");
        assertFalse(r.err().contains("zero"), r.err());
    }

    @Test
    void aMissingModelIsCalledAModelNotANpy() {
        Path missing = dir.resolve("missing.safetensors");
        for (CliRun r : List.of(
                run("encode", "-m", missing.toString(), "-i", signals.toString(), "-o", dir.resolve("z.npy").toString()),
                run("eval", "-m", missing.toString(), "--backend", "reference"))) {
            assertBad(r, "no such file", "a model file written by train");
            assertFalse(r.err().contains(".npy"), r.err());
        }
    }

    @Test
    void anOutputInsideAFileIsRefusedUpFront() throws IOException {
        Path file = Files.writeString(dir.resolve("FILE"), "x");
        assertBad(run(encodeModel(signals, file.resolve("Z.npy"))), "cannot create the folder", "is a file");
        assertBad(run("eval", "-m", model.toString(), "--backend", "reference", "-o", file.toString()),
                "is a file, not a folder");
    }

    @Test
    void adamBatchSizeAndSolverIterationsMustBePositive() {
        Path out = dir.resolve("m.safetensors");
        assertBad(run(concat(new String[]{"train", "--optimizer", "adam", "--batch-size", "0", "-o", out.toString()},
                TINY)), "--batch-size ≥ 1");
        assertBad(run(concat(new String[]{"train", "--optimizer", "adam", "--learning-rate", "-1", "-o",
                out.toString()}, TINY)), "--learning-rate > 0");
        assertBad(run(encodeFista(signals, dictionary, dir.resolve("z.npy"), "--max-iterations", "0")),
                "--max-iterations ≥ 1");
        assertBad(run(encodeFista(signals, dictionary, dir.resolve("z.npy"), "--tolerance", "NaN")),
                "--tolerance ≥ 0");
        assertFalse(Files.exists(out));
    }

    @Test
    void aDtypeThatIsNotTheModelsIsRefusedNotIgnored() {
        Path z = dir.resolve("z.npy");
        assertBad(run(encodeModel(signals, z, "--dtype", "F32")), "--dtype F32 does not apply", "model is F64");
        assertBad(run("eval", "-m", model.toString(), "--dtype", "F32", "--samples", "20", "--backend", "reference",
                "-o", dir.resolve("e").toString()), "--dtype F32 does not apply");
        assertFalse(Files.exists(z));
        assertEquals(Main.EXIT_OK, run(encodeModel(signals, z, "--dtype", "F64")).status(), "the model's own is fine");
    }

    // ------------------------------------------------------------------ item 12: temporaries

    /** A process id no system hands out (Linux caps them at 2²²): its writer is surely gone. */
    private static final long DEAD_PID = Integer.MAX_VALUE;

    private Path plantTemporary(String target, long pid) throws IOException {
        Path temp = Files.write(dir.resolve("." + target + "." + pid + ".5eed.tmp"), new byte[100]);
        Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minusSeconds(86_400)));
        return temp;
    }

    @Test
    void theNextRunRemovesAKilledRunsTemporaryButNeverALiveOne() throws IOException {
        Path stale = plantTemporary("z.npy", DEAD_PID);
        Path live = plantTemporary("z.npy", ProcessHandle.current().parent().orElseThrow().pid());
        Path z = dir.resolve("z.npy");
        assertEquals(Main.EXIT_OK, run(encodeModel(signals, z)).status());
        assertFalse(Files.exists(stale), "a dead writer's temporary is removed");
        assertTrue(Files.exists(live), "a live writer's temporary is kept");
        Path staleModel = plantTemporary("m.safetensors", DEAD_PID);
        CliRun r = run(concat(new String[]{"train", "-T", "2", "--iterations", "1", "-o",
                dir.resolve("m.safetensors").toString()}, TINY));
        assertEquals(Main.EXIT_OK, r.status(), r.err());
        assertFalse(Files.exists(staleModel), "train cleans its target's too");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void ctrlCDuringEncodeLeavesNoTemporary() throws Exception {
        Path x = dir.resolve("many.npy");
        writeSignals(x, 20_000, 1);
        Path z = dir.resolve("z.npy");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        // ISTA one signal at a time to a tolerance of 0: minutes of work, stopped long before its end.
        command.addAll(List.of(encodeFista(x, dictionary, z, "--batch", "1", "--tolerance", "0",
                "--max-iterations", "100000")));
        command.set(command.indexOf("fista"), "ista");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (temporaries().isEmpty()) {
                assertTrue(p.isAlive(), () -> "encode ended before writing: " + log());
                assertTrue(System.nanoTime() < deadline, "no temporary appeared within 60 s: " + log());
                Thread.sleep(20);
            }
            p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C (SIGINT)
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "encode did not stop within 30 s of SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(), temporaries(), "the half-written codes are removed: " + log());
        assertFalse(Files.exists(z), "and no output appears");
    }

    private List<Path> temporaries() throws IOException {
        return files().stream().filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("log.txt"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
