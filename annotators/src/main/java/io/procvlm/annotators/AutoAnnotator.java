package io.procvlm.annotators;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.labels.NativeAnnotator;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.model.SegmentAnnotation;
import java.util.Optional;

/**
 * Labels shipped with the dataset where there are some, the kinematic annotator elsewhere. The annotation records
 * which one answered.
 */
public final class AutoAnnotator implements SubtaskAnnotator {
    private final NativeAnnotator nativeAnnotator;
    private final SubtaskAnnotator fallback;

    public AutoAnnotator(NativeAnnotator nativeAnnotator, SubtaskAnnotator fallback) {
        this.nativeAnnotator = requireNonNull(nativeAnnotator, "nativeAnnotator is null");
        this.fallback = requireNonNull(fallback, "fallback is null");
    }

    @Override
    public String id() {
        return "auto";
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        Optional<NativeSubtasks> labels = nativeAnnotator.labels(input);
        if (labels.isPresent() && hasLabel(labels.get())) {
            return nativeAnnotator.annotate(input, labels.get());
        }
        return fallback.annotate(input);
    }

    private static boolean hasLabel(NativeSubtasks labels) {
        for (String label : labels.labels()) {
            if (label != null && !label.isBlank()) {
                return true;
            }
        }
        return false;
    }
}
