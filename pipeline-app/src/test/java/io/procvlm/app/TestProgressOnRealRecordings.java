package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.annotators.kinematic.KinematicAnnotator;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.features.VisualChange;
import io.procvlm.core.features.VisualChangeExtractor;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.progress.FrameLabeler;
import io.procvlm.progress.FrameSignals;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.progress.ProgressMode;
import io.procvlm.progress.ReferenceProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress labels on real robot recordings (../shared/testdata) and on the generated datasets: the stagnation and
 * failure properties of the default mode, the curve properties of both modes, and an independent recomputation of
 * the reference mode by a separate Python implementation.
 */
final class TestProgressOnRealRecordings {
    private static final String REAL = "lerobot-v21-g1-pick-bottle";
    private static final CameraRules RULES =
            new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist", "hand"));
    private static final KinematicAnnotator ANNOTATOR = new KinematicAnnotator(Vocabulary.embedded(), 0.2);
    private static final ProgressConfig DEFAULT = ProgressConfig.defaults();
    private static final ProgressConfig REFERENCE = DEFAULT.withMode(ProgressMode.REFERENCE);

    @TempDir
    Path directory;

    /** Two seconds of a frozen camera in the middle of every subtask add less than 2% progress (default mode). */
    @Test
    void frozenStretchesAddAlmostNothing() {
        for (EpisodeRef ref : usable(TestData.sharedTestData(REAL))) {
            EpisodeFrames original = frames(ref);
            SegmentAnnotation annotation = ANNOTATOR.annotate(AnnotationInput.wholeEpisode(ref, original));
            int copies = (int) Math.round(2 * ref.fps());
            List<Long> freezeAt = new ArrayList<>();
            for (SubtaskSpan span : annotation.spans()) {
                if (span.status() == SpanStatus.COMPLETED && span.length() >= 4) {
                    freezeAt.add(span.startFrame() + span.length() / 2);
                }
            }
            assertThat(freezeAt).isNotEmpty();
            FrameSignals frozen = decodeWithFreezes(ref, freezeAt, copies);
            SegmentAnnotation shifted = shift(annotation, freezeAt, copies);
            List<ProgressLabel> labels = FrameLabeler.label(shifted, frozen, DEFAULT);
            List<ProgressLabel> reference = FrameLabeler.label(shifted, frozen, REFERENCE);
            assertCurve(labels, shifted, true);
            assertCurve(reference, shifted, false);
            for (int k = 0; k < freezeAt.size(); k++) {
                int before = (int) (freezeAt.get(k) + (long) k * copies); // the frozen frame itself
                int last = before + copies; // its last copy
                double gained = labels.get(last).progress() - labels.get(before).progress();
                double referenceGained =
                        reference.get(last).progress() - reference.get(before).progress();
                System.out.printf(
                        Locale.ROOT,
                        "%s frozen %d frames at %d: default +%.4f, reference +%.4f%n",
                        ref.key(),
                        copies,
                        freezeAt.get(k),
                        gained,
                        referenceGained);
                assertThat(gained)
                        .as("%s frozen at %d", ref.key(), freezeAt.get(k))
                        .isLessThan(0.02);
            }
        }
    }

