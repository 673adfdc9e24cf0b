package dev.unroll.solvers.tv;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.spi.TautString;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;

/**
 * The 1-D TV-regularised inverse problem of NeurIPS 2020 (docs/science.md §9), in the project's column
 * convention: {@code P_x(u) = ½‖x − Φu‖² + λ‖Δu‖₁}, averaged over the batch.
 *
 * <p>Mapping from the paper's row convention {@code ½‖x − uA‖² + λ‖uD‖₁} (u a row of length k, A k×m):
 * Φ = Aᵀ is m×k, a signal u ∈ ℝᵏ is a column, (Δu)_i = u_{i+1} − u_i is Dᵀu, and the synthesis form
 * u = zL (L = triu(ones)) becomes u = Cz with C = Lᵀ the lower-triangular matrix of ones (a running sum),
 * so z₀ = u₀ is the unpenalised offset and z_i = u_i − u_{i−1}. The synthesis operator is Ψ = ΦC (m×k).
 *
 * <p>Holds the operators on the backend (Φ, C, C⁻¹, Φ⁺, Ψ) and the two Lipschitz constants ρ = ‖Φ‖² (the
 * analysis one) and ρ̃ = ‖ΦC‖² (the synthesis one). The TV term and its sign pattern are elementwise; the
 * SPI has no elementwise sign or |·| yet, so they go through {@link HostBridge}.
 * The gradient mapping's prox runs the engine's {@link TautString} on the host on purpose: in double whatever the
 * precision, so that its step ε·∇f (ε = 1e-10) is resolved next to u.
 */
public final class TvProblem implements AutoCloseable {
    private final Backend be;
    private final DType dtype;
    private final int k;
    private final int m;
    private final double lambda;
    private final HostMatrix phiHost;
    private final Matrix phi;
    private final Matrix cum;
    private final Matrix cumInverse;
    private final Matrix pinv;
    private final Matrix psi;
    private final double rho;
    private final double rhoSynthesis;
    private final Start start;
    private DualOperators dual;

    /**
     * Where the networks and the primal iterative solvers start: u₀ = Φ⁺x (CARPET's, the default) or u₀ = 0.
     * Zero is for ill-conditioned operators (an HRF convolution), where Φ⁺x amplifies the noise by cond(Φ)
     * and every method would first have to undo that. The dual (Chambolle) solvers start from v₀ = 0 either way.
     */
    public enum Start {
        /** u₀ = Φ⁺x. */
        PSEUDO_INVERSE("pinv"),
        /** u₀ = 0. */
        ZERO("zero");

        private final String id;

        Start(String id) {
            this.id = id;
        }

        /** The name model files use. */
        public String id() {
            return id;
        }

        /** The start called {@code id}. */
        public static Start fromId(String id) {
            for (Start s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            throw new InvalidArgumentException("unknown start '" + id + "'; expected pinv or zero");
        }
    }

    private TvProblem(Backend be, DType dtype, HostMatrix phiHost, double lambda, Start start) {
        this.start = start;
        this.be = be;
        this.dtype = dtype;
        this.m = phiHost.rows();
        this.k = phiHost.cols();
        this.lambda = lambda;
        this.phiHost = phiHost;
        HostMatrix c = cumulative(k);
        HostMatrix psiHost = multiply(phiHost, c);
        this.rho = Spectral.lipschitz(phiHost.values(), m, k);
        this.rhoSynthesis = Spectral.lipschitz(psiHost.values(), m, k);
        this.phi = Uploads.upload(be, dtype, phiHost);
        this.cum = Uploads.upload(be, dtype, c);
        this.cumInverse = Uploads.upload(be, dtype, difference(k));
        this.pinv = Uploads.upload(be, dtype, pseudoInverse(phiHost));
        this.psi = Uploads.upload(be, dtype, psiHost);
    }

    /**
     * The problem for the measurement operator Φ (m×k, column convention: x = Φu) and λ &gt; 0.
     *
     * @throws InvalidArgumentException when λ is not a finite positive number or Φ is not finite
     * @throws ShapeMismatchException   when k &lt; 2 (no differences to penalise) or Φ is empty
     */
    public static TvProblem create(Backend be, DType dtype, HostMatrix phi, double lambda) {
        return create(be, dtype, phi, lambda, Start.PSEUDO_INVERSE);
    }

    /** As {@link #create(Backend, DType, HostMatrix, double)}, starting from {@code start}. */
    public static TvProblem create(Backend be, DType dtype, HostMatrix phi, double lambda, Start start) {
        if (be == null || dtype == null || phi == null || start == null) {
            throw new InvalidArgumentException("a TV problem needs a backend, a precision and an operator Φ");
        }
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new InvalidArgumentException("λ must be a finite number > 0, but is " + lambda);
        }
        if (phi.cols() < 2 || phi.rows() < 1) {
            throw new ShapeMismatchException("Φ must be m×k with k ≥ 2 (the signal length) and m ≥ 1 measurements, "
                    + "but is " + phi.rows() + "×" + phi.cols());
        }
        phi.requireFinite("the operator Φ");
        return new TvProblem(be, dtype, phi, lambda, start);
    }

