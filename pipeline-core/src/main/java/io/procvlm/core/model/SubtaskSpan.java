package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One planned subtask as it happened in an episode.
 *
 * @param planIndex position of the subtask in the plan (0-based); attempts of the same planned subtask share it
 * @param label the subtask text, e.g. "grasp the yellow bottle"
 * @param verb the verb of the vocabulary it uses, e.g. "grasp"
 * @param startFrame first frame index (inclusive); for an absent subtask, where it would have started
 * @param endFrame frame index where it ended (exclusive); equal to {@code startFrame} for an absent subtask
 * @param status completed, incomplete (attempted, not finished) or absent
 */
public record SubtaskSpan(int planIndex, String label, String verb, long startFrame, long endFrame, SpanStatus status)
        implements Serializable {
    public SubtaskSpan {
        requireNonNull(label, "label is null");
        requireNonNull(verb, "verb is null");
        requireNonNull(status, "status is null");
        if (planIndex < 0) {
            throw new IllegalArgumentException("Invalid plan index: " + planIndex);
        }
        if (endFrame < startFrame) {
            throw new IllegalArgumentException(
                    "Span '" + label + "' ends at " + endFrame + " before it starts at " + startFrame);
        }
        if (status == SpanStatus.ABSENT && endFrame != startFrame) {
            throw new IllegalArgumentException("Absent span '" + label + "' covers frames");
        }
    }

    public long length() {
        return endFrame - startFrame;
    }
}
