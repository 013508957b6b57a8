package io.procvlm.annotators.labels;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.List;

/** Spans from a user's labels file ({@link ImportedLabels}); an episode the file does not cover is quarantined. */
public final class ImportedLabelsAnnotator implements SubtaskAnnotator {
    public static final String ID = "imported";

    private final ImportedLabels labels;

    public ImportedLabelsAnnotator(ImportedLabels labels) {
        this.labels = requireNonNull(labels, "labels is null");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        ImportedLabels.Episode episode =
                labels.find(input.ref().dataset().value(), input.ref().episodeIndex());
        if (episode == null || episode.entries().isEmpty()) {
            throw new PipelineException(
                    AnnotatorErrorCode.IMPORTED_LABELS_MISSING,
                    "Labels file " + labels.source() + " has no spans for "
                            + input.ref().key());
        }
        List<String> plan = new ArrayList<>();
        List<SubtaskSpan> spans = new ArrayList<>();
        long start = input.segmentStart();
        long end = input.segmentEnd();
        for (ImportedLabels.Entry entry : episode.entries()) {
            if (!plan.contains(entry.label())) {
                plan.add(entry.label());
            }
            spans.add(new SubtaskSpan(
                    plan.indexOf(entry.label()),
                    entry.label(),
                    LabelRuns.verb(entry.label()),
                    entry.start(),
                    entry.end(),
                    entry.status()));
            start = Math.min(start, entry.start());
            end = Math.max(end, entry.end());
        }
        String evidence = "imported from " + labels.source()
                + (episode.outcome() == TaskOutcome.UNKNOWN
                        ? "; the file does not state the outcome"
                        : "; outcome from the file");
        return new SegmentAnnotation(
                input.ref().dataset(),
                input.ref().episodeIndex(),
                input.segmentIndex(),
                start,
                end,
                input.task(),
                plan,
                spans,
                episode.outcome(),
                evidence,
                ID,
                Fingerprints.ofParts(ID, labels.fingerprint(), input.ref().key()),
                List.of("labels-file"));
    }
}
