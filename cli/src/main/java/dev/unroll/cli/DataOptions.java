package dev.unroll.cli;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.tv.TvData;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import dev.unroll.solvers.io.SignalReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where training or test signals come from: a named generator ({@code simulated}: the NeurIPS 2019 data,
 * {@code digits}: scikit-learn's 8×8 digits) or a {@code .npy} of shape (N, n), one signal per row, with its
 * dictionary from {@code --dictionary}.
 */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "simulated|digits|FILE.npy", defaultValue = "simulated",
            description = "signals: a generator (simulated, digits) or a .npy of shape (N, n), one signal per row "
                    + "(default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--dictionary", paramLabel = "FILE.npy",
            description = "the dictionary for .npy signals: shape (n, m) (column convention) or (m, n) (rows are atoms)")
    Path dictionary;

    @Option(names = "--samples", paramLabel = "N",
            description = "signals a generator draws (default: 10000 to train, 1000 to evaluate)")
    Integer samples;

    @Option(names = "--atoms", paramLabel = "M", defaultValue = "256",
            description = "atoms m of a generated dictionary (default: ${DEFAULT-VALUE})")
    int atoms;

    @Option(names = "--dim", paramLabel = "N", defaultValue = "64",
            description = "signal dimension n of simulated data (default: ${DEFAULT-VALUE}; digits are 64)")
    int dim;

    /** Creates the option holder (picocli fills it). */
    public DataOptions() {
    }

    /** The dimension of the digits signals: scikit-learn's 8×8 images. */
    static final int DIGITS_DIM = 64;
    /** What {@link #requireFile} asks for when a {@code .npy} is missing. */
    static final String NPY = "a .npy file";
    /** What {@link #requireFile} asks for when a model is missing. */
    static final String MODEL = "a model file written by train (.safetensors)";

    /**
     * Called with a data set's size before its signals are drawn or read, to refuse sizes that cannot fit.
     */
    @FunctionalInterface
    interface SizeCheck {
        /** {@code samples} signals of dimension {@code dim}, for a dictionary of {@code atoms} atoms. */
        void check(int samples, int dim, int atoms);
    }

    /** True when the signals come from a file. */
    boolean fromFile() {
        return !data.equals("simulated") && !data.equals("digits");
    }

    /** The training set: the dictionary and all the signals; {@code sizes} sees its size first. */
    CodingData trainingSet(long seed, SizeCheck sizes) throws IOException {
        return switch (data) {
            case "simulated" -> {
                int samples = count(10_000);
                sizes.check(samples, dim, atoms);
                yield Generators.simulated(samples, atoms, dim, samples, seed);
            }
            case "digits" -> {
                int samples = count(10_000);
                sizes.check(samples, DIGITS_DIM, atoms);
                yield Generators.digits(atoms, samples, 0, seed);
            }
            default -> {
                Path file = requireFile(Path.of(data), "--data", NPY);
                if (dictionary == null) {
                    throw new UsageException("signals from a file need their dictionary: add --dictionary D.npy "
                            + "(shape (n, m) or (m, n))");
                }
                try (SignalReader r = SignalReader.open(file)) {
                    HostMatrix d = dictionary(dictionary, r.dimension());
                    sizes.check(r.count(), r.dimension(), d.cols());
                    HostMatrix x = r.readAll();
                    yield new CodingData(d, x, x.cols(), data);
                }
            }
        };
    }

    /**
     * A TV training set (docs/science.md §9): {@code simulated} draws piecewise-constant signals of length
     * k = {@code --atoms} seen through m = {@code --dim} Gaussian measurements (jump density 0.2, snr 0 dB,
     * scaled to λ_max = 1, as CARPET's {@code synthetic_1d_dataset}; 1 000 signals unless {@code --samples});
     * a file brings its operator Φ (m, k) or (k, m) in {@code --dictionary}. The operator is the returned
     * set's dictionary (m×k).
     */
    CodingData tvTrainingSet(long seed, SizeCheck sizes) throws IOException {
        return switch (data) {
            case "simulated" -> {
                int samples = count(1_000);
                sizes.check(samples, dim, atoms);
                TvData d = TvData.generate(atoms, dim, samples, TV_JUMPS, 0.0, seed);
                yield new CodingData(d.operator(), d.signals(), samples, "simulated TV");
            }
            case "digits" -> throw new UsageException("--problem tv has no digits data: use --data simulated, or a "
                    + ".npy of signals with --dictionary Φ");
            default -> trainingSet(seed, sizes);
        };
    }

    /** Test signals for a TV model with operator {@code phi} (m×k), drawn as {@link #tvTrainingSet} draws them. */
    HostMatrix tvTestSignals(HostMatrix phi, long seed, SizeCheck sizes) throws IOException {
        return switch (data) {
            case "simulated" -> {
                int samples = count(1_000);
                sizes.check(samples, phi.rows(), phi.cols());
                yield TvData.sample(phi, samples, TV_JUMPS, 0.0, new NumpyRandom(seed & 0xffffffffL)).signals();
            }
            case "digits" -> throw new UsageException("--problem tv has no digits data: use --data simulated or a .npy");
            default -> testSignals(phi, seed, sizes);
        };
    }

    /** The jump density of simulated TV signals (the paper's s = 0.2). */
    static final double TV_JUMPS = 0.2;

    /**
     * Test signals for a model whose dictionary is {@code d}: drawn from it ({@code simulated}), the real
     * digits ({@code digits}; D must be the digits dictionary of this seed), or a file.
     */
    HostMatrix testSignals(HostMatrix d, long seed, SizeCheck sizes) throws IOException {
        return switch (data) {
            case "simulated" -> {
                int samples = count(1_000);
                sizes.check(samples, d.rows(), d.cols());
                yield Generators.signalsFor(d, samples, seed);
            }
            case "digits" -> {
                int samples = count(1_000);
                sizes.check(samples, d.rows(), d.cols());
                CodingData digits = Generators.digits(d.cols(), 0, samples, seed);
                if (!java.util.Arrays.equals(digits.dictionary().values(), d.values())) {
                    throw new UsageException("the model's dictionary is not the digits dictionary of seed " + seed
                            + "; pass the --seed the model was trained with, or test signals as a .npy");
                }
                yield digits.test();
            }
            default -> {
                try (SignalReader r = SignalReader.open(requireFile(Path.of(data), "--data", NPY))) {
                    if (r.dimension() != d.rows()) {
                        throw new UsageException(data + " holds signals of dimension " + r.dimension() + " but the "
                                + "model's dictionary has n = " + d.rows() + "; give a (N, " + d.rows() + ") array");
                    }
                    sizes.check(r.count(), r.dimension(), d.cols());
                    yield r.readAll();
                }
            }
        };
    }

    private int count(int fallback) {
        int n = samples == null ? fallback : samples;
        if (n < 1) {
            throw new UsageException("--samples must be ≥ 1, but is " + n);
        }
        return n;
    }

    /**
     * The dictionary in {@code file} for signals of dimension {@code n}: a 2-D {@code .npy} of shape (n, m)
     * (column convention) or (m, n) (rows are atoms, ADOPTY's), returned as n×m.
     */
    static HostMatrix dictionary(Path file, int n) throws IOException {
        HostMatrix d = readDictionary(file, "(n, m) or (m, n) with n = " + n);
        if (d.rows() == n) {
            return d;
        }
        if (d.cols() == n) {
            return d.transpose();
        }
        throw new UsageException("--dictionary " + file + " is " + d.rows() + "×" + d.cols()
                + " but the signals have dimension n = " + n + "; one side of D must be n");
    }

    /**
     * The dictionary in {@code file} as it is stored, for when no signals tell its orientation: a 2-D
     * {@code .npy} of shape (n, m), one atom per column.
     */
    static HostMatrix dictionary(Path file) throws IOException {
        return readDictionary(file, "(n, m): one atom per column");
    }

    private static HostMatrix readDictionary(Path file, String expected) throws IOException {
        NpyArray a = Npy.read(requireFile(file, "--dictionary", NPY));
        if (a.rank() != 2) {
            throw new UsageException("--dictionary " + file + " has shape " + java.util.Arrays.toString(a.shape())
                    + "; expected a 2-D array " + expected);
        }
        return new HostMatrix(a.rows(), a.cols(), a.toColumnMajor());
    }

    /** {@code file}, when it is a regular file; else a usage error saying that {@code expected} was wanted. */
    static Path requireFile(Path file, String option, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + " " + file + ": no such file"
                    + (Files.isDirectory(file) ? " (it is a folder)" : "") + "; give the path of " + expected);
        }
        return file;
    }
}
