package io.procvlm.progress;

import static java.util.Objects.requireNonNull;

/**
 * The per-frame visual-change signals of one episode, in frame order (what {@code frames/} holds). A {@code NaN}
 * marks a missing value (the first frame, or a feature that was not computed).
 *
 * @param frameIndex frame indices, strictly increasing
 * @param flow mean optical-flow magnitude to the previous frame
 * @param frameDiff mean absolute frame difference to the previous frame
 * @param phash perceptual hashes, or {@code null} when they were not computed
 */
public record FrameSignals(long[] frameIndex, double[] flow, double[] frameDiff, long[] phash) {
    public FrameSignals {
        requireNonNull(frameIndex, "frameIndex is null");
        requireNonNull(flow, "flow is null");
        requireNonNull(frameDiff, "frameDiff is null");
        int n = frameIndex.length;
        if (flow.length != n || frameDiff.length != n || (phash != null && phash.length != n)) {
            throw new IllegalArgumentException("Signals of different lengths for " + n + " frames");
        }
        for (int i = 1; i < n; i++) {
            if (frameIndex[i] <= frameIndex[i - 1]) {
                throw new IllegalArgumentException("Frame indices are not increasing at position " + i);
            }
        }
    }

    public int size() {
        return frameIndex.length;
    }

    public boolean hasPhash() {
        return phash != null;
    }
}
