package io.procvlm.core.episode;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-frame values of one episode, stored column by column so that long episodes stay compact (about 60 bytes per
 * frame plus the state and action vectors). Grows as frames are added.
 */
public final class FeatureRows implements Serializable {
    private int size;
    private long[] frameIndex = new long[64];
    private double[] timestamp = new double[64];
    private double[] videoTimestamp = new double[64];
    private long[] phash = new long[64];
    private double[] frameDiff = new double[64];
    private double[] flowMagnitude = new double[64];
    private double[] movingFraction = new double[64];
    private double[] gripper = new double[64];
    private double[] stateSpeed = new double[64];
    private float[][] state = new float[64][];
    private float[][] action = new float[64][];

    public static FeatureRows empty() {
        return new FeatureRows();
    }

    /** Appends one frame. {@code NaN} marks a missing double; {@code null} a missing vector. */
    public void add(
            long frameIndexValue,
            double timestampValue,
            double videoTimestampValue,
            long phashValue,
            double frameDiffValue,
            double flowValue,
            double movingValue,
            double gripperValue,
            double stateSpeedValue,
            float[] stateValue,
            float[] actionValue) {
        if (size == frameIndex.length) {
            int capacity = size * 2;
            frameIndex = Arrays.copyOf(frameIndex, capacity);
            timestamp = Arrays.copyOf(timestamp, capacity);
            videoTimestamp = Arrays.copyOf(videoTimestamp, capacity);
            phash = Arrays.copyOf(phash, capacity);
            frameDiff = Arrays.copyOf(frameDiff, capacity);
            flowMagnitude = Arrays.copyOf(flowMagnitude, capacity);
            movingFraction = Arrays.copyOf(movingFraction, capacity);
            gripper = Arrays.copyOf(gripper, capacity);
            stateSpeed = Arrays.copyOf(stateSpeed, capacity);
            state = Arrays.copyOf(state, capacity);
            action = Arrays.copyOf(action, capacity);
        }
        frameIndex[size] = frameIndexValue;
        timestamp[size] = timestampValue;
        videoTimestamp[size] = videoTimestampValue;
        phash[size] = phashValue;
        frameDiff[size] = frameDiffValue;
        flowMagnitude[size] = flowValue;
        movingFraction[size] = movingValue;
        gripper[size] = gripperValue;
        stateSpeed[size] = stateSpeedValue;
        state[size] = stateValue;
        action[size] = actionValue;
        size++;
    }

    public int size() {
        return size;
    }

    public long frameIndex(int i) {
        return frameIndex[i];
    }

    public double timestamp(int i) {
        return timestamp[i];
    }

    public double videoTimestamp(int i) {
        return videoTimestamp[i];
    }

    public long phash(int i) {
        return phash[i];
    }

    public double frameDiff(int i) {
        return frameDiff[i];
    }

    public double flowMagnitude(int i) {
        return flowMagnitude[i];
    }

    public double movingFraction(int i) {
        return movingFraction[i];
    }

    public double gripper(int i) {
        return gripper[i];
    }

    public double stateSpeed(int i) {
        return stateSpeed[i];
    }

    public float[] state(int i) {
        return state[i];
    }

    public float[] action(int i) {
        return action[i];
    }
}
