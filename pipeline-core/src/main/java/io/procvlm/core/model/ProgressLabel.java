package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The ProcCorpus label of one frame.
 *
 * @param frameIndex the frame
 * @param subtask the active subtask's label, or {@link #DONE} after a successful task, or {@link #NOT_DONE} after an
 *     unfinished or failed one
 * @param subtaskIndex the active subtask's plan index, or -1 for done / not done
 * @param progress how much of the task is done, in [0, 1]
 * @param remaining the plan's subtasks not yet completed at this frame, in plan order (the active one first when it
 *     is not completed yet); empty once done
 * @param done whether the task has been achieved at this frame
 */
public record ProgressLabel(
        long frameIndex, String subtask, int subtaskIndex, double progress, List<String> remaining, boolean done)
        implements Serializable {
    public static final String DONE = "done";
    public static final String NOT_DONE = "not done";

    public ProgressLabel {
        requireNonNull(subtask, "subtask is null");
        remaining = List.copyOf(requireNonNull(remaining, "remaining is null"));
        if (!(progress >= 0 && progress <= 1)) {
            throw new IllegalArgumentException(
                    "Progress " + progress + " of frame " + frameIndex + " is not in [0, 1]");
        }
    }
}
