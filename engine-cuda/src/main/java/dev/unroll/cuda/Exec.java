package dev.unroll.cuda;

import jcuda.driver.JCudaDriver;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The backend's execution context: its device context and its one stream, used by one thread at a time.
 * Every operation runs inside {@link #enter()}, which takes the lock and makes the context current on the
 * calling thread; work is queued on the stream and only operations that return host values wait for it.
 */
final class Exec implements AutoCloseable {
    private final DeviceContext context;
    private final NativePointers.Stream stream = new NativePointers.Stream();
    private final ReentrantLock lock = new ReentrantLock();
    private final Scope scope = new Scope();
    private boolean closed;

    Exec(DeviceContext context) {
        this.context = context;
        context.makeCurrent();
        // CU_STREAM_NON_BLOCKING (1): no implicit synchronisation with the legacy default stream.
        Status.cu(JCudaDriver.cuStreamCreate(stream, 1), "cuStreamCreate");
    }

    /** Locks the context for this thread and makes it current; close the scope to unlock. */
    Scope enter() {
        lock.lock();
        try {
            if (closed) {
                throw new CudaException("the cuda backend has been closed");
            }
            context.makeCurrent();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        return scope;
    }

    NativePointers.Stream stream() {
        return stream;
    }

    DeviceContext context() {
        return context;
    }

    /** Waits for all work queued on the stream. */
    void synchronize() {
        Status.cu(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Waits for the stream and destroys it (idempotent); the context is closed by its owner. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                context.makeCurrent();
                synchronize();
                Status.cu(JCudaDriver.cuStreamDestroy(stream), "cuStreamDestroy");
            }
        } finally {
            lock.unlock();
        }
    }

    /** The held lock; closing it unlocks. */
    final class Scope implements AutoCloseable {
        @Override
        public void close() {
            lock.unlock();
        }
    }
}
