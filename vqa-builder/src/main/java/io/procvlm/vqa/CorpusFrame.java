package io.procvlm.vqa;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.ProgressLabel;
import java.io.Serializable;
import java.util.List;

/**
 * One ProcCorpus row, as the VQA builder needs it.
 *
 * @param frameIndex the frame
 * @param timestamp the row's timestamp, seconds from episode start
 * @param subtask the active subtask's label, or {@code done} / {@code not done}
 * @param progress task progress in [0, 1]
 * @param remaining the planned subtasks not completed at this frame, in plan order
 * @param done whether the task has been achieved at this frame
 */
public record CorpusFrame(
        long frameIndex, double timestamp, String subtask, double progress, List<String> remaining, boolean done)
        implements Serializable {
    public CorpusFrame {
        requireNonNull(subtask, "subtask is null");
        remaining = List.copyOf(requireNonNull(remaining, "remaining is null"));
    }

    /** Whether the frame belongs to a subtask (not to the done / not done tail). */
    public boolean inSubtask() {
        return !subtask.equals(ProgressLabel.DONE) && !subtask.equals(ProgressLabel.NOT_DONE);
    }
}
