package io.procvlm.core.metrics;

import static java.util.Objects.requireNonNull;

/**
 * A labelled interval for segmentation metrics.
 *
 * @param label the action
 * @param start first frame (inclusive)
 * @param end last frame (exclusive)
 */
public record Segment(String label, double start, double end) {
    public Segment {
        requireNonNull(label, "label is null");
        if (end < start) {
            throw new IllegalArgumentException("Segment ends before it starts: " + start + ".." + end);
        }
    }
}
