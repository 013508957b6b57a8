package io.procvlm.annotators.labels;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.TaskOutcome;
import java.util.List;
import java.util.Optional;

/**
 * Subtask labels shipped with the dataset, read through the dataset's reader ({@link
 * io.procvlm.core.dataset.EpisodeReader#nativeSubtasks}): runs of equal labels become spans, the plan
 * is the labels in order of first appearance. The labels do not state the outcome, so it is unknown.
 */
public final class NativeAnnotator implements SubtaskAnnotator {
    public static final String ID = "native";
    static final String VERSION = "1";

    private final String source;

    /**
     * @param source {@code auto}, or a source of one format: {@code subtask-index}, {@code sub-task-index}, {@code
     *     language-persistent} (LeRobot), {@code action-config} (AgiBot World), {@code episode-json} (image sequences)
     */
    public NativeAnnotator(String source) {
        this.source = requireNonNull(source, "source is null");
    }

    @Override
    public String id() {
        return ID;
    }

    /** Whether the episode's dataset ships labels (what the {@code auto} annotator checks). */
    public Optional<NativeSubtasks> labels(AnnotationInput input) {
        return DatasetReaders.episodeReader(input.ref().format())
                .nativeSubtasks(DatasetFiles.at(input.ref().datasetRoot()), input.ref(), source);
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        NativeSubtasks labels = labels(input)
                .orElseThrow(() -> new PipelineException(
                        AnnotatorErrorCode.NATIVE_LABELS_MISSING,
                        "Dataset " + input.ref().dataset() + " ships no subtask labels (looked for " + source + ")"));
        return annotate(input, labels);
    }

    /** Annotates from labels already read with {@link #labels}. */
    public SegmentAnnotation annotate(AnnotationInput input, NativeSubtasks labels) {
        if (input.ref().hasTaskSegments()) {
            labels = within(labels, input.segmentStart(), input.segmentEnd());
        }
        LabelRuns.PlanAndSpans runs = LabelRuns.fromFrames(labels.frameIndex(), labels.labels());
        if (runs.spans().isEmpty()) {
            throw new PipelineException(
                    AnnotatorErrorCode.NATIVE_LABELS_MISSING,
                    "Episode " + input.ref().key() + " has no labelled frame in " + labels.source());
        }
        long start = Math.min(input.segmentStart(), runs.spans().get(0).startFrame());
        long end = Math.max(
                input.segmentEnd(), runs.spans().get(runs.spans().size() - 1).endFrame());
        return new SegmentAnnotation(
                input.ref().dataset(),
                input.ref().episodeIndex(),
                input.segmentIndex(),
                start,
                end,
                input.task(),
                runs.plan(),
                runs.spans(),
                TaskOutcome.UNKNOWN,
                "native labels from " + labels.source() + "; the dataset does not state the outcome",
                ID,
                Fingerprints.ofParts(
                        ID,
                        VERSION,
                        labels.source(),
                        String.join("\u001f", runs.plan()),
                        runs.spans().toString()),
                List.of(labels.source()));
    }

    /** The labels of the frames in one task segment. */
    static NativeSubtasks within(NativeSubtasks labels, long startFrame, long endFrame) {
        List<Integer> kept = new java.util.ArrayList<>();
        for (int i = 0; i < labels.frameIndex().length; i++) {
            if (labels.frameIndex()[i] >= startFrame && labels.frameIndex()[i] < endFrame) {
                kept.add(i);
            }
        }
        long[] frames = new long[kept.size()];
        String[] texts = new String[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            frames[i] = labels.frameIndex()[kept.get(i)];
            texts[i] = labels.labels()[kept.get(i)];
        }
        return new NativeSubtasks(labels.source(), frames, texts);
    }
}
