package io.procvlm.core.dataset.lerobot;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real Unitree G1 recordings (AV1, 4 of 100 videos present) from ../shared/testdata. */
final class TestLeRobotRealDataset {
    private static final CameraRules RULES = new CameraRules(
            Map.of(),
            List.of("front", "exo", "exterior", "global", "high"),
            List.of("wrist", "ego", "interior", "hand", "gripper"));

    @Test
    void scanFindsEveryEpisodeAndMissingVideos() {
        Path root = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.format()).isEqualTo(DatasetFormat.LEROBOT_V2_1);
        assertThat(scan.fps()).isEqualTo(30.0);
        assertThat(scan.camera().key()).isEqualTo("observation.images.cam_high");
        assertThat(scan.camera().rule()).isEqualTo("pattern:high");
        assertThat(scan.episodes()).hasSize(100);
        List<Long> withVideo = scan.episodes().stream()
                .filter(e -> e.problems().isEmpty())
                .map(EpisodeRef::episodeIndex)
                .toList();
        assertThat(withVideo).containsExactly(1L, 2L, 4L, 5L);
        assertThat(scan.episodes().get(0).problems()).extracting(Problem::code).containsExactly("MISSING_VIDEO");
        EpisodeRef first = scan.episodes().get(1);
        assertThat(first.columns().stateKey()).isEqualTo("observation.state");
        assertThat(first.columns().stateNames()).hasSize(26);
        assertThat(first.columns().gripperDimensions()).hasSize(12);
        assertThat(first.task()).isEqualTo("Pick up the yellow bottle on the table.");
    }

    @Test
    void inspectsAndDecodesARealAv1Episode() {
        Path root = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        EpisodeRef episode = scan.episodes().get(1);
        EpisodeInspection inspection = new EpisodeInspector(InspectionConfig.defaults()).inspect(episode);
        assertThat(inspection.problems()).isEmpty();
        assertThat(inspection.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(inspection.rows()).isEqualTo(393);
        assertThat(inspection.video().codec()).isEqualTo("av1");
        assertThat(inspection.video().frameCount()).isEqualTo(393);

        EpisodeFeatures features =
                new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults()).extract(episode);
        assertThat(features.problems()).isEmpty();
        assertThat(features.frames().size()).isEqualTo(393);
        assertThat(features.stats().maxTimestampError()).isLessThan(1e-4);
        assertThat(features.frames().frameDiff(0)).isNaN();
        assertThat(features.frames().flowMagnitude(10)).isGreaterThan(0.0);
        assertThat(features.frames().gripper(10)).isBetween(0.0, 2.0);

        EpisodeInspection missing = new EpisodeInspector(InspectionConfig.defaults())
                .inspect(scan.episodes().get(0));
        assertThat(missing.status()).isEqualTo(EpisodeStatus.QUARANTINED);
        assertThat(missing.reason().orElseThrow().code()).isEqualTo("MISSING_VIDEO");
        assertThat(missing.rows()).isEqualTo(479);
    }
}
