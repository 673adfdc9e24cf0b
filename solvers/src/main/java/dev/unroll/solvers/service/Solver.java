package dev.unroll.solvers.service;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.iterative.Fista;
import dev.unroll.solvers.iterative.IterativeResult;
import dev.unroll.solvers.iterative.Ista;
import dev.unroll.solvers.iterative.Stopping;
import dev.unroll.solvers.network.SafeguardedNetwork;
import dev.unroll.solvers.network.UnrolledNetwork;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sparse coder a service keeps for its lifetime and calls from many threads: a trained network, or ISTA
 * / FISTA, bound to a backend. {@link #encode(float[], float[])} codes one signal, {@link #encode(HostMatrix)}
 * a batch. Calls are thread-safe; each borrows a workspace (backend matrices sized for the largest batch)
 * from a pool, so a steady stream of calls allocates nothing on the backend. With {@link Batching#upTo}
 * concurrent single-signal calls are gathered into one backend batch by a {@link MicroBatcher}.
 * Closing the solver stops the batcher and frees the workspaces; the network or problem stays the caller's.
 */
public final class Solver implements AutoCloseable {
    private final BatchEncoder encoder;
    private final Backend be;
    private final DType dtype;
    private final int n;
    private final int m;
    private final int capacity;
    private final ConcurrentLinkedQueue<Workspace> pool = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Workspace> all = new ConcurrentLinkedQueue<>();
    private final MicroBatcher batcher;
    private volatile boolean closed;

    private Solver(BatchEncoder encoder, LassoProblem problem, Batching batching) {
        this.encoder = encoder;
        this.be = problem.backend();
        this.dtype = problem.dtype();
        this.n = problem.signalDim();
        this.m = problem.atoms();
        this.capacity = batching.maxBatch();
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

    /** The codes of one signal {@code x} (n values) into {@code z} (m values). */
    public void encode(float[] x, float[] z) {
        checkSingle(x.length, z.length);
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

    /** The codes of a batch of signals (n×B, one per column) as m×B; split into runs of the capacity. */
    public HostMatrix encode(HostMatrix x) {
        return encode(x, null);
    }

    /**
     * As {@link #encode(HostMatrix)}, and records in {@code report} (null: nothing) what was done to each
     * signal: iterations and convergence for ISTA/FISTA, the ISTA steps a safeguarded network took.
     */
    public HostMatrix encode(HostMatrix x, SignalReport report) {
        if (report != null && report.signals() < x.cols()) {
            throw new ShapeMismatchException("the report holds " + report.signals() + " signals but the batch has "
                    + x.cols() + "; make one with SignalReport.forSignals(" + x.cols() + ")");
        }
        if (x.rows() != n) {
            throw new ShapeMismatchException("signals must have n = " + n + " rows (one signal per column), but are "
                    + x.rows() + "×" + x.cols());
        }
        x.requireFinite("the signals");
        double[] out = new double[m * x.cols()];
        for (int from = 0; from < x.cols(); from += capacity) {
            int to = Math.min(x.cols(), from + capacity);
            Workspace w = borrow();
            try {
                Matrix xs = w.x.columns(0, to - from);
                Matrix zs = w.z.columns(0, to - from);
                HostMatrix chunk = x.columns(from, to);
                if (dtype == DType.F32) {
                    be.upload(chunk.toFloats(), xs);
                } else {
                    be.upload(chunk.values(), xs);
                }
                encoder.encode(xs, zs, w.scratch, report, from);
                double[] codes = be.toDoubleArray(zs);
                System.arraycopy(codes, 0, out, from * m, codes.length);
            } finally {
                release(w);
            }
        }
        return new HostMatrix(m, x.cols(), out);
    }

    /** One signal without the batcher, on a pooled workspace. */
    void encodeDirect(float[] x, float[] z) {
        Workspace w = borrow();
        try {
            Matrix xs = w.xView(1);
            Matrix zs = w.zView(1);
            w.upload(x, xs);
            encoder.encode(xs, zs, w.scratch, null, 0);
            w.download(zs, z);
        } finally {
            release(w);
        }
    }

    /** A gathered batch: {@code count} signals from {@code xs} (n·count floats) into {@code zs}. */
    void encodePacked(float[] xs, float[] zs, int count) {
        Workspace w = borrow();
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
            encoder.encode(xv, zv, w.scratch, null, 0);
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
            release(w);
        }
    }

    private void checkSingle(int xLength, int zLength) {
        if (closed) {
            throw new InvalidArgumentException("this solver is closed; create a new one");
        }
        if (xLength != n || zLength != m) {
            throw new ShapeMismatchException("a signal has n = " + n + " values and its code m = " + m
                    + ", but the arrays hold " + xLength + " and " + zLength);
        }
    }

    private Workspace borrow() {
        Workspace w = pool.poll();
        if (w == null) {
            w = new Workspace();
            all.add(w);
        }
        return w;
    }

    private void release(Workspace w) {
        pool.add(w);
    }

    /** Stops the batcher (pending calls finish first) and frees every workspace. */
    @Override
    public void close() {
        closed = true;
        if (batcher != null) {
            batcher.close();
        }
        for (Workspace w : all) {
            w.close();
        }
        all.clear();
        pool.clear();
        encoder.close();
    }

    /** One caller's backend matrices and host scratch. */
    private final class Workspace implements AutoCloseable {
        final Matrix x = be.allocate(dtype, n, capacity);
        final Matrix z = be.allocate(dtype, m, capacity);
        final AutoCloseable scratch = encoder.newWorkspace(capacity);
        private final double[] xd = new double[n];
        private final double[] zd = new double[m];
        private double[] packed = new double[0];
        private final Matrix[] xViews = new Matrix[capacity + 1];
        private final Matrix[] zViews = new Matrix[capacity + 1];

        /** The first {@code count} columns of x, a view made once per count (no allocation per call). */
        Matrix xView(int count) {
            Matrix v = xViews[count];
            if (v == null) {
                v = x.columns(0, count);
                xViews[count] = v;
            }
            return v;
        }

        /** The first {@code count} columns of z (see {@link #xView}). */
        Matrix zView(int count) {
            Matrix v = zViews[count];
            if (v == null) {
                v = z.columns(0, count);
                zViews[count] = v;
            }
            return v;
        }

        java.lang.foreign.MemorySegment floatSegment(float[] a, int length) {
            return java.lang.foreign.MemorySegment.ofArray(a).asSlice(0, 4L * length);
        }

        java.lang.foreign.MemorySegment doubleSegment(double[] a, int length) {
            return java.lang.foreign.MemorySegment.ofArray(a).asSlice(0, 8L * length);
        }

        void upload(float[] v, Matrix target) {
            if (dtype == DType.F32) {
                be.upload(v, target);
                return;
            }
            for (int i = 0; i < n; i++) {
                xd[i] = v[i];
            }
            be.upload(xd, target);
        }

        void download(Matrix zs, float[] out) {
            if (dtype == DType.F32) {
                be.download(zs, out);
            } else {
                be.download(zs, zd);
                for (int i = 0; i < m; i++) {
                    out[i] = (float) zd[i];
                }
            }
        }

        double[] doubles(int size) {
            if (packed.length < size) {
                packed = new double[size];
            }
            return packed;
        }

        @Override
        public void close() {
            x.close();
            z.close();
            if (scratch != null) {
                try {
                    scratch.close();
                } catch (Exception ignored) {
                    // backend memory frees without a failure the caller could act on
                }
            }
        }
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
