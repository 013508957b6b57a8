package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * A contiguous run of an episode's frames that share one task (a LeRobot {@code task_index} run, an AgiBot sub-episode),
 * found from the dataset's tables, never from images.
 *
 * @param segmentIndex position in the episode, from 0
 * @param startFrame first {@code frame_index} of the run
 * @param endFrame the {@code frame_index} after its last frame
 * @param task the run's task text
 */
public record TaskSegment(int segmentIndex, long startFrame, long endFrame, String task) implements Serializable {
    public TaskSegment {
        requireNonNull(task, "task is null");
        if (segmentIndex < 0 || startFrame < 0 || endFrame <= startFrame) {
            throw new IllegalArgumentException(
                    "Invalid task segment " + segmentIndex + " [" + startFrame + ", " + endFrame + ")");
        }
    }

    public long frames() {
        return endFrame - startFrame;
    }
}
