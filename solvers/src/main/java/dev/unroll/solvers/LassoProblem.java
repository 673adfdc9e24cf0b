package dev.unroll.solvers;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;

/**
 * A Lasso problem {@code min_z ½‖x − Dz‖² + λ‖z‖₁} bound to a backend: the dictionary D (n×m, column
 * convention) uploaded once in the chosen precision, λ and the Lipschitz constant L = ‖D‖₂² computed in
 * double precision on the host. The objective is averaged over the samples of a batch (docs/science.md §0).
 * Closing it frees D on the backend; the backend itself stays open (it belongs to the caller).
 */
public final class LassoProblem implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final HostMatrix hostDictionary;
    private final Matrix dictionary;
    private final double lambda;
    private final double lipschitz;

    private LassoProblem(Backend backend, DType dtype, HostMatrix d, Matrix dictionary, double lambda, double lipschitz) {
        this.backend = backend;
        this.dtype = dtype;
        this.hostDictionary = d;
        this.dictionary = dictionary;
        this.lambda = lambda;
        this.lipschitz = lipschitz;
    }

    /**
     * Validates and uploads a problem.
     *
     * @param backend where the problem is solved (stays the caller's)
     * @param dtype   the precision of every matrix of this problem
     * @param d       the dictionary, n×m, finite and not zero
     * @param lambda  λ &gt; 0
     */
    public static LassoProblem create(Backend backend, DType dtype, HostMatrix d, double lambda) {
        if (backend == null || dtype == null || d == null) {
            throw new InvalidArgumentException("a Lasso problem needs a backend, a dtype and a dictionary D, but got "
                    + "backend=" + backend + ", dtype=" + dtype + ", D=" + (d == null ? null : "given"));
        }
        requireLambda(lambda);
        if (d.rows() == 0 || d.cols() == 0) {
            throw new ShapeMismatchException("the dictionary D must have at least one row and one atom, but is "
                    + d.rows() + "×" + d.cols());
        }
        d.requireFinite("the dictionary D");
        double l = Spectral.lipschitz(d.values(), d.rows(), d.cols());
        if (l == 0) {
            throw new InvalidArgumentException("the dictionary D is zero (‖D‖₂ = 0): no Lasso step can be taken; "
                    + "check the dictionary");
        }
        if (!(l > 0) || Double.isInfinite(l)) {
            throw new InvalidArgumentException("the dictionary D is too large to solve with: L = ‖D‖₂² is " + l
                    + " (largest |D| = " + d.maxAbs() + "); scale D to entries of order 1");
        }
        Matrix dm = Uploads.upload(backend, dtype, d);
        return new LassoProblem(backend, dtype, d, dm, lambda, l);
    }

    /** Rejects λ ≤ 0 or non-finite with a message that says what λ means here. */
    public static double requireLambda(double lambda) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new InvalidArgumentException("λ must be a finite number > 0 (simulated data are scaled so that "
                    + "λ_max = ‖Dᵀx‖_∞ = 1, so λ in (0, 1) is a fraction of it), but is " + lambda);
        }
        return lambda;
    }

    /** The same dictionary with another λ (D is uploaded again: the two problems close independently). */
    public LassoProblem withLambda(double newLambda) {
        requireLambda(newLambda);
        return new LassoProblem(backend, dtype, hostDictionary, Uploads.upload(backend, dtype, hostDictionary),
                newLambda, lipschitz);
    }

    /** The backend the problem lives on. */
    public Backend backend() {
        return backend;
    }

    /** The precision of the problem's matrices. */
    public DType dtype() {
        return dtype;
    }

    /** D on the backend (n×m). */
    public Matrix dictionary() {
        return dictionary;
    }

    /** D on the host, in double precision. */
    public HostMatrix hostDictionary() {
        return hostDictionary;
    }

    /** The signal dimension n. */
    public int signalDim() {
        return hostDictionary.rows();
    }

    /** The number of atoms m. */
    public int atoms() {
        return hostDictionary.cols();
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** L = ‖D‖₂², the Lipschitz constant of the smooth part's gradient. */
    public double lipschitz() {
        return lipschitz;
    }

    /** Uploads a batch of signals (n×B), checking its shape and that every value is finite. */
    public Matrix uploadSignals(HostMatrix x) {
        if (x.rows() != signalDim()) {
            throw new ShapeMismatchException("signals must have n = " + signalDim() + " rows (one signal per column, "
                    + "like D's " + signalDim() + "×" + atoms() + "), but are " + x.rows() + "×" + x.cols());
        }
        x.requireFinite("the signals X");
        return Uploads.upload(backend, dtype, x);
    }

    /** A zero matrix of codes for {@code batch} samples (m×B). */
    public Matrix zeroCodes(int batch) {
        Matrix z = backend.allocate(dtype, atoms(), batch);
        backend.fill(z, 0);
        return z;
    }

    /** F(Z), the objective averaged over the columns. */
    public double objective(Matrix x, Matrix z) {
        return backend.lassoObjective(dictionary, x, z, lambda);
    }

    /** ‖Dᵀx‖_∞ for each column of {@code x}: the smallest λ for which z* = 0. */
    public static double[] lambdaMax(HostMatrix d, HostMatrix x) {
        double[] out = new double[x.cols()];
        int n = d.rows();
        for (int j = 0; j < x.cols(); j++) {
            double max = 0;
            for (int k = 0; k < d.cols(); k++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += d.values()[k * n + i] * x.values()[j * n + i];
                }
                max = Math.max(max, Math.abs(s));
            }
            out[j] = max;
        }
        return out;
    }

    /** Frees D on the backend (idempotent). */
    @Override
    public void close() {
        dictionary.close();
    }
}
