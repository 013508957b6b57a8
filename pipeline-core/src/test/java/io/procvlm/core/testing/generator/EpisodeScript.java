package io.procvlm.core.testing.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Scripts one pick-and-place episode frame by frame: reach, grasp, lift, move, place, retreat, with idle pauses, an
 * optional failed first grasp (retry) and an optional failure (the object slips during the move and the task is never
 * completed). Everything derives from the seed, so the same arguments give the same episode.
 */
public final class EpisodeScript {
    /** How an episode unfolds. */
    public enum Variant {
        SUCCESS,
        /** The first grasp misses, the gripper reopens and tries again. */
        RETRY,
        /** Long idle pauses inside phases. */
        PAUSES,
        /** The object slips during the move; the place never happens. */
        FAILURE
    }

    private final List<SceneState> states = new ArrayList<>();
    private final List<Phase> phases = new ArrayList<>();
    private final String objectName;
    private final String targetName;
    private final boolean success;
    private SceneState current;

    private EpisodeScript(String objectName, String targetName, boolean success) {
        this.objectName = objectName;
        this.targetName = targetName;
        this.success = success;
    }

    public static EpisodeScript create(Variant variant, long seed, String objectName, String targetName) {
        SplittableRandom random = new SplittableRandom(seed);
        EpisodeScript script = new EpisodeScript(objectName, targetName, variant != Variant.FAILURE);
        double home = 0.12 + 0.05 * random.nextDouble();
        double objectX = 0.33 + 0.1 * random.nextDouble();
        double targetX = 0.72 + 0.08 * random.nextDouble();
        double width = 0.35;
        script.current = new SceneState(home, 0.7, 1.0, objectX, 0.0, false);
        boolean pauses = variant == Variant.PAUSES;

        int reachStart = 0;
        script.hold(6 + random.nextInt(6));
        if (variant == Variant.RETRY) {
            // reach slightly beside the object, close on nothing, lift a little, reopen
            script.moveTo(objectX - 0.06, 0.05, 1.0, 20 + random.nextInt(6));
            script.phase("reach", "reach the " + objectName, reachStart, "completed");
            int failedGrasp = script.size();
            script.moveTo(objectX - 0.06, 0.05, 0.0, 8);
            script.moveTo(objectX - 0.06, 0.2, 0.0, 8);
            script.hold(4);
            script.moveTo(objectX - 0.06, 0.2, 1.0, 6);
            script.phase("grasp", "grasp the " + objectName, failedGrasp, "failed");
            int reachAgain = script.size();
            script.moveTo(objectX, 0.05, 1.0, 10);
            script.phase("reach", "reach the " + objectName, reachAgain, "completed");
        } else {
            script.moveTo(objectX, 0.05, 1.0, 24 + random.nextInt(8));
            if (pauses) {
                script.hold(14);
            }
            script.phase("reach", "reach the " + objectName, reachStart, "completed");
        }
        int grasp = script.size();
        script.moveTo(objectX, 0.05, width, 8 + random.nextInt(3));
        script.current = withHeld(script.current, true);
        script.hold(3);
        script.phase("grasp", "grasp the " + objectName, grasp, "completed");
        int lift = script.size();
        script.moveTo(objectX, 0.45, width, 12 + random.nextInt(4));
        script.phase("lift", "lift the " + objectName, lift, "completed");
        int move = script.size();
        if (variant == Variant.FAILURE) {
            double slipAt = objectX + 0.45 * (targetX - objectX);
            script.moveTo(slipAt, 0.45, width, 10);
            script.current = withHeld(script.current, false);
            script.drop(6); // the object slips out; with nothing between them, the fingers close fully
            script.moveTo(targetX, 0.45, 0.0, 12);
            script.phase("move", "move the " + objectName + " to the " + targetName, move, "failed");
            int place = script.size();
            script.moveTo(targetX, 0.1, 0.0, 10);
            script.moveTo(targetX, 0.1, 1.0, 6);
            script.phase("place", "place the " + objectName + " onto the " + targetName, place, "incomplete");
        } else {
            double halfway = objectX + 0.5 * (targetX - objectX);
            script.moveTo(halfway, 0.45, width, 12 + random.nextInt(4));
            if (pauses) {
                script.hold(16);
            }
            script.moveTo(targetX, 0.45, width, 12 + random.nextInt(4));
            script.phase("move", "move the " + objectName + " to the " + targetName, move, "completed");
            int place = script.size();
            script.moveTo(targetX, 0.08, width, 10 + random.nextInt(3));
            script.moveTo(targetX, 0.08, 1.0, 6);
            script.current = withHeld(script.current, false);
            script.phase("place", "place the " + objectName + " onto the " + targetName, place, "completed");
        }
        int retreat = script.size();
        script.moveTo(home, 0.7, 1.0, 16 + random.nextInt(6));
        script.phase("retreat", "retreat the gripper", retreat, "completed");
        script.hold(10 + random.nextInt(8) + (pauses ? 8 : 0));
        return script;
    }

    public List<SceneState> states() {
        return states;
    }

    public List<Phase> phases() {
        return phases;
    }

    public boolean success() {
        return success;
    }

    public String objectName() {
        return objectName;
    }

    public String targetName() {
        return targetName;
    }

    private int size() {
        return states.size();
    }

    private void phase(String verb, String label, int start, String status) {
        phases.add(new Phase(verb, label, start, states.size(), status));
    }

    private void hold(int frames) {
        for (int i = 0; i < frames; i++) {
            states.add(current);
        }
    }

    /** Moves the end effector (and a held object) to a pose with smooth acceleration. */
    private void moveTo(double x, double z, double gripper, int frames) {
        SceneState start = current;
        for (int i = 1; i <= frames; i++) {
            double t = (double) i / frames;
            double s = t * t * (3 - 2 * t);
            double eeX = start.eeX() + (x - start.eeX()) * s;
            double eeZ = start.eeZ() + (z - start.eeZ()) * s;
            double g = start.gripper() + (gripper - start.gripper()) * s;
            double objectX = start.held() ? eeX : start.objectX();
            double objectZ = start.held() ? Math.max(0, eeZ - 0.05) : start.objectZ();
            current = new SceneState(eeX, eeZ, g, objectX, objectZ, start.held());
            states.add(current);
        }
    }

    /** The slipping object falls to the table while the arm holds still and the empty fingers close. */
    private void drop(int frames) {
        SceneState start = current;
        for (int i = 1; i <= frames; i++) {
            double t = (double) i / frames;
            current = new SceneState(
                    start.eeX(),
                    start.eeZ(),
                    start.gripper() * (1 - t),
                    start.objectX(),
                    start.objectZ() * (1 - t * t),
                    false);
            states.add(current);
        }
    }

    private static SceneState withHeld(SceneState state, boolean held) {
        return new SceneState(state.eeX(), state.eeZ(), state.gripper(), state.objectX(), state.objectZ(), held);
    }
}
