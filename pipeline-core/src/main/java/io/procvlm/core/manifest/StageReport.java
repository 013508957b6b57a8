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

    /**
     * The counters that are rates, each with the two sums it is the ratio of: a stage that runs in batches adds the
     * batches' sums, and a rate is made again from them (adding rates gave the features stage twice its frames per
     * second when it ran in two batches).
     */
    public static final Map<String, List<String>> RATES =
            Map.of("frames-per-second-per-task", List.of("decoded-frames", "decode-seconds"));

    /**
     * Adds one batch's counters to {@code into}: counts and seconds add up; each of {@link #RATES} is the ratio of its
     * summed numerator and denominator (0 when the denominator is 0).
     */
    public static void mergeCounters(Map<String, Number> into, Map<String, Number> batch) {
        batch.forEach((name, value) -> into.merge(name, value, StageReport::add));
        RATES.forEach((rate, parts) -> {
            if (into.containsKey(rate) && into.containsKey(parts.get(0)) && into.containsKey(parts.get(1))) {
                double denominator = into.get(parts.get(1)).doubleValue();
                into.put(rate, denominator == 0 ? 0.0 : into.get(parts.get(0)).doubleValue() / denominator);
            }
        });
    }

    private static Number add(Number a, Number b) {
        if (a instanceof Double || b instanceof Double || a instanceof Float || b instanceof Float) {
            return a.doubleValue() + b.doubleValue();
        }
        return a.longValue() + b.longValue();
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
