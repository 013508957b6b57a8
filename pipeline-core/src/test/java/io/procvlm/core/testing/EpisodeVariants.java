package io.procvlm.core.testing;

import io.procvlm.core.episode.EpisodeFrames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds variants of an episode's {@code frames/} rows the way real recordings go wrong: cut short, cropped, frozen
 * (camera and robot paused: the same image and state repeated), slowed down (each frame recorded twice), played
 * backwards, and a retried grasp (a first attempt that closes the hand on nothing, opens again, then the original
 * grasp). Frame indices are renumbered from 0 and timestamps follow at the episode's frame rate. Every variant is a
 * valid episode: annotators must segment it or quarantine it with a code, never fail.
 */
public final class EpisodeVariants {
    private EpisodeVariants() {}

    /** The first {@code share} of the episode (at least two frames). */
    public static EpisodeFrames truncated(EpisodeFrames frames, double share) {
        int keep = Math.max(2, Math.min(frames.size(), (int) Math.round(frames.size() * share)));
        return crop(frames, 0, keep);
    }

    /** Rows [from, to), renumbered. */
    public static EpisodeFrames crop(EpisodeFrames frames, int from, int to) {
        List<Integer> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(i);
        }
        return assemble(frames, rows, List.of(), fps(frames));
    }

    /**
     * {@code copies} more frames of row {@code at} right after it: a frozen camera and a paused robot (no visual change,
     * no motion).
     */
    public static EpisodeFrames frozen(EpisodeFrames frames, int at, int copies) {
        List<Integer> rows = new ArrayList<>();
        List<Integer> still = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            rows.add(i);
            if (i == at) {
                for (int c = 0; c < copies; c++) {
                    still.add(rows.size());
                    rows.add(i);
                }
            }
        }
        return assemble(frames, rows, still, fps(frames));
    }

    /** Every frame shown twice (a camera or state stream at half the frame rate), the repeats without change. */
    public static EpisodeFrames slowed(EpisodeFrames frames) {
        List<Integer> rows = new ArrayList<>();
        List<Integer> still = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            rows.add(i);
            still.add(rows.size());
            rows.add(i);
        }
        return assemble(frames, rows, still, fps(frames));
    }

    /** The rows in reverse order. */
    public static EpisodeFrames reversed(EpisodeFrames frames) {
        List<Integer> rows = new ArrayList<>();
        for (int i = frames.size() - 1; i >= 0; i--) {
            rows.add(i);
        }
        return assemble(frames, rows, List.of(), fps(frames));
    }

    /**
     * A missed grasp, then the original episode: rows [0, contact) are played, then each hand joint closes from its
     * level at {@code contact} past the most closed it ever is in the episode (where it held the object) by {@code
     * extraClosure} of its range (shut on nothing) over {@code closing} rows while the arm holds
     * still, reopen over as many rows to the widest each joint opened before {@code contact} (the hand opens fully to
     * try again), and the original goes on from {@code contact}.
     *
     * @param handDimensions the state dimensions of the acting hand's joints (higher = more open)
     */
    public static EpisodeFrames retried(
            EpisodeFrames frames, int contact, int closing, List<Integer> handDimensions, double extraClosure) {
        int n = frames.size();
        Map<Integer, Float> widest = new HashMap<>();
        Map<Integer, Float> empty = new HashMap<>();
        for (int dimension : handDimensions) {
            float[] range = range(frames, dimension);
            empty.put(dimension, (float) (range[0] - extraClosure * (range[1] - range[0])));
        }
        double lowGripper = Double.POSITIVE_INFINITY;
        double highGripper = Double.NEGATIVE_INFINITY;
        for (double value : frames.gripper()) {
            if (!Double.isNaN(value)) {
                lowGripper = Math.min(lowGripper, value);
                highGripper = Math.max(highGripper, value);
            }
        }
        double emptyGripper = lowGripper - extraClosure * (highGripper - lowGripper);
        double widestGripper = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(contact + 1, n); i++) {
            float[] row = frames.state()[i];
            for (int dimension : handDimensions) {
                if (row != null && dimension < row.length) {
                    widest.merge(dimension, row[dimension], Math::max);
                }
            }
            if (!Double.isNaN(frames.gripper()[i])) {
                widestGripper = Math.max(widestGripper, frames.gripper()[i]);
            }
        }
        // the rows, with row `contact` shown 2 * closing more times first; those copies then close and reopen the hand
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == contact) {
                for (int k = 0; k < 2 * closing; k++) {
                    order.add(i);
                }
            }
            order.add(i);
        }
        EpisodeFrames retried = assemble(frames, order, List.of(), fps(frames));
        int first = Math.min(contact, n);
        for (int k = 1; k <= 2 * closing; k++) {
            int out = first + k - 1;
            boolean closingNow = k <= closing;
            double depth = closingNow ? (double) k / closing : (double) (2 * closing - k) / closing;
            float[] closed = retried.state()[out] == null ? null : retried.state()[out].clone();
            if (closed != null) {
                for (int dimension : handDimensions) {
                    if (dimension < closed.length) {
                        float open = closingNow ? closed[dimension] : widest.getOrDefault(dimension, closed[dimension]);
                        closed[dimension] = (float) (open + depth * (empty.get(dimension) - open));
                    }
                }
            }
            retried.state()[out] = closed;
            double gripper = retried.gripper()[out];
            double openGripper = closingNow || widestGripper == Double.NEGATIVE_INFINITY ? gripper : widestGripper;
            retried.gripper()[out] =
                    Double.isNaN(gripper) ? Double.NaN : openGripper + depth * (emptyGripper - openGripper);
            retried.stateSpeed()[out] = 0;
        }
        return retried;
    }

    /** The lowest and highest value of state dimension {@code dimension} over the episode. */
    private static float[] range(EpisodeFrames frames, int dimension) {
        float low = Float.POSITIVE_INFINITY;
        float high = Float.NEGATIVE_INFINITY;
        for (float[] row : frames.state()) {
            if (row != null && dimension < row.length) {
                low = Math.min(low, row[dimension]);
                high = Math.max(high, row[dimension]);
            }
        }
        return new float[] {low, high};
    }

    /**
     * The episode, then {@code rows} more in which the arm holds still and each hand joint relaxes from its last value
     * to {@code closer} of its range below the value it started the episode at: a hand settling into a rest pose a
     * little more closed than the one it started in, once the task is over (real teleoperation endings do this).
     */
    public static EpisodeFrames settledAtEnd(
            EpisodeFrames frames, List<Integer> handDimensions, int rows, double closer) {
        int n = frames.size();
        List<Integer> order = new ArrayList<>();
        List<Integer> still = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        for (int k = 0; k < rows; k++) {
            still.add(order.size());
            order.add(n - 1);
        }
        EpisodeFrames extended = assemble(frames, order, still, fps(frames));
        float[] last = frames.state()[n - 1];
        if (last == null) {
            return extended;
        }
        for (int dimension : handDimensions) {
            float[] range = range(frames, dimension);
            float low = range[0];
            float high = range[1];
            float[] first = frames.state()[0];
            float start = first == null || dimension >= first.length ? low : first[dimension];
            float target = (float) Math.max(low, start - closer * (high - low));
            for (int k = 0; k < rows; k++) {
                int out = n + k;
                float[] row = extended.state()[out] == last ? last.clone() : extended.state()[out];
                double along = Math.min(1, (k + 1) / (rows / 2.0));
                row[dimension] = (float) (last[dimension] + along * (target - last[dimension]));
                extended.state()[out] = row;
            }
        }
        return extended;
    }

    /** Rows in {@code order}; positions in {@code still} repeat their predecessor (no change, no motion). */
    private static EpisodeFrames assemble(EpisodeFrames frames, List<Integer> order, List<Integer> still, double fps) {
        int total = order.size();
        long[] frameIndex = new long[total];
        double[] timestamp = new double[total];
        double[] flow = new double[total];
        double[] frameDiff = new double[total];
        double[] moving = new double[total];
        double[] gripper = new double[total];
        double[] speed = new double[total];
        long[] phash = frames.phash() == null ? null : new long[total];
        float[][] state = new float[total][];
        java.util.Set<Integer> repeats = new java.util.HashSet<>(still);
        for (int out = 0; out < total; out++) {
            int row = order.get(out);
            copyRow(frames, row, out, frameIndex, flow, frameDiff, moving, gripper, speed, phash, state);
            frameIndex[out] = out;
            timestamp[out] = out / fps;
            if (out == 0) {
                flow[out] = Double.NaN;
                frameDiff[out] = Double.NaN;
                moving[out] = Double.NaN;
                speed[out] = Double.NaN;
            } else if (repeats.contains(out)) {
                flow[out] = 0;
                frameDiff[out] = 0;
                moving[out] = 0;
                speed[out] = 0;
            } else if (order.get(out - 1) != row - 1) {
                // a jump (reversal, crop start): the change is the original's, a fair stand-in
                speed[out] = frames.stateSpeed()[row];
            }
        }
        return new EpisodeFrames(frameIndex, timestamp, flow, frameDiff, moving, gripper, speed, phash, state);
    }

    private static void copyRow(
            EpisodeFrames frames,
            int row,
            int out,
            long[] frameIndex,
            double[] flow,
            double[] frameDiff,
            double[] moving,
            double[] gripper,
            double[] speed,
            long[] phash,
            float[][] state) {
        frameIndex[out] = frames.frameIndex()[row];
        flow[out] = frames.flow()[row];
        frameDiff[out] = frames.frameDiff()[row];
        moving[out] = frames.movingFraction()[row];
        gripper[out] = frames.gripper()[row];
        speed[out] = frames.stateSpeed()[row];
        if (phash != null) {
            phash[out] = frames.phash()[row];
        }
        state[out] = frames.state()[row];
    }

    /** The episode's frame rate from its timestamps (30 when they cannot tell). */
    public static double fps(EpisodeFrames frames) {
        int n = frames.size();
        if (n < 2) {
            return 30;
        }
        double span = frames.timestamp()[n - 1] - frames.timestamp()[0];
        return span > 0 ? (n - 1) / span : 30;
    }
}
