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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>Deadlines: each call has a variant with a {@link Duration} timeout. A single-signal call still waiting
 * for its micro-batch when the timeout passes withdraws its signal (it never runs, its output array is left
 * as it was) and throws {@link EncodeTimeoutException}; a batch call checks its deadline before each chunk.
 * A batch already running on the backend is never cut short, so a call may overrun its deadline by one
 * batch's run time; without micro-batching a single call runs at once, and the deadline only bounds the wait
 * for the queue. {@link #encodeAsync(float[])} queues a signal and returns a future instead of waiting;
 * cancelling the future, or completing it with {@link CompletableFuture#orTimeout}, withdraws the signal in
 * the same way. Closing the solver while calls are in flight lets the queued and running ones finish first;
 * calls that start after it fail with "this solver is closed", asynchronous ones through their future.
 *
 * <p>Meters: {@link #observe(SolverObserver)} reports batch sizes, queue waits, latencies and failures to a
 * service's meters; without one the solver does not read the clock for them.
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
    private volatile SolverObserver observer = SolverObserver.NONE;

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
        this.batcher = batching.enabled() ? new MicroBatcher(this, batching, dtype == DType.F64) : null;
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

    /** The precision the solver computes in. */
    public DType dtype() {
        return dtype;
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
     * Reports this solver's work to {@code observer} from now on ({@link SolverObserver#NONE} to stop); calls
     * already running may still report to the previous one. Returns this solver.
     */
    public Solver observe(SolverObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /** The observer the work is reported to ({@link SolverObserver#NONE} when none was set). */
    SolverObserver observer() {
        return observer;
    }

    /**
     * The codes of one signal {@code x} (n finite values) into {@code z} (m values).
     *
     * @throws NonFiniteInputException when {@code x} holds NaN or ±Inf (only this call fails)
     * @throws EncodeInterruptedException when the thread is interrupted while its micro-batch is pending
     */
    public void encode(float[] x, float[] z) {
        single(x, z, -1);
    }

    /**
     * As {@link #encode(float[], float[])}, with a deadline: when the code has not come after {@code timeout}
     * the signal is withdrawn, {@code z} is left as it was, and the call throws.
     *
     * @throws EncodeTimeoutException when the deadline passed first
     */
    public void encode(float[] x, float[] z, Duration timeout) {
        single(x, z, timeoutNanos(timeout));
    }

    /** As {@link #encode(double[], double[])}, with a deadline (see {@link #encode(float[], float[], Duration)}). */
    public void encode(double[] x, double[] z, Duration timeout) {
        single(x, z, timeoutNanos(timeout));
    }

    /**
     * Queues one signal and returns at once: the future completes with its code (m values), or with the
     * exception the synchronous call would have thrown. Cancelling the future, or completing it by
     * {@link CompletableFuture#orTimeout}, withdraws the signal when it has not run yet. Without micro-batching
     * the code is computed on the calling thread before this returns (there is no queue to wait in).
     */
    public CompletableFuture<float[]> encodeAsync(float[] x) {
        return async(x, new float[m], x.length);
    }

    /** As {@link #encodeAsync(float[])} with double precision arrays (an F64 solver keeps them end to end). */
    public CompletableFuture<double[]> encodeAsync(double[] x) {
        return async(x, new double[m], x.length);
    }

    private <T> CompletableFuture<T> async(Object x, T z, int length) {
        if (batcher == null || (dtype == DType.F32 && x instanceof double[])) {
            // Nothing to queue in (or an F32 solver's double call, which runs as floats): compute now.
            try {
                single(x, z, -1);
                return CompletableFuture.completedFuture(z);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e); // single() has reported it
            }
        }
        SolverObserver o = observer;
        long began = o == SolverObserver.NONE ? 0 : System.nanoTime();
        CompletableFuture<T> future;
        try {
            checkSingle(length, m);
            requireFiniteSignal(x);
            future = batcher.submitAsync(x, z);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failed(o, e));
        }
        if (o != SolverObserver.NONE) {
            future.whenComplete((v, t) -> {
                if (t == null) {
                    o.encoded(1, System.nanoTime() - began);
                } else {
                    o.failed(t instanceof java.util.concurrent.TimeoutException ? SolverObserver.Failure.TIMEOUT
                            : classify(t));
                }
            });
        }
        return future;
    }

    /** One signal, float[] or double[] (x and z of the same type); {@code timeoutNanos} < 0: no deadline. */
    private void single(Object x, Object z, long timeoutNanos) {
        SolverObserver o = observer;
        long began = o == SolverObserver.NONE ? 0 : System.nanoTime();
        try {
            if (x instanceof float[] xf) {
                checkSingle(xf.length, ((float[]) z).length);
            } else {
                checkSingle(((double[]) x).length, ((double[]) z).length);
            }
            requireFiniteSignal(x);
            if (dtype == DType.F32 && x instanceof double[] xd) {
                singleAsFloats(xd, (double[]) z, timeoutNanos);
            } else if (batcher != null) {
                batcher.submit(x, z, timeoutNanos);
            } else if (x instanceof float[] xf) {
                encodeDirect(xf, (float[]) z);
            } else {
                encodePacked((double[]) x, (double[]) z, 1);
            }
        } catch (RuntimeException e) {
            throw failed(o, e);
        }
        if (o != SolverObserver.NONE) {
            o.encoded(1, System.nanoTime() - began);
        }
    }

    /** An F32 solver's double call: computed in floats (what the solver computes in), widened back. */
    private void singleAsFloats(double[] x, double[] z, long timeoutNanos) {
        float[] xf = new float[n];
        float[] zf = new float[m];
        for (int i = 0; i < n; i++) {
            xf[i] = (float) x[i];
        }
        if (batcher != null) {
            batcher.submit(xf, zf, timeoutNanos);
        } else {
            encodeDirect(xf, zf);
        }
        for (int i = 0; i < m; i++) {
            z[i] = zf[i];
        }
    }

    /** The codes of one signal, as a new array. */
    public float[] encode(float[] x) {
        float[] z = new float[m];
        encode(x, z);
        return z;
    }

    /**
     * The codes of one signal {@code x} into {@code z}, in double precision arrays. An F64 solver keeps double
     * precision end to end (its micro-batches are gathered in doubles); an F32 one computes in floats.
     *
     * @throws NonFiniteInputException when {@code x} holds NaN or ±Inf (only this call fails)
     * @throws EncodeInterruptedException when the thread is interrupted while its micro-batch is pending
     */
    public void encode(double[] x, double[] z) {
        single(x, z, -1);
    }

    /**
     * The codes of a batch of signals (n×B, one per column) as m×B; split into chunks of {@code maxBatch}.
     *
     * @throws EncodeInterruptedException when the thread is interrupted (checked before each chunk)
     */
    public HostMatrix encode(HostMatrix x) {
        return batch(x, null, -1);
    }

    /**
     * As {@link #encode(HostMatrix)}, and records in {@code report} (null: nothing) what was done to each
     * signal: iterations and convergence for ISTA/FISTA, the ISTA steps a safeguarded network took.
     */
    public HostMatrix encode(HostMatrix x, SignalReport report) {
        return batch(x, report, -1);
    }

    /**
     * As {@link #encode(HostMatrix)}, with a deadline checked before each chunk of {@code maxBatch} signals
     * (a chunk that has started runs to its end).
     *
     * @throws EncodeTimeoutException when the deadline passed before the last chunk started (no codes returned)
     */
    public HostMatrix encode(HostMatrix x, Duration timeout) {
        return batch(x, null, timeoutNanos(timeout));
    }

    private HostMatrix batch(HostMatrix x, SignalReport report, long timeoutNanos) {
        SolverObserver o = observer;
        long began = System.nanoTime();
        HostMatrix z;
        try {
            z = batchUnobserved(x, report, timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos, began);
        } catch (RuntimeException e) {
            throw failed(o, e);
        }
        if (o != SolverObserver.NONE) {
            o.encoded(x.cols(), System.nanoTime() - began);
        }
        return z;
    }

    private HostMatrix batchUnobserved(HostMatrix x, SignalReport report, long timeoutNanos, long began) {
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
            if (System.nanoTime() - began > timeoutNanos) {
                throw new EncodeTimeoutException("the deadline of " + timeoutNanos / 1_000_000 + " ms passed after "
                        + from + " of " + x.cols() + " signals; no codes were returned");
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
                observer.batch(to - from);
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
            observer.batch(1);
            w.download(zs, z);
        } finally {
            pool.release(w);
        }
    }

    /** A gathered batch of an F32 solver: {@code count} signals from {@code xs} (n·count floats) into {@code zs}. */
    void encodePacked(float[] xs, float[] zs, int count) {
        Workspace w = pool.borrow(count);
        try {
            Matrix xv = w.xView(count);
            Matrix zv = w.zView(count);
            be.upload(w.floatSegment(xs, n * count), xv);
            encoder.encode(xv, zv, w.scratch(), null, 0);
            observer.batch(count);
            be.download(zv, w.floatSegment(zs, m * count));
        } finally {
            pool.release(w);
        }
    }

    /** A gathered batch of an F64 solver: {@code count} signals from {@code xs} (n·count doubles) into {@code zs}. */
    void encodePacked(double[] xs, double[] zs, int count) {
        Workspace w = pool.borrow(count);
        try {
            Matrix xv = w.xView(count);
            Matrix zv = w.zView(count);
            be.upload(w.doubleSegment(xs, n * count), xv);
            encoder.encode(xv, zv, w.scratch(), null, 0);
            observer.batch(count);
            be.download(zv, w.doubleSegment(zs, m * count));
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

    /** The front door's finiteness check of one signal (float[] or double[]), so that a bad signal never joins a batch. */
    private static void requireFiniteSignal(Object x) {
        if (x instanceof float[] f) {
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    throw nonFinite(f[i], i);
                }
            }
        } else {
            double[] d = (double[]) x;
            for (int i = 0; i < d.length; i++) {
                if (!Double.isFinite(d[i])) {
                    throw nonFinite(d[i], i);
                }
            }
        }
    }

    private static NonFiniteInputException nonFinite(double value, int index) {
        return new NonFiniteInputException("the signal holds " + value + " at index " + index
                + "; remove or repair non-finite values before encoding");
    }

    /** A timeout in nanoseconds (≥ 0), checked. */
    private static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidArgumentException("the timeout must be ≥ 0, but is " + timeout);
        }
        return timeout.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE / 4 : timeout.toNanos();
    }

    /** Reports {@code e} to {@code o} (when observing) and returns it for the caller to throw. */
    private RuntimeException failed(SolverObserver o, RuntimeException e) {
        if (o != SolverObserver.NONE) {
            o.failed(classify(e));
        }
        return e;
    }

    private SolverObserver.Failure classify(Throwable e) {
        return switch (e) {
            case NonFiniteInputException x -> SolverObserver.Failure.NON_FINITE;
            case ShapeMismatchException x -> SolverObserver.Failure.SHAPE;
            case EncodeTimeoutException x -> SolverObserver.Failure.TIMEOUT;
            case EncodeInterruptedException x -> SolverObserver.Failure.INTERRUPTED;
            case java.util.concurrent.CancellationException x -> SolverObserver.Failure.INTERRUPTED;
            default -> closed ? SolverObserver.Failure.CLOSED : SolverObserver.Failure.BACKEND;
        };
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
