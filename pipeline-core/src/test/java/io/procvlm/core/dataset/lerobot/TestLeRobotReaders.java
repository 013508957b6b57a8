package io.procvlm.core.dataset.lerobot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance of the LeRobot readers on the generated datasets of every version: every declared episode is found,
 * its rows match the ground truth, and every row gets a decoded frame at its timestamp.
 */
final class TestLeRobotReaders {
    static final CameraRules RULES = new CameraRules(
            Map.of(), List.of("front", "exo", "exterior", "global", "high"), List.of("wrist", "ego", "hand"));

    static Stream<Arguments> datasets() {
        return Stream.of(
                Arguments.of(GeneratedDatasets.V20_H264, DatasetFormat.LEROBOT_V2_0, CameraStorage.VIDEO, "h264"),
                Arguments.of(GeneratedDatasets.V21_AV1, DatasetFormat.LEROBOT_V2_1, CameraStorage.VIDEO, "av1"),
                Arguments.of(GeneratedDatasets.V30_AV1, DatasetFormat.LEROBOT_V3_0, CameraStorage.VIDEO, "av1"),
                Arguments.of(
                        GeneratedDatasets.V21_IMAGES,
                        DatasetFormat.LEROBOT_V2_1,
                        CameraStorage.IMAGE_IN_PARQUET,
                        "image"),
                Arguments.of(GeneratedDatasets.V21_VIDEO_ONLY, DatasetFormat.LEROBOT_V2_1, CameraStorage.VIDEO, "h264"),
                Arguments.of(GeneratedDatasets.V30_NATIVE, DatasetFormat.LEROBOT_V3_0, CameraStorage.VIDEO, "h264"),
                Arguments.of(GeneratedDatasets.V21_NATIVE, DatasetFormat.LEROBOT_V2_1, CameraStorage.VIDEO, "h264"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void readsEveryEpisodeLikeTheGroundTruth(String name, DatasetFormat format, CameraStorage storage, String codec) {
        Path root = GeneratedDatasets.path(name);
        List<JsonNode> truth = GeneratedDatasets.groundTruth(root);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);

        assertThat(scan.id().value()).isEqualTo(name);
        assertThat(scan.format()).isEqualTo(format);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.camera().key()).isEqualTo("observation.images.front");
        assertThat(scan.camera().storage()).isEqualTo(storage);
        assertThat(scan.camera().rule()).isEqualTo("pattern:front");
        assertThat(scan.episodes()).hasSize(truth.size());
        assertThat(scan.snapshot()).hasSize(64);

        DatasetFiles files = DatasetFiles.at(scan.root());
        EpisodeReader reader = DatasetReaders.episodeReader(format);
        for (EpisodeRef episode : scan.episodes()) {
            JsonNode expected = truth.get((int) episode.episodeIndex());
            int frames = expected.get("frames").asInt();
            assertThat(episode.problems()).isEmpty();
            assertThat(episode.task()).isEqualTo(expected.get("task").asText());
            assertThat(episode.declaredLength()).isEqualTo(frames);
            boolean videoOnly = name.equals(GeneratedDatasets.V21_VIDEO_ONLY);
            assertThat(episode.columns().stateKey()).isEqualTo(videoOnly ? null : "observation.state");
            assertThat(episode.columns().gripperDimensions()).isEqualTo(videoOnly ? List.of() : List.of(3));

            FrameTable table = reader.readFrames(files, episode);
            assertThat(table.rows()).isEqualTo(frames);
            assertThat(table.hasStates()).isEqualTo(!videoOnly);
            if (!videoOnly) {
                assertThat(table.state(0)).hasSize(4);
            }
            for (int row = 0; row < table.rows(); row++) {
                assertThat(table.frameIndex(row)).isEqualTo(row);
            }
            try (FrameSource source = reader.openFrames(files, episode, 1)) {
                int decoded = 0;
                for (DecodedFrame frame; (frame = source.next()) != null; decoded++) {
                    assertThat(frame.timestamp())
                            .as("frame %d of episode %d", decoded, episode.episodeIndex())
                            .isCloseTo(table.timestamp(decoded), org.assertj.core.data.Offset.offset(1e-4));
                    assertThat(frame.image().channels()).isEqualTo(1);
                }
                assertThat(decoded).isEqualTo(frames);
                assertThat(source.info().codec()).isEqualTo(codec);
            }
        }
    }
}
