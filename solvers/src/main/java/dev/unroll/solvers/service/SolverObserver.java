package dev.unroll.solvers.service;

/**
 * What a {@link Solver} tells a service about its work, for meters: the size of each backend batch, how
 * long single-signal calls waited for their micro-batch, each call's latency, and each failed call's reason.
 * Every method has an empty default, and {@link #NONE} (the default of every solver) is checked by identity,
 * so a solver without an observer does not even read the clock; the library needs no metrics library.
 *
 * <p>The methods are called on the threads that do the work (callers' threads and the micro-batcher's
 * dispatcher), so they must be thread-safe and quick: record a number and return. An exception thrown by
 * an observer is not caught and fails the call that reported it.
 */
public interface SolverObserver {
    /** Observes nothing. */
    SolverObserver NONE = new SolverObserver() {
    };

    /** Why a call failed, as a short tag for a meter (e.g. {@code reason="timeout"}). */
    enum Failure {
        /** The signal held NaN or ±Inf. */
        NON_FINITE,
        /** The arrays had the wrong length or the batch the wrong shape. */
        SHAPE,
        /** The call's deadline passed before its batch ran ({@link EncodeTimeoutException}). */
        TIMEOUT,
        /** The calling thread was interrupted ({@link EncodeInterruptedException}). */
        INTERRUPTED,
        /** The solver was closed. */
        CLOSED,
        /** Anything else: the backend failed, or it was closed under the solver. */
        BACKEND;

        /** The tag: the name in lower case ({@code non_finite}, {@code timeout}, ...). */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One backend batch ran {@code signals} signals: a gathered micro-batch, a chunk of a batch call, or one alone. */
    default void batch(int signals) {
    }

    /** A single-signal call waited {@code nanos} in the micro-batcher's queue before its batch started to run. */
    default void queueWait(long nanos) {
    }

    /** A call of {@code signals} signals (1 for a single-signal call) returned its codes {@code nanos} after it began. */
    default void encoded(int signals, long nanos) {
    }

    /** A call failed for {@code reason}; the caller gets the exception as before. */
    default void failed(Failure reason) {
    }
}
