package dev.unroll.bench.campaign;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.unroll.bench.peers.Peers;
import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;

/**
 * Something a benchmark's {@code backend} parameter can name: one of Unroll's backends (found through
 * {@link Backends#survey()}) or a peer library ({@link Peers}), with whether it can run here and why not.
 *
 * @param name      as the parameter spells it
 * @param peer      true for a peer library, false for an Unroll backend
 * @param available whether it can run on this machine
 * @param detail    what it is (available) or why it cannot run and how to fix that (unavailable)
 */
public record Target(String name, boolean peer, boolean available, String detail) {
    /** Every backend on the class path (highest priority first), then every peer, probed now. */
    public static Map<String, Target> survey() {
        Map<String, Target> out = new LinkedHashMap<>();
        for (BackendStatus s : Backends.survey()) {
            boolean ok = s.availability().available();
            out.put(s.name(), new Target(s.name(), false, ok, ok ? s.description() : s.availability().explain()));
        }
        for (String p : Peers.NAMES) {
            var reason = Peers.unavailableReason(p);
            out.put(p, new Target(p, true, reason.isEmpty(), reason.orElseGet(() -> Peers.describe(p))));
        }
        return out;
    }
}
