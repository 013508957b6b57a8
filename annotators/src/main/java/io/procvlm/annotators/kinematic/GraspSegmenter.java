package io.procvlm.annotators.kinematic;

import io.procvlm.annotators.Vocabulary;
import io.procvlm.annotators.kinematic.KinematicAnnotator.Result;
import io.procvlm.annotators.kinematic.KinematicAnnotator.Span;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Segments a plan with a grasp from gripper cycles: reach until closing starts, grasp until the arm moves again, the
 * carry steps (lift, move, ...) until the release step (place, hang, open, ...) which ends when the gripper has opened,
 * then retreat until the arm comes to rest. Earlier cycles that closed on nothing are failed grasps followed by a new
 * reach; fingers closing further during the carry mean the object slipped out and the task failed.
 */
final class GraspSegmenter {
    /** Steps that end with the gripper opening (after the carry). */
    private static final Set<String> RELEASES =
            Set.of("place", "hang", "open", "close", "rotate", "tilt", "push", "release");

    private final Vocabulary.Plan plan;
    private final EpisodeFrames frames;
    private final double[] opening;
    private final int restFrames;
    private final double[] motion;
    private final double still;
    private final int height;
    private final int minFrames;
    private final int n;

    GraspSegmenter(
            Vocabulary.Plan plan,
            EpisodeFrames frames,
            double[] opening,
            double[] motion,
            double still,
            int height,
            int minFrames,
            int restFrames) {
        this.plan = plan;
        this.frames = frames;
        this.opening = opening;
        this.restFrames = Math.max(1, restFrames);
        this.motion = motion;
        this.still = still;
        this.height = height;
        this.minFrames = minFrames;
        this.n = frames.size();
    }

