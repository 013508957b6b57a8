package io.procvlm.annotators.kinematic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.metrics.SegmentationMetrics;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kinematic annotator scored against the generated datasets' true phases, and run on real recordings. */
final class TestKinematicAnnotator {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist"));
    private final KinematicAnnotator annotator = new KinematicAnnotator(Vocabulary.embedded(), 0.2);

    /** Scores over some datasets. */
    record Score(int episodes, double bf1At5, double bf1At1, double meanError, double edit, int outcomesRight) {}

    @Test
    void withProprioceptionItFindsThePhasesAndTheOutcome() {
        Score score = score(GeneratedDatasets.ALL, true);
        assertThat(score.episodes()).isEqualTo(13);
        assertThat(score.bf1At5()).isGreaterThan(0.9);
        assertThat(score.edit()).isGreaterThan(95);
        assertThat(score.meanError()).as("mean boundary error in frames").isLessThan(3);
        assertThat(score.outcomesRight())
                .as("success / failure, incl. missed grasps and slips")
                .isEqualTo(13);
    }

    @Test
    void videoOnlySaysWhatItUsedAndStillFindsSegments() {
        Score score = score(List.of(GeneratedDatasets.V21_VIDEO_ONLY), false);
        assertThat(score.episodes()).isEqualTo(3);
        assertThat(score.bf1At5()).isGreaterThan(0.3);
        assertThat(score.edit()).isGreaterThan(60);
        Path root = GeneratedDatasets.path(GeneratedDatasets.V21_VIDEO_ONLY);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        SegmentAnnotation annotation = annotator.annotate(AnnotationInput.wholeEpisode(
                scan.episodes().get(0), frames(scan.episodes().get(0))));
        assertThat(annotation.signals()).containsExactly("flow", "frame-diff");
        assertThat(annotation.outcome()).isEqualTo(TaskOutcome.UNKNOWN);
        assertThat(annotation.evidence()).startsWith("video only (no state columns)");
        assertThat(annotation.spans()).hasSize(6).allMatch(span -> span.status() == SpanStatus.COMPLETED);
    }

    @Test
    void realHumanoidRecordings() {
        Path root = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        for (EpisodeRef ref : scan.episodes()) {
            if (!ref.problems().isEmpty()) {
                continue;
            }
            SegmentAnnotation annotation = annotator.annotate(AnnotationInput.wholeEpisode(ref, frames(ref)));
            System.out.println(ref.key() + " " + annotation.outcome() + " " + annotation.evidence() + " "
                    + annotation.spans().stream()
                            .map(s -> s.verb() + "[" + s.startFrame() + "," + s.endFrame() + ")")
                            .toList());
            assertThat(annotation.plan())
                    .containsExactly(
                            "reach the yellow bottle",
                            "grasp the yellow bottle",
                            "lift the yellow bottle",
                            "release the yellow bottle");
            assertThat(annotation.signals()).contains("hand:right", "arm-speed");
            assertThat(annotation.spans())
                    .extracting(SubtaskSpan::verb)
                    .containsExactly("reach", "grasp", "lift", "release");
            for (int i = 1; i < annotation.spans().size(); i++) {
                assertThat(annotation.spans().get(i).startFrame())
                        .isGreaterThanOrEqualTo(annotation.spans().get(i - 1).startFrame());
            }
            assertThat(annotation.outcome()).isEqualTo(TaskOutcome.SUCCESS);
        }
    }

    @Test
    void sameInputSameAnnotation() {
        EpisodeRef ref = DatasetReaders.scan(
                        DatasetSpec.ofPath(GeneratedDatasets.path(GeneratedDatasets.V20_H264)
                                .toString()),
                        RULES)
                .episodes()
                .get(1);
        EpisodeFrames frames = frames(ref);
        assertThat(annotator.annotate(AnnotationInput.wholeEpisode(ref, frames)))
                .isEqualTo(annotator.annotate(AnnotationInput.wholeEpisode(ref, frames)));
    }

    private Score score(List<String> datasets, boolean print) {
        SegmentationMetrics.BoundaryCounts loose = SegmentationMetrics.BoundaryCounts.zero();
        SegmentationMetrics.BoundaryCounts strict = SegmentationMetrics.BoundaryCounts.zero();
        double edit = 0;
        int episodes = 0;
        int outcomes = 0;
        for (String name : datasets) {
            Path root = GeneratedDatasets.path(name);
            DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
            List<JsonNode> truth = GeneratedDatasets.groundTruth(root);
            for (EpisodeRef ref : scan.episodes()) {
                JsonNode expected = truth.get((int) ref.episodeIndex());
                SegmentAnnotation annotation = annotator.annotate(AnnotationInput.wholeEpisode(ref, frames(ref)));
                List<Segment> gt = GroundTruth.truth(expected);
                List<Segment> predicted = GroundTruth.predicted(annotation);
                loose = loose.plus(SegmentationMetrics.boundaries(gt, predicted, 0.05));
                strict = strict.plus(SegmentationMetrics.boundaries(gt, predicted, 0.01));
                edit += SegmentationMetrics.editScore(gt, predicted);
                episodes++;
                TaskOutcome expectedOutcome =
                        expected.get("outcome").asText().equals("success") ? TaskOutcome.SUCCESS : TaskOutcome.FAILURE;
                outcomes += annotation.outcome() == expectedOutcome ? 1 : 0;
            }
        }
        Score score =
                new Score(episodes, loose.f1(), strict.f1(), loose.meanAbsoluteError(), edit / episodes, outcomes);
        System.out.printf(
                "kinematic on %s: %d episodes, BF1@5 %.3f, BF1@1 %.3f, mean boundary error %.2f frames, edit %.1f,"
                        + " outcomes right %d%n",
                Set.copyOf(datasets),
                score.episodes(),
                score.bf1At5(),
                score.bf1At1(),
                score.meanError(),
                score.edit(),
                score.outcomesRight());
        return score;
    }

    static EpisodeFrames frames(EpisodeRef ref) {
        EpisodeFeatures features =
                new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults()).extract(ref);
        return EpisodeFrames.of(features.frames(), false);
    }
}
