package dev.unroll.bench.campaign;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a campaign produced, for the report writers.
 *
 * @param campaign the campaign as read
 * @param targets  every backend and peer, probed at the start
 * @param outcomes one per configuration, in matrix order
 * @param torch    the PyTorch peer's outcome, or null when the campaign does not run it
 * @param started  when the campaign started
 * @param took     how long it ran
 */
public record CampaignResult(Campaign campaign, Map<String, Target> targets, List<Outcome> outcomes,
                             TorchPeer.Outcome torch, Instant started, Duration took) {
    /** Copies the collections. */
    public CampaignResult {
        targets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(targets));
        outcomes = List.copyOf(outcomes);
    }
}
