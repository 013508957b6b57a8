package io.procvlm.progress;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.features.VisualActivity;
import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one annotated task segment and its frames' visual change into per-frame ProcCorpus labels.
 *
 * <p><b>Labels.</b> A frame inside a subtask span takes that span's label; a frame in a gap before a span takes the
 * next span's label (the robot is on its way to it, as in the reference); frames after the last span form the tail:
 * {@link ProgressLabel#DONE} only when the outcome is success (or unknown, if so configured) and every planned subtask
 * completed, otherwise {@link ProgressLabel#NOT_DONE}. An unfinished or failed episode never ends in done. The
 * segment's last frame always belongs to the tail (as in the reference).
 *
 * <p><b>Default progress.</b> Each planned subtask gets a budget ({@link BudgetWeights}, over all planned subtasks,
 * completed or not). A completed subtask spreads its budget over the frames it owns in proportion to their visual
 * change (optical flow and frame difference above the episode's noise level, plus a tiny idle floor); attempts that
 * did not complete, the subtasks planned after the first one that never completes, and the not-done tail, get
 * nothing. Progress is the inclusive cumulative sum: no one-frame lag,
 * 0 on the first frame, exactly 1 on a done tail, and a failed or incomplete segment plateaus at the share of the
 * budget its completed subtasks hold. A segment whose subtasks all completed but whose outcome is failure never earns
 * the budget of achieving the task (one more mean subtask), so it too stays below 1.
 *
 * <p><b>Reference progress.</b> {@link ReferenceProgress} over the same labels and the frames' pHash similarity.
 */
public final class FrameLabeler {
    private FrameLabeler() {}

    public static List<ProgressLabel> label(SegmentAnnotation annotation, FrameSignals signals, ProgressConfig config) {
        requireNonNull(annotation, "annotation is null");
        requireNonNull(signals, "signals is null");
        requireNonNull(config, "config is null");
        int first = 0;
        while (first < signals.size() && signals.frameIndex()[first] < annotation.segmentStart()) {
            first++;
        }
        int end = first;
        while (end < signals.size() && signals.frameIndex()[end] < annotation.segmentEnd()) {
            end++;
        }
        int n = end - first;
        List<SubtaskSpan> spans = new ArrayList<>();
        for (SubtaskSpan span : annotation.spans()) {
            if (span.status() != SpanStatus.ABSENT && span.length() > 0) {
                spans.add(span);
            }
        }
        spans.sort(Comparator.comparingLong(SubtaskSpan::startFrame).thenComparingLong(SubtaskSpan::endFrame));
        int planSize = annotation.plan().size();
        long[] completedAt = new long[planSize];
        Arrays.fill(completedAt, Long.MAX_VALUE);
        for (SubtaskSpan span : spans) {
            if (span.status() == SpanStatus.COMPLETED) {
                completedAt[span.planIndex()] = Math.min(completedAt[span.planIndex()], span.endFrame());
            }
        }
        boolean allCompleted = true;
        for (long at : completedAt) {
            allCompleted &= at != Long.MAX_VALUE;
        }
        boolean success = annotation.outcome() == TaskOutcome.SUCCESS
                || (annotation.outcome() == TaskOutcome.UNKNOWN && config.assumeSuccessWhenUnknown());
        String tail = success && allCompleted ? ProgressLabel.DONE : ProgressLabel.NOT_DONE;

        // Which span owns each frame (-1 = tail). As in the reference, the segment's last frame always belongs to
        // the tail, so a successful segment always ends on a done frame.
        long lastFrame = n == 0 ? annotation.segmentEnd() : signals.frameIndex()[first + n - 1];
        int[] owner = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            long frame = signals.frameIndex()[first + i];
            while (next < spans.size() && Math.min(spans.get(next).endFrame(), lastFrame) <= frame) {
                next++;
            }
            int containing = -1;
            for (int s = next; s < spans.size() && spans.get(s).startFrame() <= frame; s++) {
                if (Math.min(spans.get(s).endFrame(), lastFrame) > frame) {
                    containing = s; // the latest-starting span containing the frame wins
                }
            }
            owner[i] = containing >= 0 ? containing : next < spans.size() ? next : -1;
        }

        String[] labels = new String[n];
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            if (owner[i] < 0) {
                labels[i] = tail;
                indices[i] = -1;
            } else {
                labels[i] = spans.get(owner[i]).label();
                indices[i] = spans.get(owner[i]).planIndex();
            }
        }

        double[] progress = config.mode() == ProgressMode.REFERENCE
                ? referenceProgress(labels, signals, first, n)
                : defaultProgress(annotation, spans, owner, signals, first, n, config);

        List<ProgressLabel> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long frame = signals.frameIndex()[first + i];
            List<String> remaining = new ArrayList<>();
            for (int k = 0; k < planSize; k++) {
                if (completedAt[k] > frame) {
                    remaining.add(annotation.plan().get(k));
                }
            }
            boolean done = labels[i].equals(ProgressLabel.DONE);
            double value = done && config.mode() == ProgressMode.DEFAULT ? 1.0 : progress[i];
            result.add(new ProgressLabel(frame, labels[i], indices[i], value, done ? List.of() : remaining, done));
        }
        return result;
    }

    private static double[] referenceProgress(String[] labels, FrameSignals signals, int first, int n) {
        if (!signals.hasPhash()) {
            throw new IllegalArgumentException("The reference progress mode needs the perceptual hash of every frame"
                    + " (features.phash on or auto)");
        }
        double[] similarity = new double[n];
        for (int i = 1; i < n; i++) {
            similarity[i] = ReferenceProgress.similarity(signals.phash()[first + i - 1], signals.phash()[first + i]);
        }
        return ReferenceProgress.compute(labels, similarity);
    }

    private static double[] defaultProgress(
            SegmentAnnotation annotation,
            List<SubtaskSpan> spans,
            int[] owner,
            FrameSignals signals,
            int first,
            int n,
            ProgressConfig config) {
        double[] activity = activity(signals, first, n, config);
        int planSize = annotation.plan().size();
        // frames owned by completed spans, per planned subtask
        long[] owned = new long[planSize];
        for (int i = 0; i < n; i++) {
            if (owner[i] >= 0 && spans.get(owner[i]).status() == SpanStatus.COMPLETED) {
                owned[spans.get(owner[i]).planIndex()]++;
            }
        }
        double[] budget = budgets(owned, config.weights());
        boolean allCompleted = true;
        for (int k = 0; k < planSize; k++) {
            allCompleted &= owned[k] > 0;
        }
        // Only a completed prefix of the plan is earned: once a subtask never completes, the ones planned after it
        // (carried out on a failed premise, e.g. a place after the object slipped) add nothing.
        boolean[] earned = new boolean[planSize];
        for (int k = 0; k < planSize && owned[k] > 0; k++) {
            earned[k] = true;
        }
        if ((annotation.outcome() == TaskOutcome.FAILURE || annotation.outcome() == TaskOutcome.UNFINISHED)
                && allCompleted) {
            // Every subtask looks done but the task failed (or the recording stopped before it finished): the budget
            // of achieving the task, one more mean subtask, is never earned, so the segment plateaus below 1.
            for (int k = 0; k < planSize; k++) {
                budget[k] *= planSize / (planSize + 1.0);
            }
        }
        double[] totalActivity = new double[planSize];
        long[] frames = new long[planSize];
        for (int i = 1; i < n; i++) {
            if (owner[i] >= 0 && spans.get(owner[i]).status() == SpanStatus.COMPLETED) {
                int k = spans.get(owner[i]).planIndex();
                totalActivity[k] += activity[i];
                frames[k]++;
            }
        }
        double[] progress = new double[n];
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0
                    && owner[i] >= 0
                    && spans.get(owner[i]).status() == SpanStatus.COMPLETED
                    && earned[spans.get(owner[i]).planIndex()]) {
                int k = spans.get(owner[i]).planIndex();
                cumulative += totalActivity[k] > 0
                        ? budget[k] * activity[i] / totalActivity[k]
                        : budget[k] / frames[k]; // no visible change at all: spread evenly in time
            }
            progress[i] = Math.min(1.0, cumulative > 1.0 - 1e-9 ? 1.0 : cumulative);
        }
        return progress;
    }

    /** Visual change of each frame ({@link VisualActivity}) plus the idle floor; frame 0 has none. */
    static double[] activity(FrameSignals signals, int first, int n, ProgressConfig config) {
        double[] activity = VisualActivity.of(signals.flow(), signals.frameDiff(), first, n, config.noisePercentile());
        double sum = 0;
        int moving = 0;
        for (int i = 1; i < n; i++) {
            if (activity[i] > 0) {
                sum += activity[i];
                moving++;
            }
        }
        double floor = moving == 0 ? 0 : config.idleFloor() * sum / moving;
        for (int i = 1; i < n; i++) {
            activity[i] += floor;
        }
        return activity;
    }

    /** Each planned subtask's share of the task, summing to 1 over the whole plan. */
    static double[] budgets(long[] ownedFrames, BudgetWeights weights) {
        int k = ownedFrames.length;
        double[] budget = new double[k];
        if (k == 0) {
            return budget;
        }
        double known = 0;
        int knownCount = 0;
        for (long frames : ownedFrames) {
            if (frames > 0) {
                known += frames;
                knownCount++;
            }
        }
        double mean = knownCount == 0 ? 1 : known / knownCount;
        double[] duration = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            duration[i] = ownedFrames[i] > 0 ? ownedFrames[i] : mean; // not completed: a typical duration
            total += duration[i];
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            budget[i] = switch (weights) {
                case UNIFORM -> 1.0;
                case DURATION -> duration[i];
                case REFERENCE_CLIP -> Math.max(0.75, Math.min(1.25, k * duration[i] / total));
            };
            sum += budget[i];
        }
        for (int i = 0; i < k; i++) {
            budget[i] /= sum;
        }
        return budget;
    }
}
