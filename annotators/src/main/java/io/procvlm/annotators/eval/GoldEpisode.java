package io.procvlm.annotators.eval;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.metrics.Segment;
import java.util.List;

/**
 * The gold subtask spans of one episode.
 *
 * @param source where they come from, e.g. {@code phases}, {@code native:subtask_index}, {@code agibot:task_1.json}
 * @param spans labelled spans in frames (start inclusive, end exclusive), sorted by start
 */
public record GoldEpisode(String source, List<Segment> spans) {
    public GoldEpisode {
        requireNonNull(source, "source is null");
        spans = List.copyOf(requireNonNull(spans, "spans is null"));
    }
}
