package dev.unroll.engine.spi;

/**
 * A block of memory a backend allocated for one matrix (host arrays for CPU backends, a device pointer for
 * GPU ones). Only the backend that made it reads its contents; the front door tracks its life cycle.
 */
public interface Storage {
    /** Number of elements this block holds. */
    long elements();

    /** Gives the memory back. Called once, by the front door, when its matrix or backend is closed. */
    void release();
}
