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
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.VideoSegment;
import io.procvlm.core.testing.generator.EpisodeScript.Variant;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.DatasetPlan;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.EpisodePlan;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.Quirk;
import io.procvlm.core.testing.generator.VideoEncoder.Codec;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata quirks of real LeRobot datasets (issue 14), reproduced by {@link LeRobotDatasetWriter}: each is read whole
 * with a coded warning, never quarantined.
 */
final class TestLeRobotQuirks {
    private static final CameraRules RULES = TestLeRobotReaders.RULES;
    private static final int[] RED = {40, 40, 200};
    private static final int[] BLUE = {190, 90, 40};
    private static final int[] GREEN = {60, 170, 60};

    @TempDir
    Path directory;

    private final EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
    private final EpisodeFeatureExtractor extractor =
            new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults());

    private static DatasetPlan plan(String version, Codec codec, int videoFileFrames) {
        return new DatasetPlan(
                version,
                false,
                codec,
                96,
                72,
                30,
                true,
                false,
                List.of(
                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 1401),
                        new EpisodePlan(Variant.RETRY, "blue cube", BLUE, "plate", 1402),
                        new EpisodePlan(Variant.FAILURE, "green block", GREEN, "plate", 1403)),
                100_000,
                videoFileFrames);
    }

    /**
     * One MPEG-4 Part 2 file per episode declared as h264, {@code to_timestamp} = the last frame's timestamp (the real
     * dataset: 14.2 for 427 frames at 30 fps): every row gets its frame, with VIDEO_RANGE_INCLUSIVE and CODEC_MISMATCH
     * warnings.
     */
    @Test
    void inclusiveToTimestampOneFilePerEpisodeReadsEveryFrame() {
        Path root = directory.resolve("v30-inclusive-mpeg4");
        LeRobotDatasetWriter.write(
                root, plan("v3.0", Codec.MPEG4, 1).withQuirks(Quirk.INCLUSIVE_TO_TIMESTAMP, Quirk.DECLARE_H264));
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.episodes()).hasSize(3);
        for (EpisodeRef episode : scan.episodes()) {
            assertThat(episode.video().path()).endsWith("file-%03d.mp4".formatted(episode.episodeIndex()));
            assertThat(episode.video().fromTimestamp()).isZero();
            assertReadWhole(episode, List.of("VIDEO_RANGE_INCLUSIVE", "CODEC_MISMATCH"));
        }
    }

    /**
     * Several episodes per file with inclusive ends: each episode gets exactly its own frames; the next episode's first
     * frame (at the next from_timestamp) is not taken as an extra frame of the one before.
     */
    @Test
    void inclusiveToTimestampInASharedFileDoesNotTakeTheNextEpisodesFirstFrame() {
        Path root = directory.resolve("v30-inclusive-shard");
        LeRobotDatasetWriter.write(root, plan("v3.0", Codec.MPEG4, 100_000).withQuirks(Quirk.INCLUSIVE_TO_TIMESTAMP));
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.episodes()).hasSize(3);
        assertThat(scan.episodes().stream().map(e -> e.video().path()).distinct())
                .as("one shared file")
                .hasSize(1);
        for (EpisodeRef episode : scan.episodes()) {
            assertReadWhole(episode, List.of("VIDEO_RANGE_INCLUSIVE"));
        }
        // the extended end is exactly the next episode's start
        for (int e = 1; e < scan.episodes().size(); e++) {
            assertThat(scan.episodes().get(e - 1).video().toTimestamp())
                    .isCloseTo(
                            scan.episodes().get(e).video().fromTimestamp(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /** Without the fix the generated data shows the reported failure: the raw range gives one frame fewer than rows. */
    @Test
    void theRawInclusiveRangeIsOneFrameShort() {
        Path root = directory.resolve("v30-inclusive-raw");
        LeRobotDatasetWriter.write(
                root, plan("v3.0", Codec.MPEG4, 1).withQuirks(Quirk.INCLUSIVE_TO_TIMESTAMP, Quirk.DECLARE_H264));
        EpisodeRef episode = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES)
                .episodes()
                .get(0);
        VideoSegment video = episode.video();
        double rawEnd = video.toTimestamp() - 1.0 / episode.fps();
        assertThat(rawEnd).isCloseTo((episode.declaredLength() - 1) / 30.0, org.assertj.core.data.Offset.offset(1e-9));
        int decoded = 0;
        try (FfmpegFrameSource source =
                FfmpegFrameSource.open(root.resolve(video.path()).toFile(), 0, rawEnd, 1, episode.fps())) {
            assertThat(source.info().codec()).isEqualTo("mpeg4");
            while (source.next() != null) {
                decoded++;
            }
        }
        assertThat(decoded).isEqualTo(episode.declaredLength() - 1);
    }

    /** The usual exclusive end is left alone: no warning, no frame of the next episode. */
    @Test
    void exclusiveToTimestampIsNotExtended() {
        Path root = directory.resolve("v30-exclusive-shard");
        LeRobotDatasetWriter.write(root, plan("v3.0", Codec.MPEG4, 100_000));
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        for (EpisodeRef episode : scan.episodes()) {
            assertThat(episode.problems()).isEmpty();
            assertThat(episode.video().toTimestamp() - episode.video().fromTimestamp())
                    .isCloseTo(episode.declaredLength() / 30.0, org.assertj.core.data.Offset.offset(1e-9));
            assertReadWhole(episode, List.of());
        }
    }

    /**
     * v2.x keeps episode {@code i} in {@code chunk-(i / chunks_size)}: a dataset past its first chunk (1,000 episodes
     * in LeRobot's datasets; 2 here) is read whole from every chunk folder. The scale benchmark's generator once wrote
     * every episode into chunk-000, and the index rightly quarantined the 1,001st onwards as DATA_FILE_MISSING.
     */
    @Test
    void v21EpisodesPastTheFirstChunkAreReadFromTheirChunk() {
        Path root = directory.resolve("v21-chunks");
        LeRobotDatasetWriter.write(root, plan("v2.1", Codec.H264, 0), 2);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.episodes()).hasSize(3);
        for (EpisodeRef episode : scan.episodes()) {
            long chunk = episode.episodeIndex() / 2;
            assertThat(episode.data().path())
                    .isEqualTo("data/chunk-%03d/episode_%06d.parquet".formatted(chunk, episode.episodeIndex()));
            assertThat(episode.video().path()).startsWith("videos/chunk-%03d/".formatted(chunk));
            assertReadWhole(episode, List.of());
        }
        assertThat(root.resolve("data/chunk-001/episode_000002.parquet")).exists();
    }

    /** A v2.1 info.json whose templates say {chunk_index} (v3.0's name) is read with a dataset warning. */
    @Test
    void v21TemplateWithChunkIndexIsReadAsEpisodeChunk() {
        Path root = directory.resolve("v21-chunk-index");
        LeRobotDatasetWriter.write(root, plan("v2.1", Codec.H264, 0).withQuirks(Quirk.V2_CHUNK_INDEX_TEMPLATE));
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.problems().stream().map(Problem::code))
                .containsExactly("PATH_TEMPLATE_VARIABLE_ALIAS", "PATH_TEMPLATE_VARIABLE_ALIAS");
        assertThat(scan.problems().get(0).message())
                .contains("'data_path' 'data/chunk-{chunk_index:03d}/episode_{episode_index:06d}.parquet'");
        assertThat(scan.problems().get(1).message()).contains("'video_path'");
        assertThat(scan.episodes()).hasSize(3);
        for (EpisodeRef episode : scan.episodes()) {
            assertThat(episode.data().path())
                    .isEqualTo("data/chunk-000/episode_%06d.parquet".formatted(episode.episodeIndex()));
            assertReadWhole(episode, List.of());
        }
    }

    /**
     * The reverse in v3.0: {episode_chunk} beside {file_index} means the file's chunk. With chunks_size 1 the v2.x
     * meaning (episode index / chunks_size) would point episodes 1 and 2 at chunk folders that do not exist.
     */
    @Test
    void v30TemplateWithEpisodeChunkIsReadAsChunkIndex() throws IOException {
        Path root = directory.resolve("v30-episode-chunk");
        LeRobotDatasetWriter.write(root, plan("v3.0", Codec.H264, 100_000));
        Path info = root.resolve("meta/info.json");
        String text = Files.readString(info);
        String rewritten = text.replace("chunk-{chunk_index:03d}", "chunk-{episode_chunk:03d}")
                .replace("\"chunks_size\" : 1000", "\"chunks_size\" : 1");
        assertThat(rewritten).doesNotContain("{chunk_index").contains("\"chunks_size\" : 1,");
        Files.writeString(info, rewritten);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
        assertThat(scan.problems().stream().map(Problem::code))
                .containsExactly("PATH_TEMPLATE_VARIABLE_ALIAS", "PATH_TEMPLATE_VARIABLE_ALIAS");
        for (EpisodeRef episode : scan.episodes()) {
            assertThat(episode.data().path()).isEqualTo("data/chunk-000/file-000.parquet");
            assertThat(episode.video().path()).startsWith("videos/observation.images.front/chunk-000/");
            assertReadWhole(episode, List.of());
        }
    }

    /** Index and features stages: no error, every row matched to a frame, exactly the expected warnings. */
    private void assertReadWhole(EpisodeRef episode, List<String> warnings) {
        EpisodeInspection inspection = inspector.inspect(episode);
        assertThat(inspection.problems())
                .as("episode %d inspection", episode.episodeIndex())
                .noneMatch(Problem::isError);
        assertThat(inspection.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(inspection.warnings().stream().map(Problem::code).distinct().toList())
                .as("episode %d warnings", episode.episodeIndex())
                .containsExactlyInAnyOrderElementsOf(warnings);
        assertThat(inspection.rows()).isEqualTo(episode.declaredLength());
        EpisodeFeatures features = extractor.extract(episode);
        assertThat(features.problems())
                .as("episode %d features", episode.episodeIndex())
                .isEmpty();
        assertThat(features.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(features.stats().decodedFrames()).isEqualTo(episode.declaredLength());
        assertThat(features.stats().matchedFrames()).isEqualTo(episode.declaredLength());
        assertThat(features.stats().unmatchedRows()).isZero();
        assertThat(features.stats().extraFrames()).isZero();
        assertThat(features.frames().size()).isEqualTo((int) episode.declaredLength());
    }
}
