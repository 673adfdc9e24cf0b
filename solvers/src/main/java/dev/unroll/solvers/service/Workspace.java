package dev.unroll.solvers.service;

import dev.unroll.solvers.Closing;
import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import java.lang.foreign.MemorySegment;

/**
 * One call's backend matrices and host scratch for batches of up to {@link #capacity()} signals: the signals
 * x (n×capacity), the codes z (m×capacity) and the encoder's own scratch. Lent by a {@link WorkspacePool} to
 * one call at a time.
 */
final class Workspace implements AutoCloseable {
    private final Backend be;
    private final DType dtype;
    private final int n;
    private final int m;
    private final int capacity;
    private final Matrix x;
    private final Matrix z;
    private final AutoCloseable scratch;
    private final double[] xd;
    private final double[] zd;
    private double[] packed = new double[0];
    private final Matrix[] xViews;
    private final Matrix[] zViews;
    /** When it was last handed back (System.nanoTime), for the pool's idle release. */
    long idleSince;

    /** Allocates the matrices; frees what it allocated if a later allocation fails (a closed backend). */
    Workspace(Backend be, DType dtype, int n, int m, BatchEncoder encoder, int capacity) {
        this.be = be;
        this.dtype = dtype;
        this.n = n;
        this.m = m;
        this.capacity = capacity;
        this.xd = new double[n];
        this.zd = new double[m];
        this.xViews = new Matrix[capacity + 1];
        this.zViews = new Matrix[capacity + 1];
        Matrix xs = null;
        Matrix zs = null;
        try {
            xs = be.allocate(dtype, n, capacity);
            zs = be.allocate(dtype, m, capacity);
            this.scratch = encoder.newWorkspace(capacity);
        } catch (RuntimeException | Error e) {
            Closing.quietly(xs);
            Closing.quietly(zs);
            throw e;
        }
        this.x = xs;
        this.z = zs;
    }

    /** The most signals one use of it can hold. */
    int capacity() {
        return capacity;
    }

    /** The encoder's scratch (null when it needs none). */
    Object scratch() {
        return scratch;
    }

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

    MemorySegment floatSegment(float[] a, int length) {
        return MemorySegment.ofArray(a).asSlice(0, 4L * length);
    }

    MemorySegment doubleSegment(double[] a, int length) {
        return MemorySegment.ofArray(a).asSlice(0, 8L * length);
    }

    /** Uploads one signal into {@code target}, widening it for an F64 solver. */
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

    /** Downloads one code from {@code zs} into {@code out}, narrowing it from an F64 solver. */
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

    /** A host double buffer of at least {@code size} values, kept from call to call. */
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
        Closing.quietly(scratch);
    }

}
