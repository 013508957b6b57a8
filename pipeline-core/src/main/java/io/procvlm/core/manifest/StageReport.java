package io.procvlm.core.manifest;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.EpisodeStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of one stage: per-episode outcomes, what it wrote and how long it took.
 *
 * @param stage the stage name
 * @param outcomes one per episode the stage looked at, sorted by dataset and episode
 * @param output the table it wrote, or {@code null}
 * @param startedAtMillis wall-clock start (epoch millis)
 * @param durationMillis wall-clock duration
 * @param counters extra numbers (frames decoded, decode seconds, ...)
 */
public record StageReport(
        String stage,
        List<EpisodeOutcome> outcomes,
        TableInfo output,
        long startedAtMillis,
        long durationMillis,
        Map<String, Number> counters) {
    public StageReport {
        requireNonNull(stage, "stage is null");
        outcomes = List.copyOf(requireNonNull(outcomes, "outcomes is null"));
        counters = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(counters, "counters")));
    }

    public long okCount() {
        return outcomes.stream().filter(o -> o.status() == EpisodeStatus.OK).count();
    }

    public long quarantinedCount() {
        return outcomes.stream()
                .filter(o -> o.status() == EpisodeStatus.QUARANTINED)
                .count();
    }

    public List<EpisodeOutcome> quarantined() {
        return outcomes.stream()
                .filter(o -> o.status() == EpisodeStatus.QUARANTINED)
                .toList();
    }

    /** Quarantined episodes per reason code, sorted by code. */
    public Map<String, Long> reasons() {
        Map<String, Long> reasons = new TreeMap<>();
        for (EpisodeOutcome outcome : quarantined()) {
            reasons.merge(outcome.reason().code(), 1L, Long::sum);
        }
        return reasons;
    }
}
