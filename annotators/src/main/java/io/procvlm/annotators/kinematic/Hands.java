package io.procvlm.annotators.kinematic;

import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.model.FrameColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which hand acts, how open it is, and how fast its arm moves, from the state vector and its dimension names.
 *
 * <p>The gripper dimensions ({@link FrameColumns#gripperDimensions()}: gripper, or hand/finger joints) are grouped by
 * side (a name saying left or right, or an {@code l_}/{@code r_} token). The acting hand is the side whose opening (the
 * mean of its joints that move at least half as much as its most moving joint) varies most; a dexterous hand's twelve
 * finger joints become one opening signal, and the idle hand of a two-armed robot is left out. The arm speed is the
 * speed of the state dimensions of that side that are not gripper joints (all non-gripper dimensions when names carry
 * no side), so that fingers closing are not mistaken for the arm moving.
 *
 * <p>Without names or state, the opening is the {@code gripper} column of {@code frames/} and the speed its {@code
 * state_speed} column.
 *
 * @param opening per frame, higher = more open (NaN where unknown)
 * @param armSpeed per frame, state units per second (NaN where unknown)
 * @param side the acting side ({@code left}, {@code right}), or empty when names carry none
 * @param fromNames whether the signals come from named state dimensions (else the frames table's own columns)
 */
record Hands(double[] opening, double[] armSpeed, String side, boolean fromNames) {
    private static final Pattern LEFT = Pattern.compile("left|(?:^|[^a-z])l(?:[^a-z]|$)");
    private static final Pattern RIGHT = Pattern.compile("right|(?:^|[^a-z])r(?:[^a-z]|$)");

    static Hands of(FrameColumns columns, EpisodeFrames frames) {
        int n = frames.size();
        List<Integer> gripper = columns.gripperDimensions();
        List<String> names = columns.stateNames();
        if (gripper.isEmpty() || names.isEmpty() || !hasState(frames)) {
            return new Hands(frames.gripper(), frames.stateSpeed(), "", false);
        }
        Map<String, List<Integer>> sides = new TreeMap<>();
        for (int dimension : gripper) {
            sides.computeIfAbsent(side(name(names, dimension)), k -> new ArrayList<>())
                    .add(dimension);
        }
        String acting = "";
        double[] opening = null;
        double widest = -1;
        for (Map.Entry<String, List<Integer>> entry : sides.entrySet()) {
            double[] candidate = opening(frames, entry.getValue());
            double range = Series.percentile(candidate, 98) - Series.percentile(candidate, 2);
            if (!Double.isNaN(range) && range > widest) {
                widest = range;
                acting = entry.getKey();
                opening = candidate;
            }
        }
        if (opening == null) {
            return new Hands(frames.gripper(), frames.stateSpeed(), "", false);
        }
        List<Integer> arm = new ArrayList<>();
        for (int d = 0; d < names.size(); d++) {
            if (!gripper.contains(d)
                    && (acting.isEmpty() || side(name(names, d)).equals(acting))) {
                arm.add(d);
            }
        }
        if (arm.isEmpty()) {
            for (int d = 0; d < names.size(); d++) {
                if (!gripper.contains(d)) {
                    arm.add(d);
                }
            }
        }
        double[] speed = arm.isEmpty() ? frames.stateSpeed() : speed(frames, arm);
        return new Hands(opening, speed.length == n ? speed : frames.stateSpeed(), acting, true);
    }

    private static String name(List<String> names, int dimension) {
        return dimension < names.size() ? names.get(dimension).toLowerCase(Locale.ROOT) : "";
    }

    /** {@code left}, {@code right} or empty, from a lower-cased dimension name. */
    static String side(String name) {
        boolean left = LEFT.matcher(name).find();
        boolean right = RIGHT.matcher(name).find();
        return left == right ? "" : left ? "left" : "right";
    }

    private static boolean hasState(EpisodeFrames frames) {
        for (float[] state : frames.state()) {
            if (state != null) {
                return true;
            }
        }
        return false;
    }

    /** Mean of the dimensions that move at least half as much as the most moving one; NaN where a row lacks them. */
    private static double[] opening(EpisodeFrames frames, List<Integer> dimensions) {
        int n = frames.size();
        double[] ranges = new double[dimensions.size()];
        double widest = 0;
        for (int k = 0; k < dimensions.size(); k++) {
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double value = value(frames.state()[i], dimensions.get(k));
                if (!Double.isNaN(value)) {
                    low = Math.min(low, value);
                    high = Math.max(high, value);
                }
            }
            ranges[k] = high >= low ? high - low : 0;
            widest = Math.max(widest, ranges[k]);
        }
        double[] opening = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int count = 0;
            for (int k = 0; k < dimensions.size(); k++) {
                double value = value(frames.state()[i], dimensions.get(k));
                if (ranges[k] >= 0.5 * widest && !Double.isNaN(value)) {
                    sum += value;
                    count++;
                }
            }
            opening[i] = count == 0 ? Double.NaN : sum / count;
        }
        return opening;
    }

    /** Euclidean speed of the given dimensions between consecutive rows, per second; NaN where unknown. */
    private static double[] speed(EpisodeFrames frames, List<Integer> dimensions) {
        int n = frames.size();
        double[] speed = new double[n];
        speed[0] = n > 0 ? Double.NaN : 0;
        for (int i = 1; i < n; i++) {
            double dt = frames.timestamp()[i] - frames.timestamp()[i - 1];
            double sum = 0;
            boolean known = dt > 0;
            for (int k = 0; k < dimensions.size() && known; k++) {
                double delta =
                        value(frames.state()[i], dimensions.get(k)) - value(frames.state()[i - 1], dimensions.get(k));
                known = !Double.isNaN(delta) && !Double.isInfinite(delta);
                sum += known ? delta * delta : 0;
            }
            speed[i] = known ? Math.sqrt(sum) / dt : Double.NaN;
        }
        return speed;
    }

    private static double value(float[] state, int dimension) {
        return state == null || dimension >= state.length ? Double.NaN : state[dimension];
    }
}
