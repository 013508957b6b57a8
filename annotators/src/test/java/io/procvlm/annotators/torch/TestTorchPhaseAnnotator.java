package io.procvlm.annotators.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torchscript annotator with a real TorchScript model (src-test-data/torchscript, made by its generate.py) run in
 * process through DJL's PyTorch engine, offline, on a generated episode's decoded frames.
 *
 * <p>The model scores reach, grasp and lift by the frame's position in the sampled clip (first, middle and last third),
 * so the spans it must give are known exactly.
 */
final class TestTorchPhaseAnnotator {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));
    private static final Path MODEL = TestData.srcTestData("torchscript/phase-model");
    private static EpisodeRef ref;
    private static EpisodeFrames frames;

    @TempDir
    Path directory;

    @BeforeAll
    static void episode() {
        ref = DatasetReaders.scan(
                        DatasetSpec.ofPath(GeneratedDatasets.path(GeneratedDatasets.V21_AV1)
                                .toString()),
                        RULES)
                .episodes()
                .get(0);
        frames = EpisodeFrames.of(
                new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults())
                        .extract(ref)
                        .frames(),
                false);
    }

    private static TorchSettings settings(Path model, double fps) {
        return new TorchSettings(model.toString(), "cpu", 32, fps, 64);
    }

    private static TorchPhaseAnnotator annotator(Path model, double fps) {
        return new TorchPhaseAnnotator(settings(model, fps), Vocabulary.embedded(), 0.2, 0.5);
    }

    @Test
    void spansFollowTheModelsScoresAndThePlan() {
        SegmentAnnotation annotation = annotator(MODEL, 5.0).annotate(AnnotationInput.wholeEpisode(ref, frames));

        assertThat(annotation.annotator()).isEqualTo("torchscript");
        assertThat(annotation.outcome()).isEqualTo(TaskOutcome.UNKNOWN);
        // "Pick up ... and place it onto ..." plans reach, grasp, lift, move, place, retreat; the model sees three.
        assertThat(annotation.plan()).hasSize(6);
        assertThat(annotation.plan().get(0)).startsWith("reach the ");
        List<SubtaskSpan> spans = annotation.spans();
        assertThat(spans)
                .extracting(SubtaskSpan::verb)
                .containsExactly("reach", "grasp", "lift", "move", "place", "retreat");
        assertThat(spans)
                .extracting(SubtaskSpan::status)
                .containsExactly(
                        SpanStatus.COMPLETED,
                        SpanStatus.COMPLETED,
                        SpanStatus.COMPLETED,
                        SpanStatus.ABSENT,
                        SpanStatus.ABSENT,
                        SpanStatus.ABSENT);
        long[] index = frames.frameIndex();
        double[] time = frames.timestamp();
        int last = index.length - 1;
        assertThat(spans.get(0).startFrame()).isEqualTo(index[0]);
        assertThat(spans.get(2).endFrame()).isEqualTo(index[last] + 1);
        assertThat(spans.get(0).endFrame()).isEqualTo(spans.get(1).startFrame());
        assertThat(spans.get(1).endFrame()).isEqualTo(spans.get(2).startFrame());
        // Boundaries at a third and two thirds of the clip, within one sampling period (0.2 s) and a frame.
        double length = time[last] - time[0];
        double slack = 0.2 + 1.0 / ref.fps();
        assertThat(time[(int) spans.get(1).startFrame()] - time[0]).isBetween(length / 3 - slack, length / 3 + slack);
        assertThat(time[(int) spans.get(2).startFrame()] - time[0])
                .isBetween(2 * length / 3 - slack, 2 * length / 3 + slack);
    }

    @Test
    void sameInputSameAnnotationAndTheFingerprintFollowsTheSettings() {
        AnnotationInput input = AnnotationInput.wholeEpisode(ref, frames);
        SegmentAnnotation first = annotator(MODEL, 5.0).annotate(input);
        SegmentAnnotation again = annotator(MODEL, 5.0).annotate(input);
        SegmentAnnotation slower = annotator(MODEL, 2.0).annotate(input);

        assertThat(again).isEqualTo(first);
        assertThat(slower.fingerprint()).isNotEqualTo(first.fingerprint());
    }

    @Test
    void aSegmentIsAnnotatedOnItsOwnFrames() {
        long[] index = frames.frameIndex();
        long start = index[index.length / 2];
        long end = index[index.length - 1] + 1;
        SegmentAnnotation annotation = annotator(MODEL, 5.0)
                .annotate(new AnnotationInput(ref, frames, 1, start, end, "pick up the red block"));

        assertThat(annotation.segmentIndex()).isEqualTo(1);
        assertThat(annotation.plan()).hasSize(3);
        assertThat(annotation.spans()).extracting(SubtaskSpan::verb).containsExactly("reach", "grasp", "lift");
        assertThat(annotation.spans().get(0).startFrame()).isEqualTo(start);
        assertThat(annotation.spans().get(2).endFrame()).isEqualTo(end);
    }

    @Test
    void aModelWhoseScoresDoNotMatchItsLabelsFailsTheEpisodeWithACode() throws Exception {
        Path model = copyModel("reach\ngrasp\nlift\n");
        TorchPhaseAnnotator annotator = annotator(model, 5.0);

        assertThatThrownBy(() -> annotator.annotate(AnnotationInput.wholeEpisode(ref, frames)))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode())
                                .isEqualTo(AnnotatorErrorCode.TORCH_INFERENCE_FAILED.toErrorCode()))
                .hasMessageContaining("4 scores per frame but labels.txt has 3 labels");
    }

    @Test
    void badModelFoldersFailBeforeAnyEpisode() throws Exception {
        assertThatThrownBy(() -> annotator(directory.resolve("nowhere"), 5.0))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(CoreErrorCode.CONFIG_INVALID_VALUE.toErrorCode()))
                .hasMessageContaining("annotate.torchscript.model-dir")
                .hasMessageContaining("no such folder");

        Path unknownVerb = copyModel("reach\nteleport\nlift\nidle\n");
        assertThatThrownBy(() -> annotator(unknownVerb, 5.0))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(AnnotatorErrorCode.TORCH_MODEL_INVALID.toErrorCode()))
                .hasMessageContaining("'teleport'");

        Path corrupt = copyModel("reach\ngrasp\nlift\nidle\n");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Files.write(corrupt.resolve("model.pt"), noise);
        assertThatThrownBy(() -> annotator(corrupt, 5.0))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(AnnotatorErrorCode.TORCH_MODEL_INVALID.toErrorCode()))
                .hasMessageContaining("Cannot load the TorchScript model");
    }

    @Test
    void shortRunsJoinTheirLongerNeighbour() {
        double[] time = new double[20];
        for (int i = 0; i < time.length; i++) {
            time[i] = i * 0.1;
        }
        // 0.8 s of label 0, 0.1 s of label 2, 1.1 s of label 1: the blip joins the longer neighbour (label 1).
        int[] perRow = {0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        List<TorchPhaseAnnotator.Run> runs =
                TorchPhaseAnnotator.merge(TorchPhaseAnnotator.runs(perRow, 0), time, time.length, 0.2);

        assertThat(runs).containsExactly(new TorchPhaseAnnotator.Run(0, 0, 8), new TorchPhaseAnnotator.Run(1, 8, 20));
    }

    @Test
    void everyRowTakesTheNearestSampledLabel() {
        double[] time = {0.0, 0.1, 0.2, 0.3, 0.45, 0.5};
        int[] labels = TorchPhaseAnnotator.spread(time, 0, 6, new int[] {0, 3, 5}, new int[] {7, 8, 9});

        assertThat(labels).containsExactly(7, 7, 8, 8, 9, 9);
    }

    private Path copyModel(String labels) throws Exception {
        Path copy = Files.createTempDirectory(directory, "model");
        Files.copy(MODEL.resolve("model.pt"), copy.resolve("model.pt"));
        Files.writeString(copy.resolve("labels.txt"), labels, StandardCharsets.UTF_8);
        return copy;
    }
}
