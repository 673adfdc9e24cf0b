package dev.unroll.solvers.service;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.iterative.Fista;
import dev.unroll.solvers.iterative.IterativeResult;
import dev.unroll.solvers.iterative.Ista;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.SafeguardedNetwork;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.util.concurrent.TimeUnit;

/**
 * A sparse coder a service keeps for its lifetime and calls from many threads: a trained network, or ISTA
 * / FISTA, bound to a backend. {@link #encode(float[], float[])} codes one signal, {@link #encode(HostMatrix)}
 * a batch. Calls are thread-safe; each borrows a workspace (backend matrices sized to its batch: one column
 * for a single signal) from a bounded pool, so a steady stream of calls allocates nothing on the backend and
 * an idle solver keeps at most one batch's worth of workspaces (freed after 10 s idle). With
 * {@link Batching#upTo} concurrent single-signal calls are gathered into one backend batch by a
 * {@link MicroBatcher}; a signal holding NaN or ±Inf is refused before it joins a batch, so it fails its own
 * call only, and a batch that fails anyway runs again signal by signal.
 *
 * <p>Interruption: a single-signal call waiting for its micro-batch, and a batch call before each chunk of
 * {@code maxBatch} signals, throw {@link EncodeInterruptedException} when their thread is interrupted, with
 * the interrupt flag set again and nothing written. Closing the solver stops the batcher (queued calls
 * finish first) and frees the workspaces; every call after it fails with {@link InvalidArgumentException}
 * "this solver is closed". The network or problem stays the caller's.
 */
public final class Solver implements AutoCloseable {
    /** How long a workspace stays pooled without use before it is freed (the class comment says it too). */
    private static final int IDLE_RELEASE_SECONDS = 10;

    private final BatchEncoder encoder;
    private final Backend be;
    private final DType dtype;
    private final int n;
    private final int m;
    private final int capacity;
    private final WorkspacePool pool;
    private final MicroBatcher batcher;
    private volatile boolean closed;

    private Solver(BatchEncoder encoder, LassoProblem problem, Batching batching) {
        this(encoder, problem, batching, TimeUnit.SECONDS.toNanos(IDLE_RELEASE_SECONDS));
    }

    /** With the idle release time in nanoseconds (tests shorten it). */
    Solver(BatchEncoder encoder, LassoProblem problem, Batching batching, long idleReleaseNanos) {
        this.encoder = encoder;
        this.be = problem.backend();
        this.dtype = problem.dtype();
        this.n = problem.signalDim();
        this.m = problem.atoms();
        this.capacity = batching.maxBatch();
        int widest = Math.max(n, m);
        if ((long) widest * capacity > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new InvalidArgumentException("maxBatch " + capacity + " × " + widest + " values per signal or code"
                    + " is more than one Java array holds; use maxBatch ≤ " + HostMatrix.MAX_ARRAY_LENGTH / widest);
        }
        this.pool = new WorkspacePool(c -> new Workspace(be, dtype, n, m, encoder, c), capacity, idleReleaseNanos);
        this.batcher = batching.enabled() ? new MicroBatcher(this, batching) : null;
    }

    /** A solver running {@code net} (which stays the caller's and must outlive the solver). */
    public static Solver of(UnrolledNetwork net, Batching batching) {
        return new Solver(new NetworkEncoder(net), net.problem(), batching);
    }

    /**
     * {@code net} with safeguarded inference ({@link SafeguardedNetwork}): after every layer each signal keeps
     * the better of the layer's output and one ISTA step from the same point. The layers are copied at
     * creation; the network stays the caller's.
     */
    public static Solver safeguarded(UnrolledNetwork net, Batching batching) {
        return new Solver(new SafeguardedEncoder(SafeguardedNetwork.of(net)), net.problem(), batching);
    }

    /**
     * ISTA from 0 with {@code stopping} on {@code problem}: each signal stops on its own duality gap, so its
     * code does not depend on the other signals of a batch.
     */
    public static Solver ista(LassoProblem problem, Stopping stopping, Batching batching) {
        return new Solver(new IterativeEncoder(problem, stopping, false), problem, batching);
    }

    /** FISTA from 0 with {@code stopping} on {@code problem}. */
    public static Solver fista(LassoProblem problem, Stopping stopping, Batching batching) {
        return new Solver(new IterativeEncoder(problem, stopping, true), problem, batching);
    }

    /** The signal dimension n. */
    public int signalDim() {
        return n;
    }

    /** The code length m. */
    public int atoms() {
        return m;
    }

