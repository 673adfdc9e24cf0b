package dev.unroll.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link GradientWorker}s of this JVM, per training run: a task borrows one (made on first need, so a JVM
 * holds as many as tasks ran at once in it) and gives it back, and the next step's tasks reuse it, so no
 * network, tape or backend is made per step or per partition. Runs are told apart by an id; the workers of
 * the least recently used runs beyond {@value #RUNS_KEPT} are freed, and all of them when the JVM ends.
 */
final class ExecutorNetworks {
    /** Training runs whose workers a JVM keeps (an executor serves one driver, which trains one run at a time). */
    static final int RUNS_KEPT = 2;
    private static final Map<String, Deque<GradientWorker>> IDLE = new LinkedHashMap<>(4, 0.75f, true);
    private static int made;

    private ExecutorNetworks() {
    }

    /** A worker of run {@code run}: an idle one, or a new one from {@code make}. */
    static GradientWorker borrow(String run, Supplier<GradientWorker> make) {
        synchronized (ExecutorNetworks.class) {
            Deque<GradientWorker> idle = IDLE.computeIfAbsent(run, r -> new ArrayDeque<>());
            evictBeyondKept();
            if (!idle.isEmpty()) {
                return idle.pop();
            }
            made++;
        }
        // Made outside the lock: a network's set-up must not hold up the other tasks of this JVM.
        return JvmBackend.own(make.get());
    }

    /** Gives {@code worker} back for the next step of run {@code run}. */
    static synchronized void giveBack(String run, GradientWorker worker) {
        Deque<GradientWorker> idle = IDLE.get(run);
        if (idle == null) {
            JvmBackend.release(worker); // its run was evicted meanwhile
        } else {
            idle.push(worker);
        }
    }

    /** Frees the idle workers of run {@code run} (the driver's training set closing, in local mode). */
    static synchronized void forget(String run) {
        Deque<GradientWorker> idle = IDLE.remove(run);
        if (idle != null) {
            idle.forEach(JvmBackend::release);
        }
    }

    /** How many workers this JVM has made: at most one per task slot and run, whatever the steps. */
    static synchronized int made() {
        return made;
    }

    private static void evictBeyondKept() {
        Iterator<Map.Entry<String, Deque<GradientWorker>>> it = IDLE.entrySet().iterator();
        while (IDLE.size() > RUNS_KEPT && it.hasNext()) {
            it.next().getValue().forEach(JvmBackend::release);
            it.remove();
        }
    }
}
