package io.procvlm.annotators;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.SegmentAnnotation;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * An annotation and what producing it cost.
 *
 * @param annotation the segment annotation
 * @param usage counters such as {@code vlm-requests}, {@code vlm-cache-hits}, {@code vlm-prompt-tokens}
 */
public record AnnotationResult(SegmentAnnotation annotation, Map<String, Long> usage) implements Serializable {
    public AnnotationResult {
        requireNonNull(annotation, "annotation is null");
        usage = new TreeMap<>(requireNonNull(usage, "usage is null"));
    }
}
