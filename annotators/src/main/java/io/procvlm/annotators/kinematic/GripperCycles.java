package io.procvlm.annotators.kinematic;

import java.util.ArrayList;
import java.util.List;

/**
 * Close–hold–open cycles of a gripper or hand signal, found with hysteresis on the signal normalised to its range
 * (robust 2nd–98th percentiles), and whether each cycle closed on an object: when some cycles close much further than
 * others, those closed on nothing (a missed grasp); when the fingers close further during a hold, the object slipped
 * out. A hand that only relaxes back to the pose it started in is not grasping.
 */
final class GripperCycles {
    /** Below this (normalised) after having been open, the gripper closes. */
    static final double CLOSED = 0.45;
    /** Above this the gripper is open (and a later drop below {@link #CLOSED} is a grasp). */
    static final double OPENED = 0.6;
    /** How far below its starting (rest) level a hand must close for the closing to count as a grasp. */
    static final double REST_MARGIN = 0.1;
    /** An episode starting below this starts closed (holding something); a higher rest pose counts as open. */
    static final double STARTS_CLOSED = 0.2;
    /** Closed levels this far apart (in normalised range) tell a held object from an empty grip. */
    static final double HELD_GAP = 0.15;

    /**
     * One cycle, in positions.
     *
     * @param closeStart where closing starts
     * @param closeEnd where closing stops
     * @param openStart where opening starts (the series length when it never reopens)
     * @param openEnd where opening stops (the series length when it never reopens)
     * @param closedLevel median normalised opening at the start of the hold
     * @param held whether the gripper closed on something
     * @param slipAt where the fingers closed further during the hold (the object slipped out), or -1
     */
    record Cycle(
            int closeStart, int closeEnd, int openStart, int openEnd, double closedLevel, boolean held, int slipAt) {
        boolean reopened(int length) {
            return openStart < length;
        }
    }

    /** How far above its held level (in normalised range) the hand must open for the opening to have started. */
    static final double DEPART = 0.05;

    private GripperCycles() {}

    /**
     * Where the opening that crosses {@link #OPENED} at {@code crossing} started: the last position before it at which
     * the hand was still within {@link #DEPART} of its lowest level over the hold's last {@code window} samples (from
     * {@code holdStart} at the earliest). A held hand creeps (the grip settles, the controller drifts), so walking back
     * along a monotone rise would run into the hold; the departure from the held level does not.
     */
    private static int departure(double[] g, int crossing, int holdStart, int window) {
        int from = Math.max(Math.min(holdStart, crossing - 1), crossing - window);
        from = Math.max(0, from);
        double floor = Double.POSITIVE_INFINITY;
        for (int i = from; i < crossing; i++) {
            floor = Math.min(floor, g[i]);
        }
        int start = crossing - 1;
        while (start > from && g[start] > floor + DEPART) {
            start--;
        }
        return Math.max(0, start);
    }

    /**
     * How far a monotone motion through position {@code at} extends in {@code step} direction (-1 back, +1 forward):
     * samples keep going with {@code trend} (-1 falling over time, +1 rising), pauses of up to {@code maxFlat} equal
     * samples are crossed, and the result is the last sample where the value still changed.
     */
    private static int extent(double[] g, int at, int step, int trend, int bound, int maxFlat, double tiny) {
        int position = at;
        int last = at;
        int flat = 0;
        while (position != bound) {
            int next = position + step;
            // moving forward in time the value follows the trend; moving back it does the opposite
            double change = (g[next] - g[position]) * step * trend;
            if (change > tiny) {
                position = next;
                last = next;
                flat = 0;
            } else if (Math.abs(change) <= tiny && flat < maxFlat) {
                position = next;
                flat++;
            } else {
                break;
            }
        }
        return last;
    }

    /**
     * @param gripper the opening per frame (higher = more open)
     * @param maxFlat how many equal samples a closing or opening motion may pause for (proprioception sampled slower
     *     than the video repeats values)
     */
    static List<Cycle> find(double[] gripper, int maxFlat) {
        return find(gripper, maxFlat, (closeStart, closeEnd) -> false);
    }

    /** Whether a last closing that never reopens, from {@code closeStart} to the end, is the hand settling at rest. */
    @FunctionalInterface
    interface Settling {
        boolean test(int closeStart, int closeEnd);
    }

