package io.procvlm.annotators.kinematic;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.VisualActivity;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The embedded default annotator: no model, no GPU. It segments a task from proprioception and video and names the
 * segments with the verb vocabulary and the objects of the task text.
 *
 * <ul>
 *   <li><b>Gripper cycles</b> (close, hold, open) from the gripper/hand opening: a grasp starts where closing starts;
 *       a cycle that closes much further than the others closed on nothing (a missed grasp, then a retry).
 *   <li><b>Motion pauses</b> from the state speed (or, with no state, from visual activity) end a grasp (when motion
 *       resumes) and a retreat (when the arm comes to rest).
 *   <li><b>Height</b>, when a state dimension is named z or height, splits the carry into lift, move and place; without
 *       it the carry is split at its motion minima near a quarter and three quarters of its length.
 *   <li><b>Fingers closing further</b> during a carry mean the object slipped out: the task failed.
 *   <li>With no gripper signal, segments are the stretches of motion (state speed, or with no state the visual
 *       activity: flow and frame difference above the noise) between pauses, merged across the shortest pauses or
 *       split at the slowest points to the plan's length, and the outcome is unknown.
 * </ul>
 *
 * Segments shorter than {@code annotate.min-subtask-seconds} are merged into their neighbours. The result says which
 * signals were used.
 */
public final class KinematicAnnotator implements SubtaskAnnotator {
    public static final String ID = "kinematic";
    /** Bumped whenever the algorithm changes what it outputs (part of the fingerprint). */
    static final String VERSION = "2";

    private static final Pattern HEIGHT = Pattern.compile("(?:^|[^a-z])(?:z|height|pos_z|eef_z|ee_z)(?:[^a-z]|$)");

    /**
     * How long the arm must stay at rest, holding, up to the end of a segment for a carry that no later step follows
     * to count as finished (the object held still), rather than cut off mid-motion.
     */
    static final double REST_SECONDS = 1.0;

    private final Vocabulary vocabulary;
    private final double minSubtaskSeconds;

    public KinematicAnnotator(Vocabulary vocabulary, double minSubtaskSeconds) {
        this.vocabulary = requireNonNull(vocabulary, "vocabulary is null");
        this.minSubtaskSeconds = minSubtaskSeconds;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        EpisodeFrames frames = input.frames();
        int n = frames.size();
        if (n == 0) {
            throw new PipelineException(
                    AnnotatorErrorCode.NO_FRAMES, "Episode " + input.ref().key() + " has no frames to annotate");
        }
        Vocabulary.Plan plan = vocabulary.plan(input.task());
        double fps = input.ref().fps();
        int minFrames = Math.max(1, (int) Math.round(minSubtaskSeconds * fps));
        List<String> signals = new ArrayList<>();
        double[] visual = VisualActivity.of(frames.flow(), frames.frameDiff(), 0, n, 10);
        boolean hasVisual = EpisodeFrames.hasValues(frames.flow()) || EpisodeFrames.hasValues(frames.frameDiff());
        Hands hands = Hands.of(input.ref().columns(), frames);
        boolean hasState = EpisodeFrames.hasValues(hands.armSpeed());
        boolean hasGripper = EpisodeFrames.hasValues(hands.opening()) && Series.varies(hands.opening(), 1e-3);
        int window = Math.max(1, (int) Math.round(0.2 * fps)) | 1;
        double[] motion = Series.smooth(hasState ? hands.armSpeed() : visual, window);
        double still = 0.15 * Series.percentile(motion, 90);
        if (hasState) {
            signals.add(hands.fromNames() ? "arm-speed" : "state-speed");
        }
        if (hasVisual) {
            signals.add("flow");
            signals.add("frame-diff");
        }

        Result result;
        if (hasGripper && plan.verbs().contains("grasp")) {
            signals.add(0, hands.side().isEmpty() ? "gripper" : "hand:" + hands.side());
            int height = heightDimension(input.ref().columns().stateNames(), frames);
            if (height >= 0) {
                signals.add("height:" + input.ref().columns().stateNames().get(height));
            }
            int rest = Math.max(minFrames, (int) Math.round(REST_SECONDS * fps));
            result = new GraspSegmenter(plan, frames, hands.opening(), motion, still, height, minFrames, rest).run();
        } else {
            result = motionSegments(plan, n, motion, still, minFrames, hasState, hasGripper);
        }

        plan = result.plan();
        List<SubtaskSpan> spans = new ArrayList<>();
        long endOfFrames = frames.frameIndex()[n - 1] + 1;
        for (Span span : result.spans()) {
            long start = span.from() >= n ? endOfFrames : frames.frameIndex()[Math.max(0, span.from())];
            long end = span.to() >= n ? endOfFrames : frames.frameIndex()[Math.max(0, span.to())];
            spans.add(new SubtaskSpan(
                    span.planIndex(),
                    plan.labels().get(span.planIndex()),
                    plan.verbs().get(span.planIndex()),
                    span.status() == SpanStatus.ABSENT ? end : start,
                    end,
                    span.status()));
        }
        return new SegmentAnnotation(
                input.ref().dataset(),
                input.ref().episodeIndex(),
                input.segmentIndex(),
                input.segmentStart(),
                input.segmentEnd(),
                input.task(),
                plan.labels(),
                spans,
                result.outcome(),
                result.evidence(),
                ID,
                fingerprint(input, signals),
                signals);
    }

