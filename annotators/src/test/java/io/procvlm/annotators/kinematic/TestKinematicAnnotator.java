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
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kinematic annotator scored against the generated datasets' true phases. */
final class TestKinematicAnnotator {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));
    private final KinematicAnnotator annotator = new KinematicAnnotator(Vocabulary.embedded(), 0.2);

    @Test
    void scoresOnTheGeneratedDatasets() {
        SegmentationMetrics.BoundaryCounts boundaries = SegmentationMetrics.BoundaryCounts.zero();
        double edit = 0;
        int episodes = 0;
        int outcomes = 0;
        StringBuilder report = new StringBuilder();
        for (String name : GeneratedDatasets.ALL) {
            DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(GeneratedDatasets.path(name).toString()), RULES);
            List<JsonNode> truth = GeneratedDatasets.groundTruth(GeneratedDatasets.path(name));
            for (EpisodeRef ref : scan.episodes()) {
                JsonNode expected = truth.get((int) ref.episodeIndex());
                SegmentAnnotation annotation = annotator.annotate(AnnotationInput.wholeEpisode(ref, frames(ref)));
                List<Segment> gt = GroundTruth.truth(expected);
                List<Segment> predicted = GroundTruth.predicted(annotation);
                SegmentationMetrics.BoundaryCounts counts = SegmentationMetrics.boundaries(gt, predicted, 0.05);
                boundaries = boundaries.plus(counts);
                double score = SegmentationMetrics.editScore(gt, predicted);
                edit += score;
                episodes++;
                TaskOutcome expectedOutcome =
                        expected.get("outcome").asText().equals("success") ? TaskOutcome.SUCCESS : TaskOutcome.FAILURE;
                outcomes += annotation.outcome() == expectedOutcome ? 1 : 0;
                report.append(String.format(
                        "%s/%d %s: BF1@5 %.2f edit %.1f outcome %s (%s) %s%n  gt   %s%n  pred %s%n",
                        name, ref.episodeIndex(), expected.get("variant").asText(), counts.f1(), score,
                        annotation.outcome(), expected.get("outcome").asText(), annotation.evidence(), gt, predicted));
            }
        }
        System.out.println(report);
        System.out.printf("kinematic on %d generated episodes: BF1@5 %.3f, edit %.1f, outcome accuracy %d/%d%n",
                episodes, boundaries.f1(), edit / episodes, outcomes, episodes);
        assertThat(boundaries.f1()).isGreaterThan(0.6);
        assertThat(edit / episodes).isGreaterThan(80);
    }

    private static EpisodeFrames frames(EpisodeRef ref) {
        EpisodeFeatures features = new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults())
                .extract(ref);
        return EpisodeFrames.of(features.frames(), false);
    }
}
