package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which per-frame columns of a dataset carry proprioception, and which state dimensions describe the gripper.
 *
 * @param stateKey the state vector column, or {@code null} when the dataset has none (video-only)
 * @param actionKey the action vector column, or {@code null}
 * @param stateNames the names of the state dimensions (may be empty)
 * @param gripperDimensions indices into the state vector whose mean is the gripper/hand opening signal; empty when
 *     no dimension name says gripper, hand or finger
 */
public record FrameColumns(String stateKey, String actionKey, List<String> stateNames, List<Integer> gripperDimensions)
        implements Serializable {
    private static final Pattern GRIPPER = Pattern.compile(".*(gripper|grip|claw).*");
    private static final Pattern HAND = Pattern.compile(".*(hand|finger|thumb|pinky).*");

    public FrameColumns {
        stateNames = List.copyOf(requireNonNull(stateNames, "stateNames is null"));
        gripperDimensions = List.copyOf(requireNonNull(gripperDimensions, "gripperDimensions is null"));
    }

    public static FrameColumns none() {
        return new FrameColumns(null, null, List.of(), List.of());
    }

    /** Picks the gripper dimensions from the state names: "gripper" names first, else hand/finger joints. */
    public static FrameColumns of(String stateKey, String actionKey, List<String> stateNames) {
        List<Integer> gripper = matching(stateNames, GRIPPER);
        if (gripper.isEmpty()) {
            gripper = matching(stateNames, HAND);
        }
        return new FrameColumns(stateKey, actionKey, stateNames, gripper);
    }

    public boolean hasState() {
        return stateKey != null;
    }

    public boolean hasAction() {
        return actionKey != null;
    }

    private static List<Integer> matching(List<String> names, Pattern pattern) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (pattern.matcher(names.get(i).toLowerCase(Locale.ROOT)).matches()) {
                indices.add(i);
            }
        }
        return indices;
    }
}
