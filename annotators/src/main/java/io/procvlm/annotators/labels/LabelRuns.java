package io.procvlm.annotators.labels;

import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plans and spans from per-frame labels: runs of equal labels, the plan in order of first appearance. */
public final class LabelRuns {
    private LabelRuns() {}

    /** A plan and its spans. */
    public record PlanAndSpans(List<String> plan, List<SubtaskSpan> spans) {}

    /**
     * @param frameIndex increasing frame indices
     * @param labels the label of each frame, {@code null} (or blank) when unlabelled
     */
    public static PlanAndSpans fromFrames(long[] frameIndex, String[] labels) {
        List<String> plan = new ArrayList<>();
        List<SubtaskSpan> spans = new ArrayList<>();
        int i = 0;
        while (i < labels.length) {
            String label = clean(labels[i]);
            if (label == null) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < labels.length && label.equals(clean(labels[j]))) {
                j++;
            }
            if (!plan.contains(label)) {
                plan.add(label);
            }
            long end = j < frameIndex.length ? frameIndex[j] : frameIndex[j - 1] + 1;
            spans.add(
                    new SubtaskSpan(plan.indexOf(label), label, verb(label), frameIndex[i], end, SpanStatus.COMPLETED));
            i = j;
        }
        return new PlanAndSpans(plan, spans);
    }

    /** The first word of a label, lower case: the verb of labels written as "grasp the cup". */
    public static String verb(String label) {
        String trimmed = label.strip();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    }

    private static String clean(String label) {
        return label == null || label.isBlank() ? null : label.strip();
    }
}