    /**
     * Cutting an episode 60% of the way through its subtasks keeps every label at or below 0.75 and never reaches
     * done, whatever outcome the segment claims (default mode, default weights).
     */
    @Test
    void cutEpisodesStayBelowThreeQuarters() {
        List<EpisodeRef> refs = new ArrayList<>();
        TestData.sharedTestDataIfPresent(REAL).ifPresent(root -> refs.addAll(usable(root)));
        for (String name : GeneratedDatasets.ALL) {
            refs.addAll(usable(GeneratedDatasets.path(name)));
        }
        int checked = 0;
        double highest = 0;
        for (EpisodeRef ref : refs) {
            EpisodeFrames frames = frames(ref);
            SegmentAnnotation annotation = ANNOTATOR.annotate(AnnotationInput.wholeEpisode(ref, frames));
            FrameSignals signals =
                    new FrameSignals(frames.frameIndex(), frames.flow(), frames.frameDiff(), frames.phash());
            for (TaskOutcome outcome : TaskOutcome.values()) {
                SegmentAnnotation cut = cut(annotation, 0.6, outcome);
                if (cut == null) {
                    continue; // the episode never got 60% of the way (a failure already)
                }
                List<ProgressLabel> labels = FrameLabeler.label(cut, signals, DEFAULT);
                assertThat(labels).hasSize((int) (cut.segmentEnd() - cut.segmentStart()));
                assertCurve(labels, cut, true);
                assertThat(labels)
                        .as("%s cut at %d, %s", ref.key(), cut.segmentEnd(), outcome)
                        .allSatisfy(label -> {
                            assertThat(label.progress()).isLessThanOrEqualTo(0.75);
                            assertThat(label.done()).isFalse();
                        });
                assertThat(labels.get(labels.size() - 1).subtask()).isEqualTo(ProgressLabel.NOT_DONE);
                highest = Math.max(highest, labels.get(labels.size() - 1).progress());
            }
            // and the whole episode, labelled as annotated, satisfies the curve properties in both modes
            assertCurve(FrameLabeler.label(annotation, signals, DEFAULT), annotation, true);
            assertCurve(FrameLabeler.label(annotation, signals, REFERENCE), annotation, false);
            checked += cut(annotation, 0.6, TaskOutcome.UNKNOWN) != null ? 1 : 0;
        }
        assertThat(checked).as("episodes cut").isGreaterThanOrEqualTo(10);
        System.out.printf(Locale.ROOT, "%d episodes cut at 60%%: highest label %.3f%n", checked, highest);
        assertThat(highest).as("the completed share is kept, not zeroed").isGreaterThan(0.4);
    }