    /** The same operator with another λ (new backend copies). */
    public TvProblem withLambda(double newLambda) {
        return create(be, dtype, phiHost, newLambda, start);
    }

    public Backend backend() {
        return be;
    }

    public DType dtype() {
        return dtype;
    }

    /** The signal length k. */
    public int length() {
        return k;
    }

    /** The number of measurements m. */
    public int measurements() {
        return m;
    }

    public double lambda() {
        return lambda;
    }

    /** Φ (m×k) on the host. */
    public HostMatrix operator() {
        return phiHost;
    }

    /** Φ on the backend. */
    public Matrix phi() {
        return phi;
    }

    /** C (k×k), lower-triangular ones: u = Cz. */
    public Matrix cumulative() {
        return cum;
    }

    /** C⁻¹ (k×k): z = C⁻¹u, z₀ = u₀ and z_i = u_i − u_{i−1}. */
    public Matrix cumulativeInverse() {
        return cumInverse;
    }

    /** Φ⁺ (k×m), the Moore–Penrose pseudo-inverse: by default the networks start from u₀ = Φ⁺x. */
    public Matrix pseudoInverse() {
        return pinv;
    }

    /** Ψ = ΦC (m×k), the synthesis operator. */
    public Matrix synthesis() {
        return psi;
    }

    /** ρ = ‖Φ‖₂², the analysis Lipschitz constant. */
    public double rho() {
        return rho;
    }

    /** ρ̃ = ‖ΦC‖₂², the synthesis Lipschitz constant. */
    public double rhoSynthesis() {
        return rhoSynthesis;
    }

    /** The operators of the primal–dual and dual solvers (Δ, Ψ_d, B), built on first use. */
    DualOperators dual() {
        if (dual == null) {
            dual = new DualOperators(be, dtype, phiHost);
        }
        return dual;
    }

    /** A zero k×b matrix. */
    public Matrix zeros(int b) {
        return be.allocate(dtype, k, b);
    }

    /** Uploads signals (m×b). */
    public Matrix upload(HostMatrix x) {
        if (x.rows() != m) {
            throw new ShapeMismatchException("signals must have m = " + m + " rows (one measurement vector per "
                    + "column), but are " + x.rows() + "×" + x.cols());
        }
        x.requireFinite("the signals X");
        return Uploads.upload(be, dtype, x);
    }

    /** Where the primal solvers start. */
    public Start start() {
        return start;
    }

    /** u₀ = Φ⁺x, or 0 (see {@link Start}), into {@code u} (k×b). */
    public void initialU(Matrix x, Matrix u) {
        if (start == Start.ZERO) {
            be.fill(u, 0);
        } else {
            be.gemm(1, pinv, x, 0, u);
        }
    }

    /** The mean objective P(U) = (1/B) Σ_b [½‖x_b − Φu_b‖² + λ‖Δu_b‖₁]. */
    public double objective(Matrix x, Matrix u) {
        return objective(x, u, null);
    }

    /**
     * The mean objective and, when {@code gradU} is not null, its (sub)gradient (1/B)[Φᵀ(ΦU − X) + λΔᵀsign(ΔU)]
     * with sign(0) = 0, as autograd's |·| gives it.
     */
    public double objective(Matrix x, Matrix u, Matrix gradU) {
        int b = x.cols();
        double data;
        try (Matrix r = be.allocate(dtype, m, b)) {
            be.copy(x, r);
            be.gemm(1, phi, u, -1, r);
            double norm = be.norm(r);
            data = 0.5 * norm * norm;
            if (gradU != null) {
                be.gemm(Transpose.YES, Transpose.NO, 1.0 / b, phi, r, 0, gradU);
            }
        }
        double[] uh = HostBridge.read(u);
        double tv = HostBridge.totalVariation(uh, k, b);
        if (gradU != null) {
            double[] g = HostBridge.read(gradU);
            HostBridge.addTvSubgradient(uh, k, b, lambda / b, g);
            HostBridge.write(g, gradU);
        }
        return (data + lambda * tv) / b;
    }

    /** The step ε of {@link #gradientMapping} (CARPET's {@code RegTV}, hard-coded there too). */
    public static final double MOREAU_STEP = 1e-10;