    /** A span in positions; {@code to} is exclusive. */
    record Span(int planIndex, int from, int to, SpanStatus status) {}

    /** The spans found and the plan they refer to (the vocabulary's, less optional steps the episode left out). */
    record Result(Vocabulary.Plan plan, List<Span> spans, TaskOutcome outcome, String evidence) {}

    /** Segments from motion alone: stretches between pauses, merged or split to the plan's length. */
    static Result motionSegments(
            Vocabulary.Plan plan,
            int n,
            double[] motion,
            double still,
            int minFrames,
            boolean hasState,
            boolean hasGripper) {
        int steps = plan.verbs().size();
        List<int[]> active = new ArrayList<>();
        int i = 0;
        while (i < n) {
            if (motion[i] > still) {
                int start = i;
                while (i < n && motion[i] > still) {
                    i++;
                }
                active.add(new int[] {start, i});
            } else {
                i++;
            }
        }
        // bridge short pauses, drop short bursts
        List<int[]> merged = new ArrayList<>();
        for (int[] interval : active) {
            if (!merged.isEmpty() && interval[0] - merged.get(merged.size() - 1)[1] < minFrames) {
                merged.get(merged.size() - 1)[1] = interval[1];
            } else {
                merged.add(interval);
            }
        }
        merged.removeIf(interval -> interval[1] - interval[0] < minFrames && merged.size() > 1);
        if (merged.isEmpty()) {
            merged.add(new int[] {0, n});
        }
        while (merged.size() > steps) { // merge across the shortest pause
            int best = 0;
            for (int k = 1; k < merged.size() - 1; k++) {
                if (merged.get(k + 1)[0] - merged.get(k)[1] < merged.get(best + 1)[0] - merged.get(best)[1]) {
                    best = k;
                }
            }
            merged.get(best)[1] = merged.get(best + 1)[1];
            merged.remove(best + 1);
        }
        while (merged.size() < steps) { // split the longest stretch at its slowest point
            int longest = 0;
            for (int k = 1; k < merged.size(); k++) {
                if (length(merged.get(k)) > length(merged.get(longest))) {
                    longest = k;
                }
            }
            int[] interval = merged.get(longest);
            if (length(interval) < 2) {
                break;
            }
            int quarter = Math.max(1, length(interval) / 4);
            int cut = Series.argMin(motion, interval[0] + quarter, interval[1] - quarter);
            if (cut <= interval[0] || cut >= interval[1]) {
                cut = interval[0] + length(interval) / 2;
            }
            merged.add(longest + 1, new int[] {cut, interval[1]});
            interval[1] = cut;
        }
        List<Span> spans = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            if (k < merged.size()) {
                spans.add(new Span(k, merged.get(k)[0], merged.get(k)[1], SpanStatus.COMPLETED));
            } else {
                spans.add(new Span(k, n, n, SpanStatus.ABSENT));
            }
        }
        String evidence = hasGripper
                ? "no grasp in the plan: segments from motion pauses; the outcome cannot be judged from kinematics"
                : (hasState ? "no gripper signal" : "video only (no state columns)")
                        + ": segments from motion pauses; the outcome cannot be judged without a gripper signal";
        return new Result(plan, spans, TaskOutcome.UNKNOWN, evidence);
    }

    private static int length(int[] interval) {
        return interval[1] - interval[0];
    }

    /** The state dimension that measures height, or -1: a name with a z or height token that varies. */
    static int heightDimension(List<String> names, EpisodeFrames frames) {
        for (int d = 0; d < names.size(); d++) {
            if (HEIGHT.matcher(names.get(d).toLowerCase(Locale.ROOT)).find()) {
                double[] values = new double[frames.size()];
                for (int i = 0; i < values.length; i++) {
                    float[] state = frames.state()[i];
                    values[i] = state == null || d >= state.length ? Double.NaN : state[d];
                }
                if (Series.varies(values, 1e-4)) {
                    return d;
                }
            }
        }
        return -1;
    }

    private String fingerprint(AnnotationInput input, List<String> signals) {
        MessageDigest digest = Fingerprints.sha256();
        EpisodeFrames frames = input.frames();
        ByteBuffer buffer = ByteBuffer.allocate(40);
        for (int i = 0; i < frames.size(); i++) {
            buffer.clear();
            buffer.putLong(frames.frameIndex()[i]);
            buffer.putDouble(frames.gripper()[i]);
            buffer.putDouble(frames.stateSpeed()[i]);
            buffer.putDouble(frames.flow()[i]);
            buffer.putDouble(frames.frameDiff()[i]);
            digest.update(buffer.array(), 0, buffer.position());
            float[] state = frames.state()[i];
            if (state != null) {
                ByteBuffer values = ByteBuffer.allocate(4 * state.length);
                for (float value : state) {
                    values.putFloat(value);
                }
                digest.update(values.array());
            }
        }
        return Fingerprints.ofParts(
                ID,
                VERSION,
                vocabulary.fingerprint(),
                Double.toString(minSubtaskSeconds),
                input.task(),
                Long.toString(input.segmentStart()),
                Long.toString(input.segmentEnd()),
                String.join(",", signals),
                Fingerprints.hex(digest));
    }
}
