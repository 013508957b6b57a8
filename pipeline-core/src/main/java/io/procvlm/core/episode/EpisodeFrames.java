package io.procvlm.core.episode;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One episode's rows of the {@code frames/} table, column by column, in frame order: what annotators and the label
 * stage work from. {@code NaN} marks a missing value; vectors may be {@code null}.
 *
 * @param frameIndex frame indices, strictly increasing
 * @param timestamp row timestamps, seconds from the episode start
 * @param flow optical-flow magnitude to the previous frame
 * @param frameDiff frame difference to the previous frame
 * @param movingFraction share of moving pixels
 * @param gripper gripper/hand opening
 * @param stateSpeed state change per second
 * @param phash perceptual hashes, or {@code null} when not computed
 * @param state state vectors (rows may be {@code null})
 */
public record EpisodeFrames(
        long[] frameIndex,
        double[] timestamp,
        double[] flow,
        double[] frameDiff,
        double[] movingFraction,
        double[] gripper,
        double[] stateSpeed,
        long[] phash,
        float[][] state)
        implements Serializable {
    public EpisodeFrames {
        requireNonNull(frameIndex, "frameIndex is null");
        int n = frameIndex.length;
        for (Object column : new Object[] {timestamp, flow, frameDiff, movingFraction, gripper, stateSpeed, state}) {
            requireNonNull(column, "a column is null");
        }
        if (timestamp.length != n
                || flow.length != n
                || frameDiff.length != n
                || movingFraction.length != n
                || gripper.length != n
                || stateSpeed.length != n
                || state.length != n
                || (phash != null && phash.length != n)) {
            throw new IllegalArgumentException("Columns of different lengths for " + n + " frames");
        }
    }

    /** The frames a features run produced (phash only when it was computed). */
    public static EpisodeFrames of(FeatureRows rows, boolean withPhash) {
        int n = rows.size();
        long[] frameIndex = new long[n];
        double[] timestamp = new double[n];
        double[] flow = new double[n];
        double[] frameDiff = new double[n];
        double[] moving = new double[n];
        double[] gripper = new double[n];
        double[] speed = new double[n];
        long[] phash = withPhash ? new long[n] : null;
        float[][] state = new float[n][];
        for (int i = 0; i < n; i++) {
            frameIndex[i] = rows.frameIndex(i);
            timestamp[i] = rows.timestamp(i);
            flow[i] = rows.flowMagnitude(i);
            frameDiff[i] = rows.frameDiff(i);
            moving[i] = rows.movingFraction(i);
            gripper[i] = rows.gripper(i);
            speed[i] = rows.stateSpeed(i);
            if (phash != null) {
                phash[i] = rows.phash(i);
            }
            state[i] = rows.state(i);
        }
        return new EpisodeFrames(frameIndex, timestamp, flow, frameDiff, moving, gripper, speed, phash, state);
    }

    public int size() {
        return frameIndex.length;
    }

    /** The frames with {@code startFrame <= frame_index < endFrame} (one task segment). */
    public EpisodeFrames slice(long startFrame, long endFrame) {
        int from = 0;
        while (from < frameIndex.length && frameIndex[from] < startFrame) {
            from++;
        }
        int to = from;
        while (to < frameIndex.length && frameIndex[to] < endFrame) {
            to++;
        }
        return new EpisodeFrames(
                java.util.Arrays.copyOfRange(frameIndex, from, to),
                java.util.Arrays.copyOfRange(timestamp, from, to),
                java.util.Arrays.copyOfRange(flow, from, to),
                java.util.Arrays.copyOfRange(frameDiff, from, to),
                java.util.Arrays.copyOfRange(movingFraction, from, to),
                java.util.Arrays.copyOfRange(gripper, from, to),
                java.util.Arrays.copyOfRange(stateSpeed, from, to),
                phash == null ? null : java.util.Arrays.copyOfRange(phash, from, to),
                java.util.Arrays.copyOfRange(state, from, to));
    }

    /** Whether any frame has a value in {@code column}. */
    public static boolean hasValues(double[] column) {
        for (double value : column) {
            if (!Double.isNaN(value)) {
                return true;
            }
        }
        return false;
    }
}
