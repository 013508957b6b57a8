package io.procvlm.core.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.testing.DatasetSurgery;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.generator.VideoEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-data quirks become clean per-episode outcomes (a quarantine reason or a warning), never a crash, and the other
 * episodes of the dataset stay usable.
 */
final class TestEpisodeQuirks {
    private static final CameraRules RULES =
            new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist", "hand"));
    private static final String EPISODE_0_VIDEO = "videos/chunk-000/observation.images.front/episode_000000.mp4";

    @TempDir
    Path directory;

    private final EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
    private final EpisodeFeatureExtractor extractor =
            new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults());

    @Test
    void missingVideoQuarantinesOnlyThatEpisode() throws IOException {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        Files.delete(root.resolve(EPISODE_0_VIDEO));
        DatasetScan scan = scan(root);
        assertThat(codes(scan.episodes().get(0).problems())).containsExactly("MISSING_VIDEO");
        EpisodeInspection missing = inspector.inspect(scan.episodes().get(0));
        assertThat(missing.status()).isEqualTo(EpisodeStatus.QUARANTINED);
        assertThat(missing.reason().orElseThrow().message())
                .isEqualTo("video file " + EPISODE_0_VIDEO + " does not exist");
        assertThat(missing.rows()).as("rows are still checked").isPositive();
        assertThat(inspector.inspect(scan.episodes().get(1)).status()).isEqualTo(EpisodeStatus.OK);
        assertThat(codes(extractor.extract(scan.episodes().get(0)).problems())).containsExactly("MISSING_VIDEO");
    }

    @Test
    void videoWithFewerFramesThanRows() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetScan before = scan(root);
        int rows = (int) before.episodes().get(0).declaredLength();
        DatasetSurgery.replaceVideo(root.resolve(EPISODE_0_VIDEO), rows - 10, 256, 192, 15, VideoEncoder.Codec.AV1);
        EpisodeRef episode = scan(root).episodes().get(0);
        EpisodeInspection inspection = inspector.inspect(episode);
        assertThat(inspection.reason().orElseThrow().code()).isEqualTo("FRAME_COUNT_MISMATCH");
        assertThat(inspection.reason().orElseThrow().message())
                .isEqualTo("video has " + (rows - 10) + " frames, the data file has " + rows + " rows");
        EpisodeFeatures features = extractor.extract(episode);
        assertThat(features.status()).isEqualTo(EpisodeStatus.QUARANTINED);
        assertThat(features.reason().orElseThrow().message())
                .startsWith("10 of " + rows + " rows have no decoded frame within 16.7 ms (first at frame_index "
                        + (rows - 10) + ")");
        assertThat(features.frames().size()).isZero();
    }

    @Test
    void videoWithMoreFramesThanRowsIsAWarning() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        int rows = (int) scan(root).episodes().get(0).declaredLength();
        DatasetSurgery.replaceVideo(root.resolve(EPISODE_0_VIDEO), rows + 5, 256, 192, 15, VideoEncoder.Codec.AV1);
        EpisodeRef episode = scan(root).episodes().get(0);
        EpisodeInspection inspection = inspector.inspect(episode);
        assertThat(inspection.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(codes(inspection.warnings())).containsExactly("FRAME_COUNT_MISMATCH");
        EpisodeFeatures features = extractor.extract(episode);
        assertThat(features.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(features.frames().size()).isEqualTo(rows);
        assertThat(features.stats().extraFrames()).isEqualTo(5);
    }

    @Test
    void allowedUnmatchedRowsAreLeftOutWithAWarning() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        int rows = (int) scan(root).episodes().get(0).declaredLength();
        DatasetSurgery.replaceVideo(root.resolve(EPISODE_0_VIDEO), rows - 2, 256, 192, 15, VideoEncoder.Codec.AV1);
        InspectionConfig lenient = new InspectionConfig(1, 0.25, 2, 0.5, 2);
        EpisodeRef episode = scan(root).episodes().get(0);
        assertThat(new EpisodeInspector(lenient).inspect(episode).status()).isEqualTo(EpisodeStatus.OK);
        EpisodeFeatures features = new EpisodeFeatureExtractor(lenient, FeaturesConfig.defaults()).extract(episode);
        assertThat(features.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(features.frames().size()).isEqualTo(rows - 2);
        assertThat(codes(features.problems())).containsExactly("FRAME_COUNT_MISMATCH");
    }

    @Test
    void timestampsDriftingFromFrameIndex() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetSurgery.rewriteRows(
                root.resolve("data/chunk-000/episode_000000.parquet"),
                row -> DatasetSurgery.withValue(row, "timestamp", row.getFloat("timestamp", 0) * 1.05f));
        EpisodeInspection inspection = inspector.inspect(scan(root).episodes().get(0));
        Problem reason = inspection.reason().orElseThrow();
        assertThat(reason.code()).isEqualTo("TIMESTAMP_DRIFT");
        assertThat(reason.message())
                .startsWith("timestamps drift from frame_index / fps by up to 0.4")
                .endsWith("index.max-timestamp-drift-frames allows 0.50");
    }

    @Test
    void nonMonotonicTimestampsAndDuplicatedFrameIndex() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetSurgery.rewriteRows(root.resolve("data/chunk-000/episode_000000.parquet"), row -> {
            long frame = row.getLong("frame_index", 0);
            org.apache.parquet.example.data.Group changed =
                    frame == 20 ? DatasetSurgery.withValue(row, "frame_index", 19L) : row;
            return frame == 30 ? DatasetSurgery.withValue(changed, "timestamp", 1.0f) : changed;
        });
        EpisodeInspection inspection = inspector.inspect(scan(root).episodes().get(0));
        assertThat(codes(inspection.problems())).contains("FRAME_INDEX_INVALID", "TIMESTAMPS_NOT_MONOTONIC");
        assertThat(inspection.status()).isEqualTo(EpisodeStatus.QUARANTINED);
    }

    @Test
    void codecDifferentFromDeclaredIsDecodedWithAWarning() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetSurgery.editInfo(
                root,
                info -> ((com.fasterxml.jackson.databind.node.ObjectNode) info.with("features")
                                .with("observation.images.front")
                                .with("info"))
                        .put("video.codec", "h264"));
        EpisodeRef episode = scan(root).episodes().get(0);
        EpisodeInspection inspection = inspector.inspect(episode);
        assertThat(inspection.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(inspection.warnings())
                .extracting(Problem::message)
                .containsExactly("metadata declares codec h264, the file is av1 (decoded with libaom-av1)");
        assertThat(extractor.extract(episode).status()).isEqualTo(EpisodeStatus.OK);
    }

    @Test
    void videoPathTemplateResolvedThroughAnotherLayout() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetSurgery.editInfo(
                root, info -> info.put("video_path", "videos/{video_key}/episode_{episode_index:06d}.mp4"));
        DatasetScan scan = scan(root);
        EpisodeRef episode = scan.episodes().get(0);
        assertThat(episode.problems())
                .extracting(Problem::toString)
                .containsExactly("VIDEO_PATH_TEMPLATE_MISMATCH: video_path template gives"
                        + " videos/observation.images.front/episode_000000.mp4, which does not exist; using "
                        + EPISODE_0_VIDEO);
        assertThat(inspector.inspect(episode).status()).isEqualTo(EpisodeStatus.OK);
        assertThat(extractor.extract(episode).frames().size()).isEqualTo((int) episode.declaredLength());
    }

    @Test
    void videoPathTemplateMatchingNoFile() throws IOException {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        Path folder = root.resolve("videos/chunk-000/observation.images.front");
        for (int episode = 0; episode < 3; episode++) {
            Files.move(
                    folder.resolve(String.format("episode_%06d.mp4", episode)),
                    folder.resolve(String.format("ep%d.mp4", episode)));
        }
        DatasetScan scan = scan(root);
        for (EpisodeRef episode : scan.episodes()) {
            assertThat(codes(episode.problems())).containsExactly("VIDEO_PATH_TEMPLATE_MISMATCH");
            assertThat(episode.problems().get(0).message())
                    .contains("matches the template (found e.g. videos/chunk-000/observation.images.front/ep0.mp4)");
            assertThat(inspector.inspect(episode).reason().orElseThrow().code())
                    .isEqualTo("VIDEO_PATH_TEMPLATE_MISMATCH");
        }
    }

    @Test
    void damagedFilesAreQuarantined() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        DatasetSurgery.truncate(root.resolve("data/chunk-000/episode_000001.parquet"), 0.5);
        DatasetSurgery.truncate(root.resolve("videos/chunk-000/observation.images.front/episode_000002.mp4"), 0.02);
        DatasetScan scan = scan(root);
        assertThat(inspector
                        .inspect(scan.episodes().get(1))
                        .reason()
                        .orElseThrow()
                        .code())
                .isEqualTo("DATA_FILE_UNREADABLE");
        EpisodeInspection brokenVideo = inspector.inspect(scan.episodes().get(2));
        assertThat(brokenVideo.status()).isEqualTo(EpisodeStatus.QUARANTINED);
        assertThat(brokenVideo.reason().orElseThrow().code()).isIn("VIDEO_UNREADABLE", "FRAME_COUNT_MISMATCH");
        EpisodeFeatures features = extractor.extract(scan.episodes().get(2));
        assertThat(features.status()).isEqualTo(EpisodeStatus.QUARANTINED);
        assertThat(inspector.inspect(scan.episodes().get(0)).status()).isEqualTo(EpisodeStatus.OK);
    }

    @Test
    void unknownInfoKeysAreTolerated() {
        Path root = GeneratedDatasets.copy(GeneratedDatasets.V30_AV1, directory);
        DatasetSurgery.editInfo(root, info -> {
            info.put("some_future_key", 3);
            info.putObject("language_stack").put("version", 1);
        });
        DatasetScan scan = scan(root);
        assertThat(scan.problems())
                .extracting(Problem::toString)
                .containsExactly("METADATA_UNKNOWN_KEYS: meta/info.json has keys this reader does not use (ignored):"
                        + " [some_future_key, language_stack]");
        assertThat(scan.episodes()).hasSize(5);
    }

    private static DatasetScan scan(Path root) {
        return DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
    }

    private static List<String> codes(List<Problem> problems) {
        return problems.stream().map(Problem::code).toList();
    }
}