    Result run() {
        List<String> verbs = plan.verbs();
        int grasp = verbs.indexOf("grasp");
        int retreat = verbs.lastIndexOf("retreat");
        int release = -1;
        int lastStep = retreat > grasp ? retreat - 1 : verbs.size() - 1;
        if (lastStep > grasp && RELEASES.contains(verbs.get(lastStep))) {
            release = lastStep;
        }
        List<GripperCycles.Cycle> cycles =
                GripperCycles.find(opening, Math.max(1, minFrames * 3 / 2), this::settlingAtRest);
        List<Span> spans = new ArrayList<>();
        if (cycles.isEmpty()) {
            boolean moving = movingAtEnd();
            spans.add(new Span(0, 0, n, SpanStatus.INCOMPLETE));
            absentFrom(1, spans);
            return moving
                    ? new Result(
                            plan,
                            spans,
                            TaskOutcome.UNFINISHED,
                            "the episode ends with the arm still moving, before the gripper closed on anything")
                    : new Result(plan, spans, TaskOutcome.FAILURE, "the gripper never closed");
        }
        int main = -1;
        for (int c = cycles.size() - 1; c >= 0; c--) {
            if (cycles.get(c).held()) {
                main = c;
                break;
            }
        }
        int cursor = 0;
        int attempts = main < 0 ? cycles.size() : main;
        for (int c = 0; c < attempts; c++) {
            GripperCycles.Cycle cycle = cycles.get(c);
            // a closing found to start before the previous attempt finished opening starts where that one ended
            int start = Math.min(Math.max(cursor, cycle.closeStart()), n - 1);
            addPre(grasp, cursor, start, spans);
            int end = Math.min(n, Math.max(start + 1, cycle.openEnd()));
            spans.add(new Span(grasp, start, end, SpanStatus.INCOMPLETE));
            cursor = end;
        }
        if (main < 0) {
            absentFrom(grasp + 1, spans);
            return new Result(
                    plan,
                    spans,
                    TaskOutcome.FAILURE,
                    String.format(
                            Locale.ROOT, "every grasp (%d) closed on nothing: the gripper shut completely", attempts));
        }
        GripperCycles.Cycle held = cycles.get(main);
        int contact = Math.min(Math.max(cursor, held.closeStart()), n - 1);
        addPre(grasp, cursor, contact, spans);
        boolean reopened = held.reopened(n);
        // The grasp ends where the arm moves again with the object (it leaves the table), after the fingers closed.
        int bound = Math.min(n, reopened ? held.openStart() : n);
        int limit = Math.min(n, held.closeEnd() + 1 + Math.max(2 * minFrames, 1)) + n / 4;
        int graspEnd = held.closeEnd() + 1;
        while (graspEnd < bound && motion[graspEnd] <= still && graspEnd < limit) {
            graspEnd++;
        }
        if (graspEnd >= n - 1 && !reopened) {
            // still closing, or closed with the arm not yet moving, when the recording stops
            spans.add(new Span(grasp, contact, n, SpanStatus.INCOMPLETE));
            absentFrom(grasp + 1, spans);
            return new Result(
                    plan,
                    spans,
                    TaskOutcome.UNFINISHED,
                    String.format(
                            Locale.ROOT,
                            "the episode ends during the grasp that started at frame %d, before the object was lifted",
                            frames.frameIndex()[contact]));
        }
        graspEnd = Math.max(contact + 1, Math.min(graspEnd, Math.min(n - 1, bound)));
        spans.add(new Span(grasp, contact, graspEnd, SpanStatus.COMPLETED));

        int carryFrom = grasp + 1;
        int carryTo = release >= 0 ? release : (retreat > grasp ? retreat : verbs.size());
        int carrySteps = carryTo - carryFrom;
        boolean letGo = release >= 0 && verbs.get(release).equals("release");
        boolean finalRelease = release == verbs.size() - 1;
        int carryEnd;
        int releaseEnd = -1;
        boolean unfinished = false;
        if (release >= 0 && reopened) {
            // the carry went on into the release: it ended
            releaseEnd = finalRelease ? n : Math.min(n, held.openEnd());
            carryEnd = letGo
                    ? Math.max(graspEnd + Math.max(1, carrySteps), Math.min(n - 1, held.openStart()))
                    : releaseStart(graspEnd, held.openStart(), carrySteps);
            carryEnd = Math.min(carryEnd, n - 1);
        } else if (reopened) {
            // No release step: the carry (e.g. a lift) ends at the first pause after the grasp, and at the latest
            // where the gripper opens again or the arm comes to rest.
            int carryLimit = Math.min(restAfter(graspEnd), held.openStart());
            carryEnd = Math.max(graspEnd + 1, Math.min(carryLimit, pauseAfter(graspEnd, carryLimit)));
        } else {
            // Held to the end: the carry finished only if the arm then came to rest holding the object (at a height
            // above where it was grasped, where the state has one) and stayed so to the end.
            int rest = restAfter(graspEnd);
            boolean heldStill = rest < n && n - rest >= restFrames && rest > graspEnd && raisedAt(graspEnd, rest);
            unfinished = !heldStill;
            carryEnd = heldStill ? rest : n;
        }
        carryEnd = Math.max(carryEnd, Math.min(n, graspEnd + Math.max(1, carrySteps)));
        int[] cuts = carryCuts(graspEnd, carryEnd, carrySteps, release >= 0 && reopened);
        int drop = held.slipAt() >= 0 && held.slipAt() < (release >= 0 && reopened ? held.openStart() : carryEnd)
                ? held.slipAt()
                : -1;
        for (int k = carryFrom; k < carryTo; k++) {
            int from = Math.min(cuts[k - carryFrom], n - 1);
            int to = Math.min(n, Math.max(from + 1, cuts[k - carryFrom + 1]));
            boolean failed = drop >= 0 && drop < to;
            boolean cutOff = unfinished && k == carryTo - 1;
            spans.add(new Span(k, from, to, failed || cutOff ? SpanStatus.INCOMPLETE : SpanStatus.COMPLETED));
        }
        Vocabulary.Plan used = plan;
        boolean dropRelease = false;
        if (release >= 0) {
            if (reopened) {
                int from = Math.min(carryEnd, n - 1);
                spans.add(new Span(
                        release,
                        from,
                        Math.min(n, Math.max(from + 1, releaseEnd)),
                        drop >= 0 ? SpanStatus.INCOMPLETE : SpanStatus.COMPLETED));
            } else if (plan.isOptional(release) && !unfinished && drop < 0) {
                dropRelease = true; // held at the end, and letting go was optional
            } else {
                spans.add(new Span(release, n, n, SpanStatus.ABSENT));
            }
        }
        int after = release >= 0 && reopened ? releaseEnd : carryEnd;
        if (retreat > grasp) {
            if (after < n && !unfinished) {
                int rest = Math.max(after + 1, restAfter(after));
                spans.add(new Span(retreat, after, Math.min(n, rest), SpanStatus.COMPLETED));
            } else {
                spans.add(new Span(retreat, n, n, SpanStatus.ABSENT));
            }
        }
        if (dropRelease) {
            used = plan.without(release);
            List<Span> renumbered = new ArrayList<>();
            for (Span span : spans) {
                renumbered.add(
                        span.planIndex() > release
                                ? new Span(span.planIndex() - 1, span.from(), span.to(), span.status())
                                : span);
            }
            spans = renumbered;
        }
        TaskOutcome outcome = TaskOutcome.SUCCESS;
        String evidence;
        if (drop >= 0) {
            outcome = TaskOutcome.FAILURE;
            evidence = String.format(
                    Locale.ROOT,
                    "the fingers closed further at frame %d while carrying: the object slipped out",
                    frames.frameIndex()[drop]);
        } else if (unfinished) {
            outcome = TaskOutcome.UNFINISHED;
            evidence = String.format(
                    Locale.ROOT,
                    "the episode ends with the object in the hand and the arm not at rest (grasped at frame %d): the"
                            + " %s had not finished",
                    frames.frameIndex()[contact],
                    verbs.get(carryTo - 1 >= carryFrom ? carryTo - 1 : grasp));
        } else if (release >= 0 && !reopened && !dropRelease) {
            outcome = TaskOutcome.FAILURE;
            evidence = "the gripper never opened again: the object was not put down";
        } else {
            evidence = String.format(
                    Locale.ROOT,
                    "grasp at frame %d held an object%s%s",
                    frames.frameIndex()[contact],
                    release >= 0 && reopened
                            ? String.format(
                                    Locale.ROOT,
                                    ", released at frame %d",
                                    frames.frameIndex()[Math.min(n - 1, held.openStart())])
                            : dropRelease ? ", still held, at rest, at the end" : "",
                    attempts > 0 ? String.format(Locale.ROOT, " after %d missed grasp(s)", attempts) : "");
        }
        spans.sort(java.util.Comparator.comparingInt(Span::from));
        return new Result(used, spans, outcome, evidence);
    }

