package io.procvlm.core.dataset;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Subtask labels a dataset ships, per frame.
 *
 * @param source where they come from, e.g. {@code subtask_index}, {@code sub_task_index}, {@code language_persistent}
 * @param frameIndex frame indices, increasing
 * @param labels the label of each frame, {@code null} where the frame is not labelled
 */
public record NativeSubtasks(String source, long[] frameIndex, String[] labels) implements Serializable {
    public NativeSubtasks {
        requireNonNull(source, "source is null");
        requireNonNull(frameIndex, "frameIndex is null");
        requireNonNull(labels, "labels is null");
        if (frameIndex.length != labels.length) {
            throw new IllegalArgumentException(frameIndex.length + " frames but " + labels.length + " labels");
        }
    }
}