    /**
     * The mean objective and, into {@code gradU}, its gradient mapping (CARPET's {@code RegTV}, the
     * {@code use_moreau} option of LPGD-taut-string): G(u) = (u − prox_{ελ‖Δ·‖₁}(u − ε∇f(u)))/ε with
     * f = ½‖x − Φu‖² and ε = {@link #MOREAU_STEP}, averaged over the batch. Where no difference of u is 0 it
     * equals the subgradient {@link #objective(Matrix, Matrix, Matrix)} takes; on a constant piece it is the
     * limit of a proximal step (the piece moves as one) instead of sign(0) = 0. CARPET's backward ignores the
     * incoming gradient, so its G is B times the mean loss's; here it is the mean's (the line search absorbs
     * the scale). Computed in double on the host whatever the precision, so that ε·∇f is resolved next to u.
     */
    public double gradientMapping(Matrix x, Matrix u, Matrix gradU) {
        int b = x.cols();
        double value = objective(x, u, null);
        try (Matrix r = be.allocate(dtype, m, b)) {
            be.copy(x, r);
            be.gemm(1, phi, u, -1, r);
            be.gemm(Transpose.YES, Transpose.NO, 1, phi, r, 0, gradU);
        }
        double[] uh = HostBridge.read(u);
        double[] g = HostBridge.read(gradU);
        double[] v = new double[uh.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = uh[i] - MOREAU_STEP * g[i];
        }
        new TautString().proxColumns(v, k, b, MOREAU_STEP * lambda, v);
        for (int i = 0; i < v.length; i++) {
            g[i] = (uh[i] - v[i]) / MOREAU_STEP / b;
        }
        HostBridge.write(g, gradU);
        return value;
    }

    /** Per-sample objective values (for reports): P(u_b) for each column. */
    public double[] perSample(HostMatrix x, HostMatrix u) {
        double[] out = new double[x.cols()];
        for (int j = 0; j < x.cols(); j++) {
            double s = 0;
            for (int i = 0; i < m; i++) {
                double r = -x.get(i, j);
                for (int c = 0; c < k; c++) {
                    r += phiHost.get(i, c) * u.get(c, j);
                }
                s += r * r;
            }
            double tv = 0;
            for (int c = 0; c + 1 < k; c++) {
                tv += Math.abs(u.get(c + 1, j) - u.get(c, j));
            }
            out[j] = 0.5 * s + lambda * tv;
        }
        return out;
    }

    @Override
    public void close() {
        phi.close();
        cum.close();
        cumInverse.close();
        pinv.close();
        psi.close();
        if (dual != null) {
            dual.close();
        }
    }

    // ------------------------------------------------------------ host linear algebra on small matrices

    static HostMatrix cumulative(int k) {
        HostMatrix c = HostMatrix.zeros(k, k);
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                c.set(i, j, 1);
            }
        }
        return c;
    }

    static HostMatrix difference(int k) {
        HostMatrix d = HostMatrix.zeros(k, k);
        for (int i = 0; i < k; i++) {
            d.set(i, i, 1);
            if (i > 0) {
                d.set(i, i - 1, -1);
            }
        }
        return d;
    }

    static HostMatrix multiply(HostMatrix a, HostMatrix b) {
        HostMatrix c = HostMatrix.zeros(a.rows(), b.cols());
        for (int j = 0; j < b.cols(); j++) {
            for (int p = 0; p < a.cols(); p++) {
                double bv = b.get(p, j);
                for (int i = 0; i < a.rows(); i++) {
                    c.values()[j * a.rows() + i] += a.get(i, p) * bv;
                }
            }
        }
        return c;
    }

    /**
     * Φ⁺ through the smaller Gram matrix: Φᵀ(ΦΦᵀ)⁻¹ when m ≤ k (the paper's 5 measurements of 8 samples),
     * (ΦᵀΦ)⁻¹Φᵀ otherwise. Both assume full rank, which a Gaussian Φ has with probability one.
     */
    static HostMatrix pseudoInverse(HostMatrix phi) {
        HostMatrix t = phi.transpose();
        if (phi.rows() <= phi.cols()) {
            return multiply(t, inverse(multiply(phi, t)));
        }
        return multiply(inverse(multiply(t, phi)), t);
    }

    /** Gauss–Jordan with partial pivoting; fails on a (numerically) singular matrix. */
    static HostMatrix inverse(HostMatrix a) {
        int n = a.rows();
        double[][] w = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = a.get(i, j);
            }
            w[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(w[r][col]) > Math.abs(w[piv][col])) {
                    piv = r;
                }
            }
            if (Math.abs(w[piv][col]) < 1e-300) {
                throw new InvalidArgumentException("the operator Φ is rank deficient: its pseudo-inverse, the "
                        + "networks' starting point, is not defined; use an operator of full rank");
            }
            double[] tmp = w[col];
            w[col] = w[piv];
            w[piv] = tmp;
            double p = w[col][col];
            for (int j = 0; j < 2 * n; j++) {
                w[col][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && w[r][col] != 0) {
                    double f = w[r][col];
                    for (int j = 0; j < 2 * n; j++) {
                        w[r][j] -= f * w[col][j];
                    }
                }
            }
        }
        HostMatrix inv = HostMatrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                inv.set(i, j, w[i][n + j]);
            }
        }
        return inv;
    }
}