    /**
     * A last closing that starts after an earlier cycle and never reopens is a grasp only when the arm was at rest as
     * the fingers began to close (the hand at an object) and then carried it (moved for at least a rest's length);
     * otherwise it is the hand settling into a rest pose while the arm retreats or rests once the task is over.
     */
    private boolean settlingAtRest(int closeStart, int closeEnd) {
        boolean reachedSomething = motion[Math.min(Math.max(0, closeStart), n - 1)] <= still;
        int movingFrames = 0;
        for (int i = Math.max(0, closeEnd); i < n; i++) {
            if (motion[i] > still) {
                movingFrames++;
            }
        }
        return !reachedSomething || movingFrames < restFrames;
    }

    /** Whether the arm moves in the segment's last {@code restFrames} frames. */
    private boolean movingAtEnd() {
        for (int i = Math.max(0, n - restFrames); i < n; i++) {
            if (motion[i] > still) {
                return true;
            }
        }
        return false;
    }

    /** With a height signal, whether the object rests above where it was grasped; without one, always. */
    private boolean raisedAt(int grasped, int rest) {
        if (height < 0) {
            return true;
        }
        double[] z = heights();
        double top = Double.NEGATIVE_INFINITY;
        for (int i = grasped; i < n; i++) {
            top = Math.max(top, z[i]);
        }
        double rise = top - z[grasped];
        return rise > 0 && z[rest] - z[grasped] > 0.5 * rise;
    }

