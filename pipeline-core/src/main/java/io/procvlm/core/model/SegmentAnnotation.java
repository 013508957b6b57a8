package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * What an annotator found in one task segment of an episode: the plan, where each planned subtask happened, and the
 * outcome, with the evidence for it.
 *
 * @param dataset the dataset
 * @param episodeIndex the episode
 * @param segmentIndex the task segment within the episode (0 when the episode holds one task)
 * @param segmentStart first frame index of the segment
 * @param segmentEnd frame index after the segment's last frame
 * @param task the task text
 * @param plan the ordered atomic actions
 * @param spans the subtask spans, sorted by start frame (attempts included: a retried subtask has several)
 * @param outcome success, failure or unknown
 * @param evidence why the outcome was decided, in words
 * @param annotator the annotator id ({@code kinematic}, {@code native}, {@code imported}, ...)
 * @param fingerprint a fingerprint of everything that determined the result (annotator version, settings, inputs)
 * @param signals the inputs the annotator used, e.g. {@code gripper}, {@code state-speed}, {@code flow}
 */
public record SegmentAnnotation(
        DatasetId dataset,
        long episodeIndex,
        int segmentIndex,
        long segmentStart,
        long segmentEnd,
        String task,
        List<String> plan,
        List<SubtaskSpan> spans,
        TaskOutcome outcome,
        String evidence,
        String annotator,
        String fingerprint,
        List<String> signals)
        implements Serializable {
    public SegmentAnnotation {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(task, "task is null");
        plan = List.copyOf(requireNonNull(plan, "plan is null"));
        spans = List.copyOf(requireNonNull(spans, "spans is null"));
        requireNonNull(outcome, "outcome is null");
        requireNonNull(evidence, "evidence is null");
        requireNonNull(annotator, "annotator is null");
        requireNonNull(fingerprint, "fingerprint is null");
        signals = List.copyOf(requireNonNull(signals, "signals is null"));
        if (segmentEnd < segmentStart) {
            throw new IllegalArgumentException("Segment ends before it starts");
        }
        for (SubtaskSpan span : spans) {
            if (span.planIndex() >= plan.size()) {
                throw new IllegalArgumentException("Span '" + span.label() + "' refers to plan index "
                        + span.planIndex() + " of a " + plan.size() + "-step plan");
            }
            if (span.status() != SpanStatus.ABSENT
                    && (span.startFrame() < segmentStart || span.endFrame() > segmentEnd)) {
                throw new IllegalArgumentException("Span '" + span.label() + "' [" + span.startFrame() + ", "
                        + span.endFrame() + ") lies outside the segment [" + segmentStart + ", " + segmentEnd + ")");
            }
        }
    }
}
