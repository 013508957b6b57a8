package io.procvlm.core.dataset;

import static java.util.Objects.requireNonNull;

/**
 * The per-frame rows of one episode, column by column (no images): what the index checks and the features stage
 * align decoded frames with. Arrays are owned by the table; callers must not modify them.
 */
public final class FrameTable {
    private final double[] timestamps;
    private final long[] frameIndices;
    private final float[][] states;
    private final float[][] actions;
    private final long[] taskIndices;

    /**
     * @param timestamps seconds from the episode start, one per row
     * @param frameIndices the {@code frame_index} column, one per row
     * @param states state vectors per row, or {@code null} when the dataset has no state column
     * @param actions action vectors per row, or {@code null}
     */
    public FrameTable(double[] timestamps, long[] frameIndices, float[][] states, float[][] actions) {
        this(timestamps, frameIndices, states, actions, null);
    }

    /**
     * @param taskIndices the task of every row (LeRobot {@code task_index}), or {@code null} when the rows do not say
     */
    public FrameTable(
            double[] timestamps, long[] frameIndices, float[][] states, float[][] actions, long[] taskIndices) {
        if (taskIndices != null && taskIndices.length != frameIndices.length) {
            throw new IllegalArgumentException(
                    "taskIndices has " + taskIndices.length + " rows, not " + frameIndices.length);
        }
        this.taskIndices = taskIndices;
        this.timestamps = requireNonNull(timestamps, "timestamps is null");
        this.frameIndices = requireNonNull(frameIndices, "frameIndices is null");
        if (timestamps.length != frameIndices.length) {
            throw new IllegalArgumentException(
                    "timestamps (" + timestamps.length + ") and frameIndices (" + frameIndices.length + ") differ");
        }
        if (states != null && states.length != timestamps.length) {
            throw new IllegalArgumentException("states has " + states.length + " rows, not " + timestamps.length);
        }
        if (actions != null && actions.length != timestamps.length) {
            throw new IllegalArgumentException("actions has " + actions.length + " rows, not " + timestamps.length);
        }
        this.states = states;
        this.actions = actions;
    }

    public int rows() {
        return timestamps.length;
    }

    public double timestamp(int row) {
        return timestamps[row];
    }

    public long frameIndex(int row) {
        return frameIndices[row];
    }

    public boolean hasStates() {
        return states != null;
    }

    public boolean hasActions() {
        return actions != null;
    }

    public boolean hasTaskIndices() {
        return taskIndices != null;
    }

    /** The task index of {@code row}; only when {@link #hasTaskIndices()}. */
    public long taskIndex(int row) {
        return taskIndices[row];
    }

    /** The state vector of {@code row}, or {@code null}. */
    public float[] state(int row) {
        return states == null ? null : states[row];
    }

    /** The action vector of {@code row}, or {@code null}. */
    public float[] action(int row) {
        return actions == null ? null : actions[row];
    }
}