    /**
     * The reference mode on real frames equals a separate Python implementation written from the description
     * (src-test-data/reference/progress_reference.py), given the same labels and pHash values, to 1e-9; so does the
     * worked example.
     */
    @Test
    void referenceModeAgreesWithAnIndependentImplementation() throws IOException, InterruptedException {
        Path script = TestData.srcTestData("reference/progress_reference.py");
        Assumptions.assumeTrue(
                python() != null, "python3 is not installed: skipping the independent recomputation of the reference");
        String[] worked = {
            "Grasp the cup",
            "Grasp the cup",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "done",
            "done"
        };
        double[] similarity = {0, 1.0, 0.9, 63 / 64.0, 58 / 64.0, 48 / 64.0, 60 / 64.0, 1.0, 0.2, 1.0};
        ObjectNode example = JSON.createObjectNode();
        addAll(example.putArray("labels"), worked);
        ArrayNode similarities = example.putArray("similarity");
        for (double value : similarity) {
            similarities.add(value);
        }
        JsonNode exampleOut = runPython(script, example);
        assertClose(ReferenceProgress.compute(worked, similarity), exampleOut.get("progress"), "worked example");
        double[] printed = {0, 0, .375, .375, .4853, .6123, .7727, .8930, 1.0, 1.0};
        for (int i = 0; i < printed.length; i++) {
            assertThat(exampleOut.get("progress").get(i).asDouble()).isCloseTo(printed[i], within(5e-5));
        }

        int episodes = 0;
        for (EpisodeRef ref : usable(TestData.sharedTestData(REAL))) {
            EpisodeFrames frames = frames(ref);
            SegmentAnnotation annotation = ANNOTATOR.annotate(AnnotationInput.wholeEpisode(ref, frames));
            FrameSignals signals =
                    new FrameSignals(frames.frameIndex(), frames.flow(), frames.frameDiff(), frames.phash());
            List<ProgressLabel> labels = FrameLabeler.label(annotation, signals, REFERENCE);
            ObjectNode input = JSON.createObjectNode();
            ArrayNode labelArray = input.putArray("labels");
            ArrayNode hashes = input.putArray("phash");
            for (int i = 0; i < labels.size(); i++) {
                labelArray.add(labels.get(i).subtask());
                hashes.add(HexFormat.of().toHexDigits(frames.phash()[i]));
            }
            JsonNode out = runPython(script, input);
            double[] ours = labels.stream().mapToDouble(ProgressLabel::progress).toArray();
            assertClose(ours, out.get("progress"), ref.key());
            int identical = 0;
            for (int i = 1; i < frames.size(); i++) {
                double sim = ReferenceProgress.similarity(frames.phash()[i - 1], frames.phash()[i]);
                assertThat(out.get("similarity").get(i).asDouble()).isEqualTo(sim);
                identical += sim == 1.0 ? 1 : 0;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d frames, %.1f%% of frame pairs with pHash similarity 1.0%n",
                    ref.key(),
                    frames.size(),
                    100.0 * identical / (frames.size() - 1));
            episodes++;
        }
        assertThat(episodes).isEqualTo(4);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode runPython(Path script, JsonNode input) throws IOException, InterruptedException {
        Path in = Files.createTempFile(directory, "in", ".json");
        Path out = Files.createTempFile(directory, "out", ".json");
        JSON.writeValue(in.toFile(), input);
        Process process = new ProcessBuilder(python(), script.toString(), in.toString(), out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        return JSON.readTree(out.toFile());
    }

    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static void addAll(ArrayNode array, String[] values) {
        for (String value : values) {
            array.add(value);
        }
    }

    private static void assertClose(double[] ours, JsonNode theirs, String what) {
        assertThat(theirs.size()).as(what).isEqualTo(ours.length);
        for (int i = 0; i < ours.length; i++) {
            assertThat(ours[i])
                    .as("%s frame %d", what, i)
                    .isCloseTo(theirs.get(i).asDouble(), within(1e-9));
        }
    }

    /**
     * Starts at 0, in [0, 1], non-decreasing; a done tail is exactly 1 and never ends a failure; in the default mode a
     * not-done tail stays below 1 (the reference mode reaches 1 whatever the tail).
     */
    private static void assertCurve(List<ProgressLabel> labels, SegmentAnnotation annotation, boolean failureAware) {
        assertThat(labels).isNotEmpty();
        assertThat(labels.get(0).progress()).isZero();
        for (int i = 0; i < labels.size(); i++) {
            ProgressLabel label = labels.get(i);
            assertThat(label.progress()).isBetween(0.0, 1.0);
            if (i > 0) {
                assertThat(label.progress())
                        .isGreaterThanOrEqualTo(labels.get(i - 1).progress());
            }
            if (label.done()) {
                assertThat(label.progress()).isEqualTo(1.0);
                assertThat(annotation.outcome()).isNotEqualTo(TaskOutcome.FAILURE);
            }
        }
        ProgressLabel last = labels.get(labels.size() - 1);
        assertThat(last.subtask()).isIn(ProgressLabel.DONE, ProgressLabel.NOT_DONE);
        if (!last.done() && failureAware) {
            assertThat(last.progress()).isLessThan(1.0);
        }
    }

    private static List<EpisodeRef> usable(Path root) {
        return DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES).episodes().stream()
                .filter(ref -> ref.problems().isEmpty())
                .toList();
    }

    private static EpisodeFrames frames(EpisodeRef ref) {
        EpisodeFeatures features = new EpisodeFeatureExtractor(
                        InspectionConfig.defaults(), FeaturesConfig.defaultsWithPhash())
                .extract(ref);
        assertThat(features.problems()).noneMatch(problem -> problem.isError());
        return EpisodeFrames.of(features.frames(), true);
    }

    /** Decodes the episode, showing the frame at each position in {@code freezeAt} {@code copies} more times. */
    private static FrameSignals decodeWithFreezes(EpisodeRef ref, List<Long> freezeAt, int copies) {
        List<VisualChange> changes = new ArrayList<>();
        EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
        try (FrameSource source = reader.openFrames(DatasetFiles.at(ref.datasetRoot()), ref, 1);
                VisualChangeExtractor extractor = new VisualChangeExtractor(FeaturesConfig.defaultsWithPhash())) {
            long ordinal = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; ordinal++) {
                changes.add(extractor.next(frame.image()));
                if (freezeAt.contains(ordinal)) {
                    for (int c = 0; c < copies; c++) {
                        changes.add(extractor.next(frame.image()));
                    }
                }
            }
        }
        int n = changes.size();
        long[] index = new long[n];
        double[] flow = new double[n];
        double[] diff = new double[n];
        long[] phash = new long[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
            flow[i] = changes.get(i).flowMagnitude();
            diff[i] = changes.get(i).frameDiff();
            phash[i] = changes.get(i).phash();
        }
        return new FrameSignals(index, flow, diff, phash);
    }