    /**
     * The codes of one signal {@code x} (n finite values) into {@code z} (m values).
     *
     * @throws NonFiniteInputException when {@code x} holds NaN or ±Inf (only this call fails)
     * @throws EncodeInterruptedException when the thread is interrupted while its micro-batch is pending
     */
    public void encode(float[] x, float[] z) {
        checkSingle(x.length, z.length);
        requireFinite(x);
        if (batcher != null) {
            batcher.submit(x, z);
        } else {
            encodeDirect(x, z);
        }
    }

    /** The codes of one signal, as a new array. */
    public float[] encode(float[] x) {
        float[] z = new float[m];
        encode(x, z);
        return z;
    }

    /** The codes of one signal {@code x} into {@code z}, in double precision arrays. */
    public void encode(double[] x, double[] z) {
        checkSingle(x.length, z.length);
        if (dtype == DType.F64) {
            // Keep double precision end to end for F64 solvers: run it as a batch of one.
            HostMatrix out = encode(new HostMatrix(n, 1, x.clone()));
            System.arraycopy(out.values(), 0, z, 0, m);
            return;
        }
        float[] xf = new float[n];
        float[] zf = new float[m];
        for (int i = 0; i < n; i++) {
            xf[i] = (float) x[i];
        }
        encode(xf, zf);
        for (int i = 0; i < m; i++) {
            z[i] = zf[i];
        }
    }

    /**
     * The codes of a batch of signals (n×B, one per column) as m×B; split into chunks of {@code maxBatch}.
     *
     * @throws EncodeInterruptedException when the thread is interrupted (checked before each chunk)
     */
    public HostMatrix encode(HostMatrix x) {
        return encode(x, null);
    }

    /**
     * As {@link #encode(HostMatrix)}, and records in {@code report} (null: nothing) what was done to each
     * signal: iterations and convergence for ISTA/FISTA, the ISTA steps a safeguarded network took.
     */
    public HostMatrix encode(HostMatrix x, SignalReport report) {
        requireOpen();
        if (report != null && report.signals() < x.cols()) {
            throw new ShapeMismatchException("the report holds " + report.signals() + " signals but the batch has "
                    + x.cols() + "; make one with SignalReport.forSignals(" + x.cols() + ")");
        }
        if (x.rows() != n) {
            throw new ShapeMismatchException("signals must have n = " + n + " rows (one signal per column), but are "
                    + x.rows() + "×" + x.cols());
        }
        x.requireFinite("the signals");
        if ((long) m * x.cols() > HostMatrix.MAX_ARRAY_LENGTH) {
            throw new InvalidArgumentException("the codes of " + x.cols() + " signals (" + m + " × " + x.cols()
                    + " values) are more than one Java array holds; encode at most " + HostMatrix.MAX_ARRAY_LENGTH / m
                    + " signals per call");
        }
        double[] out = new double[m * x.cols()];
        for (int from = 0; from < x.cols(); from += capacity) {
            if (Thread.currentThread().isInterrupted()) {
                throw new EncodeInterruptedException("interrupted after " + from + " of " + x.cols()
                        + " signals; no codes were returned (the thread's interrupt flag stays set)");
            }
            int to = Math.min(x.cols(), from + capacity);
            Workspace w = pool.borrow(to - from);
            try {
                Matrix xs = w.xView(to - from);
                Matrix zs = w.zView(to - from);
                HostMatrix chunk = x.columns(from, to);
                if (dtype == DType.F32) {
                    be.upload(chunk.toFloats(), xs);
                } else {
                    be.upload(chunk.values(), xs);
                }
                encoder.encode(xs, zs, w.scratch(), report, from);
                double[] codes = be.toDoubleArray(zs);
                System.arraycopy(codes, 0, out, from * m, codes.length);
            } finally {
                pool.release(w);
            }
        }
        return new HostMatrix(m, x.cols(), out);
    }

    /** One signal without the batcher, on a pooled workspace. */
    void encodeDirect(float[] x, float[] z) {
        Workspace w = pool.borrow(1);
        try {
            Matrix xs = w.xView(1);
            Matrix zs = w.zView(1);
            w.upload(x, xs);
            encoder.encode(xs, zs, w.scratch(), null, 0);
            w.download(zs, z);
        } finally {
            pool.release(w);
        }
    }