    /** The steps before the grasp (usually one reach) over [from, to). */
    private void addPre(int grasp, int from, int to, List<Span> spans) {
        if (grasp == 0) {
            return;
        }
        from = Math.min(from, n - 1);
        int end = Math.max(from + 1, to);
        for (int k = 0; k < grasp; k++) {
            int a = from + (int) ((long) (end - from) * k / grasp);
            int b = from + (int) ((long) (end - from) * (k + 1) / grasp);
            spans.add(new Span(k, a, Math.max(a + 1, b), SpanStatus.COMPLETED));
        }
    }

    private void absentFrom(int first, List<Span> spans) {
        for (int k = first; k < plan.verbs().size(); k++) {
            spans.add(new Span(k, n, n, SpanStatus.ABSENT));
        }
    }

    /**
     * Where the release step starts: with a height signal, when the final descent begins (the last frame above 90%
     * of the rise from the release height); without one, three quarters into the carry, snapped to a motion minimum.
     */
    private int releaseStart(int from, int openStart, int carrySteps) {
        int to = Math.max(from + 1, Math.min(n, openStart));
        if (height >= 0) {
            double[] z = heights();
            double top = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                top = Math.max(top, z[i]);
            }
            double level = z[to - 1] + 0.9 * (top - z[to - 1]);
            int start = to - 1;
            while (start > from && z[start - 1] < level) {
                start--;
            }
            return Math.max(from + Math.min(carrySteps, to - from - 1), start);
        }
        int length = to - from;
        int share = carrySteps == 0 ? 0 : (int) Math.round(length * (1 - 1.0 / (carrySteps * 2 + 2)));
        return snap(from + share, from + carrySteps, to - 1, length);
    }

    /**
     * Boundaries of the carry steps over [from, to): with a height signal the first step (lift) ends at 90% of the
     * rise; other cuts split the rest evenly, snapped to motion minima.
     */
    private int[] carryCuts(int from, int to, int steps, boolean released) {
        int[] cuts = new int[steps + 1];
        cuts[0] = from;
        cuts[steps] = to;
        if (steps == 0) {
            return cuts;
        }
        int next = from;
        int firstCut = 1;
        if (steps >= 1 && height >= 0 && steps > 1) {
            double[] z = heights();
            double top = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                top = Math.max(top, z[i]);
            }
            double level = z[from] + 0.9 * (top - z[from]);
            int end = from;
            while (end < to - 1 && z[end] < level) {
                end++;
            }
            cuts[1] = Math.max(from + 1, end);
            next = cuts[1];
            firstCut = 2;
        }
        int remaining = steps - (firstCut - 1);
        for (int k = firstCut; k < steps; k++) {
            int share = (int) Math.round((double) (to - next) * (k - firstCut + 1) / remaining);
            cuts[k] = snap(next + share, next + 1, to - 1, to - next);
        }
        for (int k = 1; k <= steps; k++) {
            cuts[k] = Math.max(cuts[k], cuts[k - 1] + 1);
        }
        cuts[steps] = Math.max(to, cuts[steps - 1] + 1);
        return cuts;
    }

    /** Moves a cut to the slowest frame within a tenth of {@code span} around it. */
    private int snap(int position, int low, int high, int span) {
        int radius = Math.max(1, span / 10);
        int from = Math.max(low, position - radius);
        int to = Math.min(high, position + radius);
        if (from >= to) {
            return Math.max(low, Math.min(high, position));
        }
        return Series.argMin(motion, from, to + 1);
    }

    /**
     * The first position after {@code from} where the arm has moved and then holds still for {@code minFrames}, or
     * {@code limit}.
     */
    private int pauseAfter(int from, int limit) {
        boolean moved = false;
        int still = 0;
        for (int i = from; i < limit; i++) {
            if (motion[i] > this.still) {
                moved = true;
                still = 0;
            } else if (moved && ++still >= minFrames) {
                return i - still + 1;
            }
        }
        return limit;
    }

    /** First position at or after {@code from} from which the arm stays still to the end (or the end). */
    private int restAfter(int from) {
        int rest = n;
        for (int i = n - 1; i >= from; i--) {
            if (motion[i] > still) {
                break;
            }
            rest = i;
        }
        return Math.max(from, rest);
    }

    private double[] heights() {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            float[] state = frames.state()[i];
            z[i] = state == null || height >= state.length ? Double.NaN : state[height];
        }
        return Series.fillGaps(z);
    }
}
