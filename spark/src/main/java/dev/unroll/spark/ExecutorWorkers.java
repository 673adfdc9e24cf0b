package dev.unroll.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The workers of this JVM per training run (a {@link GradientWorker}, a dictionary learner's
 * {@link dev.unroll.solvers.dictionary.DlChunkLoss}): a task borrows one (made on first need, so a JVM holds as
 * many as tasks ran at once in it) and gives it back, and the next step's tasks reuse it, so no network, tape
 * or backend is made per step or per partition. Runs are told apart by an id, and a run's workers are all of
 * one type; the workers of the least recently used runs beyond {@value #RUNS_KEPT} are freed, and all of them
 * when the JVM ends.
 */
final class ExecutorWorkers {
    /** Training runs whose workers a JVM keeps (an executor serves one driver, which trains one run at a time). */
    static final int RUNS_KEPT = 2;
    private static final Map<String, Deque<AutoCloseable>> IDLE = new LinkedHashMap<>(4, 0.75f, true);
    private static int made;

    private ExecutorWorkers() {
    }

    /** A worker of run {@code run}: an idle one, or a new one from {@code make}. */
    @SuppressWarnings("unchecked") // a run's workers are all made by its own supplier
    static <T extends AutoCloseable> T borrow(String run, Supplier<T> make) {
        synchronized (ExecutorWorkers.class) {
            Deque<AutoCloseable> idle = IDLE.computeIfAbsent(run, r -> new ArrayDeque<>());
            evictBeyondKept();
            if (!idle.isEmpty()) {
                return (T) idle.pop();
            }
            made++;
        }
        // Made outside the lock: a network's set-up must not hold up the other tasks of this JVM.
        return JvmBackend.own(make.get());
    }

    /** Gives {@code worker} back for the next step of run {@code run}. */
    static synchronized void giveBack(String run, AutoCloseable worker) {
        Deque<AutoCloseable> idle = IDLE.get(run);
        if (idle == null) {
            JvmBackend.release(worker); // its run was evicted meanwhile
        } else {
            idle.push(worker);
        }
    }

    /** Frees the idle workers of run {@code run} (the driver closing the run, in local mode). */
    static synchronized void forget(String run) {
        Deque<AutoCloseable> idle = IDLE.remove(run);
        if (idle != null) {
            idle.forEach(JvmBackend::release);
        }
    }

    /** How many workers this JVM has made: at most one per task slot and run, whatever the steps. */
    static synchronized int made() {
        return made;
    }

    private static void evictBeyondKept() {
        Iterator<Map.Entry<String, Deque<AutoCloseable>>> it = IDLE.entrySet().iterator();
        while (IDLE.size() > RUNS_KEPT && it.hasNext()) {
            it.next().getValue().forEach(JvmBackend::release);
            it.remove();
        }
    }
}