    /** The annotation of the episode with {@code copies} frames inserted after each frame in {@code freezeAt}. */
    private static SegmentAnnotation shift(SegmentAnnotation annotation, List<Long> freezeAt, int copies) {
        List<SubtaskSpan> spans = new ArrayList<>();
        for (SubtaskSpan span : annotation.spans()) {
            spans.add(new SubtaskSpan(
                    span.planIndex(),
                    span.label(),
                    span.verb(),
                    moved(span.startFrame(), freezeAt, copies),
                    moved(span.endFrame(), freezeAt, copies),
                    span.status()));
        }
        return with(annotation, spans, moved(annotation.segmentEnd(), freezeAt, copies), annotation.outcome());
    }

    /** Where frame boundary {@code frame} lands once the copies are inserted (copies follow their original). */
    private static long moved(long frame, List<Long> freezeAt, int copies) {
        long shift = 0;
        for (long at : freezeAt) {
            if (frame > at) {
                shift += copies;
            }
        }
        return frame + shift;
    }

    /**
     * The annotation of the same episode stopped {@code share} of the way through its plan: the subtask in progress
     * at the cut is incomplete, later ones never happen; null when the episode never completes that subtask.
     */
    private static SegmentAnnotation cut(SegmentAnnotation annotation, double share, TaskOutcome outcome) {
        double position = share * annotation.plan().size();
        int planIndex = (int) Math.floor(position);
        SubtaskSpan target = annotation.spans().stream()
                .filter(span -> span.planIndex() == planIndex && span.status() == SpanStatus.COMPLETED)
                .findFirst()
                .orElse(null);
        if (target == null) {
            return null;
        }
        long cutFrame = Math.max(
                annotation.segmentStart() + 2,
                target.startFrame() + Math.round((position - planIndex) * target.length()));
        List<SubtaskSpan> spans = new ArrayList<>();
        for (SubtaskSpan span : annotation.spans()) {
            if (span.endFrame() <= cutFrame) {
                spans.add(span);
            } else if (span.startFrame() < cutFrame) {
                spans.add(new SubtaskSpan(
                        span.planIndex(),
                        span.label(),
                        span.verb(),
                        span.startFrame(),
                        cutFrame,
                        span.status() == SpanStatus.COMPLETED ? SpanStatus.INCOMPLETE : span.status()));
            }
        }
        return with(annotation, spans, cutFrame, outcome);
    }

    private static SegmentAnnotation with(
            SegmentAnnotation annotation, List<SubtaskSpan> spans, long segmentEnd, TaskOutcome outcome) {
        return new SegmentAnnotation(
                annotation.dataset(),
                annotation.episodeIndex(),
                annotation.segmentIndex(),
                annotation.segmentStart(),
                segmentEnd,
                annotation.task(),
                annotation.plan(),
                spans,
                outcome,
                annotation.evidence(),
                annotation.annotator(),
                annotation.fingerprint(),
                annotation.signals());
    }
}