    /** A gathered batch: {@code count} signals from {@code xs} (n·count floats) into {@code zs}. */
    void encodePacked(float[] xs, float[] zs, int count) {
        Workspace w = pool.borrow(count);
        try {
            Matrix xv = w.xView(count);
            Matrix zv = w.zView(count);
            if (dtype == DType.F32) {
                be.upload(w.floatSegment(xs, n * count), xv);
            } else {
                double[] d = w.doubles(n * count);
                for (int i = 0; i < n * count; i++) {
                    d[i] = xs[i];
                }
                be.upload(w.doubleSegment(d, n * count), xv);
            }
            encoder.encode(xv, zv, w.scratch(), null, 0);
            if (dtype == DType.F32) {
                be.download(zv, w.floatSegment(zs, m * count));
            } else {
                double[] d = w.doubles(m * count);
                be.download(zv, w.doubleSegment(d, m * count));
                for (int i = 0; i < m * count; i++) {
                    zs[i] = (float) d[i];
                }
            }
        } finally {
            pool.release(w);
        }
    }

    /** Frees the workspaces idle for longer than the idle release time (the micro-batcher calls it while idle). */
    void trimIdle() {
        pool.trimIdle();
    }

    /** The workspaces lent out or pooled now (tests watch the memory with it). */
    int liveWorkspaces() {
        return pool.live();
    }

    /** The columns those workspaces hold. */
    long liveWorkspaceColumns() {
        return pool.liveColumns();
    }

    /** The error of every call on a closed solver. */
    static InvalidArgumentException closedError() {
        return new InvalidArgumentException("this solver is closed; create a new one");
    }

    private void requireOpen() {
        if (closed) {
            throw closedError();
        }
    }

    /** The front door's finiteness check of one signal, so that a bad signal never joins a batch. */
    private static void requireFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new NonFiniteInputException("the signal holds " + x[i] + " at index " + i
                        + "; remove or repair non-finite values before encoding");
            }
        }
    }

    private void checkSingle(int xLength, int zLength) {
        requireOpen();
        if (xLength != n || zLength != m) {
            throw new ShapeMismatchException("a signal has n = " + n + " values and its code m = " + m
                    + ", but the arrays hold " + xLength + " and " + zLength);
        }
    }

    /** Stops the batcher (queued calls finish first) and frees every workspace (a lent one when its call ends). */
    @Override
    public void close() {
        closed = true;
        if (batcher != null) {
            batcher.close();
        }
        pool.close();
        encoder.close();
    }

    /** A trained network as the encoder. */
    private static final class NetworkEncoder implements BatchEncoder {
        private final UnrolledNetwork net;

        NetworkEncoder(UnrolledNetwork net) {
            this.net = net;
        }

        @Override
        public void encode(Matrix x, Matrix z, Object workspace, SignalReport report, int offset) {
            net.encode(x, z);
            if (report != null) {
                report.recordLayers(offset, x.cols(), net.layers());
            }
        }

        @Override
        public AutoCloseable newWorkspace(int capacity) {
            return null;
        }

        @Override
        public void close() {
        }
    }

    /** ISTA or FISTA as the encoder; each workspace holds its own solver. */
    private static final class IterativeEncoder implements BatchEncoder {
        private final LassoProblem problem;
        private final Stopping stopping;
        private final boolean fista;

        IterativeEncoder(LassoProblem problem, Stopping stopping, boolean fista) {
            this.problem = problem;
            this.stopping = stopping;
            this.fista = fista;
        }

        @Override
        public void encode(Matrix x, Matrix z, Object workspace, SignalReport report, int offset) {
            problem.backend().fill(z, 0);
            IterativeResult result = fista ? ((Fista) workspace).solve(x, z, stopping)
                    : ((Ista) workspace).solve(x, z, stopping);
            if (report != null) {
                report.recordIterative(offset, result);
            }
        }

        @Override
        public AutoCloseable newWorkspace(int capacity) {
            return fista ? new Fista(problem, capacity) : new Ista(problem, capacity);
        }

        @Override
        public void close() {
        }
    }

    /** A network under {@link SafeguardedNetwork} as the encoder; each workspace holds its own scratch. */
    private static final class SafeguardedEncoder implements BatchEncoder {
        private final SafeguardedNetwork guarded;

        SafeguardedEncoder(SafeguardedNetwork guarded) {
            this.guarded = guarded;
        }

        @Override
        public void encode(Matrix x, Matrix z, Object workspace, SignalReport report, int offset) {
            guarded.encode(x, z, (SafeguardedNetwork.Workspace) workspace,
                    report == null ? null : report.safeguardStepsArray(), offset);
            if (report != null) {
                report.recordLayers(offset, x.cols(), guarded.layers());
            }
        }

        @Override
        public AutoCloseable newWorkspace(int capacity) {
            return guarded.newWorkspace(capacity);
        }

        @Override
        public void close() {
            guarded.close();
        }
    }
}