    /**
     * @param settling tells a last closing that never reopens, after an earlier cycle, from a grasp: a hand that relaxes
     *     into a half-closed rest pose once the task is over (the arm at rest) is not grasping anything
     */
    static List<Cycle> find(double[] gripper, int maxFlat, Settling settling) {
        int n = gripper.length;
        double[] filled = Series.fillGaps(gripper);
        double low = Series.percentile(filled, 2);
        double high = Series.percentile(filled, 98);
        double range = Math.max(1e-9, high - low);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Math.max(0, Math.min(1, (filled[i] - low) / range));
        }
        double tiny = 1e-4;
        List<int[]> raw = new ArrayList<>();
        boolean closed = n > 0 && g[0] < STARTS_CLOSED;
        boolean armed = n > 0 && g[0] > OPENED; // a grasp needs the hand open first (rest poses may be half closed)
        int closeStart = closed ? 0 : -1;
        int closeEnd = closed ? 0 : -1;
        for (int i = 1; i < n; i++) {
            if (!closed && g[i] > OPENED) {
                armed = true;
            }
            if (!closed && armed && g[i] < CLOSED) {
                closeStart = extent(g, i, -1, -1, 0, maxFlat, tiny);
                closeEnd = extent(g, i, 1, -1, n - 1, maxFlat, tiny);
                closed = true;
            } else if (closed && g[i] > OPENED) {
                int start = departure(g, i, closeEnd + 1, 8 * maxFlat);
                int end = extent(g, i, 1, 1, n - 1, maxFlat, tiny);
                raw.add(new int[] {closeStart, closeEnd, start, end + 1});
                closed = false;
                armed = true;
            }
        }
        if (closed) {
            raw.add(new int[] {closeStart, closeEnd, n, n});
        }
        // A hand relaxing back to its rest pose (the level it started at) is not a grasp: keep only cycles that
        // close clearly below the rest level.
        double rest = n > 0 ? g[0] : 1;
        raw.removeIf(cycle -> {
            int from = Math.min(cycle[1], n - 1);
            int to = Math.max(from + 1, Math.min(cycle[2], n));
            double level = Series.percentile(java.util.Arrays.copyOfRange(g, from, to), 50);
            return level > rest - REST_MARGIN;
        });
        if (raw.size() > 1) {
            int[] last = raw.get(raw.size() - 1);
            if (last[2] >= n && settling.test(last[0], last[1])) {
                raw.remove(raw.size() - 1);
            }
        }
        List<Cycle> cycles = new ArrayList<>();
        double minLevel = Double.POSITIVE_INFINITY;
        double maxLevel = Double.NEGATIVE_INFINITY;
        double[] levels = new double[raw.size()];
        int[] slips = new int[raw.size()];
        for (int c = 0; c < raw.size(); c++) {
            int[] cycle = raw.get(c);
            int from = Math.min(cycle[1] + 1, n - 1);
            int to = Math.max(from + 1, Math.min(cycle[2], n));
            int early = Math.min(to, from + Math.max(2, (to - from) / 4));
            levels[c] = Series.percentile(java.util.Arrays.copyOfRange(g, from, early), 50);
            slips[c] = -1;
            for (int i = from; i + 1 < to; i++) {
                if (g[i] < levels[c] - HELD_GAP && g[i + 1] < levels[c] - HELD_GAP) {
                    int start = i;
                    while (start > from && g[start - 1] < g[start] - tiny) {
                        start--;
                    }
                    slips[c] = start;
                    break;
                }
            }
            minLevel = Math.min(minLevel, levels[c]);
            maxLevel = Math.max(maxLevel, levels[c]);
        }
        boolean distinguishable = maxLevel - minLevel > HELD_GAP;
        for (int c = 0; c < raw.size(); c++) {
            int[] cycle = raw.get(c);
            boolean held = (!distinguishable || levels[c] > minLevel + (maxLevel - minLevel) / 2)
                    || slips[c] >= 0; // closing further later proves something was held first
            cycles.add(new Cycle(cycle[0], cycle[1], cycle[2], cycle[3], levels[c], held, slips[c]));
        }
        return cycles;
    }
}
