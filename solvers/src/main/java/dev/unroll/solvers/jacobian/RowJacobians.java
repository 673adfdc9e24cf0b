package dev.unroll.solvers.jacobian;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.Transpose;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Uploads;

/**
 * Forward-mode Jacobians of unrolled ISTA with respect to every row of the dictionary at once, on the
 * backend in F64 (PLIPY {@code jacobian.py:compute_nth_jac}, docs/science.md §5): for row l,
 * <pre>
 *   J_t = diag(1_{S_t}) [ J_{t−1} − (1/L)(D_l z_{t−1}ᵀ + (D_l·z_{t−1} − y_l) I + DᵀD J_{t−1}) ],
 * </pre>
 * with S_t = supp(z_t) and L held constant. The n Jacobians (m×m each) sit side by side in one m × (n·m)
 * matrix, so the dominant product (I − DᵀD/L)·J is a single GEMM for all rows; the rank-one and diagonal
 * terms are one small GEMM and one axpy per row, and the support mask is a per-row soft-threshold with
 * threshold 0 (keeps the row exactly) or a huge one (zeroes it). Truncated back-propagation of depth K is
 * the same recursion started from J = 0 at iteration N − K.
 */
public final class RowJacobians implements AutoCloseable {
    private static final double OFF_SUPPORT = 1e300;

    private final Backend be;
    private final int n;
    private final int m;
    private final double lipschitz;
    private final Matrix propagate;
    private final Matrix dTransposed;
    private final Matrix identity;
    private final Matrix[] jac = new Matrix[2];
    private final Matrix target;
    private final Matrix difference;
    private final Matrix z;
    private final Matrix tau;

    /**
     * Work space for the n×m dictionary {@code d} with the constant L = {@code lipschitz}.
     */
    public RowJacobians(Backend backend, HostMatrix d, double lipschitz) {
        if (backend == null || d == null || !(lipschitz > 0)) {
            throw new InvalidArgumentException("row Jacobians need a backend, a dictionary and L > 0, but L is "
                    + lipschitz);
        }
        this.be = backend;
        this.n = d.rows();
        this.m = d.cols();
        this.lipschitz = lipschitz;
        double[] a = new double[m * m];
        double[] dv = d.values();
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < m; q++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += dv[p * n + i] * dv[q * n + i];
                }
                a[q * m + p] = (p == q ? 1 : 0) - s / lipschitz;
            }
        }
        double[] eye = new double[m * m];
        for (int k = 0; k < m; k++) {
            eye[k * m + k] = 1;
        }
        this.propagate = backend.fromArray(a, m, m);
        this.dTransposed = Uploads.upload(backend, DType.F64, d.transpose());
        this.identity = backend.fromArray(eye, m, m);
        this.jac[0] = backend.allocate(DType.F64, m, n * m);
        this.jac[1] = backend.allocate(DType.F64, m, n * m);
        this.target = backend.allocate(DType.F64, m, n * m);
        this.difference = backend.allocate(DType.F64, m, n * m);
        this.z = backend.allocate(DType.F64, m, 1);
        this.tau = backend.allocate(DType.F64, m, 1);
    }

    /** The n×m shape this work space serves: n. */
    public int rows() {
        return n;
    }

    /**
     * Runs the recursion along {@code path} from J = 0 at iteration {@code from} to iteration {@code to}, and
     * calls {@code observer} after every iteration t listed in {@code observeAt} (ascending; t in from..to).
     * The observer can read the current Jacobians through {@link #errorsTo} or {@link #current()}.
     */
    public void run(IstaPath path, int from, int to, int[] observeAt, Observer observer) {
        if (path == null || path.dictionary().rows() != n || path.dictionary().cols() != m) {
            throw new ShapeMismatchException("the ISTA path must use an " + n + "×" + m + " dictionary");
        }
        if (from < 0 || to < from || to > path.iterations()) {
            throw new InvalidArgumentException("iterations must satisfy 0 ≤ from ≤ to ≤ " + path.iterations()
                    + ", but from=" + from + ", to=" + to);
        }
        double[] y = path.signal();
        double[] dv = path.dictionary().values();
        cur = 0;
        be.fill(jac[cur], 0);
        int next = 0;
        if (observeAt != null && next < observeAt.length && observeAt[next] == from) {
            observer.observe(from);
            next++;
        }
        double[] tauHost = new double[m];
        for (int t = from + 1; t <= to; t++) {
            double[] zPrev = path.shared(t - 1);
            double[] zNow = path.shared(t);
            Matrix in = jac[cur];
            Matrix out = jac[1 - cur];
            be.gemm(Transpose.NO, Transpose.NO, 1, propagate, in, 0, out);
            be.upload(zPrev, z);
            for (int l = 0; l < n; l++) {
                double c = -y[l];
                for (int k = 0; k < m; k++) {
                    c += dv[k * n + l] * zPrev[k];
                }
                Matrix block = out.columns(l * m, (l + 1) * m);
                be.gemm(Transpose.NO, Transpose.YES, -1 / lipschitz, dTransposed.columns(l, l + 1), z, 1, block);
                if (c != 0) {
                    be.axpy(-c / lipschitz, identity, block);
                }
            }
            for (int k = 0; k < m; k++) {
                tauHost[k] = zNow[k] != 0 ? 0 : OFF_SUPPORT;
            }
            be.upload(tauHost, tau);
            be.softThreshold(out, tau, 1, out, null);
            cur = 1 - cur;
            if (observeAt != null && next < observeAt.length && observeAt[next] == t) {
                observer.observe(t);
                next++;
            }
        }
    }

    /** Which of the two buffers holds the latest Jacobians. */
    private int cur;

    /** The Jacobians after the last completed iteration (m × n·m, block l = J_l); valid inside an observer too. */
    public HostMatrix current() {
        return Uploads.download(be, jac[cur]);
    }

    /** Sets the reference (e.g. J* from {@link ClosedFormJacobian}) that {@link #errorsTo} measures against. */
    public void setTarget(HostMatrix jStar) {
        if (jStar.rows() != m || jStar.cols() != n * m) {
            throw new ShapeMismatchException("J* must be " + m + "×" + (n * m) + ", but is " + jStar.rows() + "×"
                    + jStar.cols());
        }
        be.upload(jStar.values(), target);
    }

    /** ‖J_l − J*_l‖_F for each row l, for the current Jacobians. */
    public double[] errorsTo() {
        Matrix j = jac[cur];
        be.copy(j, difference);
        be.axpy(-1, target, difference);
        double[] out = new double[n];
        for (int l = 0; l < n; l++) {
            out[l] = be.norm(difference.columns(l * m, (l + 1) * m));
        }
        return out;
    }

    /** Called at the observed iterations of {@link #run}. */
    @FunctionalInterface
    public interface Observer {
        /** Iteration {@code t} is done. */
        void observe(int t);
    }

    /** Frees the work space. */
    @Override
    public void close() {
        for (Matrix mat : new Matrix[]{propagate, dTransposed, identity, jac[0], jac[1], target, difference, z, tau}) {
            mat.close();
        }
    }
}
