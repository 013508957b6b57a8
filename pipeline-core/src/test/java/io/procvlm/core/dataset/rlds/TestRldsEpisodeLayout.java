package io.procvlm.core.dataset.rlds;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.testing.generator.FormatDatasetsWriter;
import io.procvlm.core.video.FrameSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Episodes stored one per record (TFDS' layout) are read whole even when truncated ({@code is_last} never set), as in
 * the BridgeData debug copy Octo's tests use (issue 14); the dataset is named by its {@code dataset_info.json}.
 */
final class TestRldsEpisodeLayout {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));
    private static final int EPISODES_PER_SPLIT = 4;
    private static final int STEPS = 10;

    @TempDir
    Path directory;

    @Test
    void truncatedEpisodesDeclaredByFeaturesJsonAreReadWhole() throws IOException {
        Path version = FormatDatasetsWriter.writeBridgeLike(directory, EPISODES_PER_SPLIT, STEPS, true);
        assertBridgeRead(version);
        assertThat(RldsReader.layout(DatasetFiles.at(version.toString()), new ArrayList<>()))
                .isEqualTo(RldsReader.Layout.EPISODE_PER_RECORD);
    }

    @Test
    void withoutFeaturesJsonARecordOfSeveralStepsFromIsFirstIsAnEpisode() throws IOException {
        Path version = FormatDatasetsWriter.writeBridgeLike(directory, EPISODES_PER_SPLIT, STEPS, false);
        assertBridgeRead(version);
    }

    @Test
    void theParentFolderKeepsItsOwnName() throws IOException {
        Path version = FormatDatasetsWriter.writeBridgeLike(directory, 1, STEPS, true);
        DatasetScan scan =
                DatasetReaders.scan(DatasetSpec.ofPath(version.getParent().toString()), RULES);
        assertThat(scan.id().value()).isEqualTo("bridge_dataset");
        assertThat(scan.episodes()).hasSize(2);
        // a version folder with a dataset_info.json naming nothing keeps the folder's name
        Files.writeString(version.resolve("dataset_info.json"), "{\"version\": \"1.0.0\"}");
        assertThat(DatasetReaders.scan(DatasetSpec.ofPath(version.toString()), RULES)
                        .id()
                        .value())
                .isEqualTo("1.0.0");
    }

    /** Step-per-record episodes: one that never reaches is_last ends where the next record has is_first. */
    @Test
    void aStepEpisodeWithoutIsLastEndsAtTheNextIsFirst() throws IOException {
        List<byte[]> records = new ArrayList<>();
        int[] lengths = {3, 4};
        for (int e = 0; e < lengths.length; e++) {
            for (int i = 0; i < lengths[e]; i++) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("is_first", new long[] {i == 0 ? 1 : 0});
                step.put("is_last", new long[] {e == 1 && i == lengths[e] - 1 ? 1 : 0});
                step.put("observation/image", List.of(TestRldsVariants.jpeg()));
                step.put("action", new float[] {e, i});
                records.add(FormatDatasetsWriter.example(step));
            }
        }
        FormatDatasetsWriter.writeTfRecords(directory.resolve("s-train.tfrecord-00000-of-00001"), records, -1);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(directory.toString()), RULES);
        assertThat(scan.episodes()).hasSize(2);
        assertThat(scan.episodes().get(0).data().member()).isEqualTo("records=0-3");
        assertThat(scan.episodes().get(0).declaredLength()).isEqualTo(3);
        assertThat(scan.episodes().get(0).problems().stream().map(Problem::code))
                .containsExactly("EPISODE_NOT_TERMINATED");
        assertThat(scan.episodes().get(1).data().member()).isEqualTo("records=3-7");
        assertThat(scan.episodes().get(1).problems()).isEmpty();
        FrameTable table = DatasetReaders.episodeReader(scan.format())
                .readFrames(DatasetFiles.at(scan.root()), scan.episodes().get(1));
        assertThat(table.rows()).isEqualTo(4);
        assertThat(table.action(0)).containsExactly(1, 0);
    }

    private static void assertBridgeRead(Path version) {
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(version.toString()), RULES);
        assertThat(scan.id().value()).as("named by dataset_info.json").isEqualTo("bridge_dataset");
        assertThat(scan.camera().key()).isEqualTo("image_0");
        assertThat(scan.episodes()).hasSize(2 * EPISODES_PER_SPLIT);
        assertThat(scan.episodes().stream().map(e -> e.data().file()).distinct())
                .containsExactly(
                        "bridge_dataset-train.tfrecord-00000-of-00001", "bridge_dataset-val.tfrecord-00000-of-00001");
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        EpisodeFeatureExtractor extractor =
                new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults());
        DatasetFiles files = DatasetFiles.at(scan.root());
        EpisodeReader reader = DatasetReaders.episodeReader(scan.format());
        for (EpisodeRef episode : scan.episodes()) {
            int record = (int) (episode.episodeIndex() % EPISODES_PER_SPLIT);
            assertThat(episode.data().member()).isEqualTo("records=" + record + "-" + (record + 1));
            assertThat(episode.declaredLength()).isEqualTo(STEPS);
            assertThat(episode.task()).isEqualTo("Pick up the block and place it onto the plate.");
            assertThat(episode.problems().stream().map(Problem::code)).containsExactly("EPISODE_NOT_TERMINATED");
            assertThat(episode.problems().get(0).isError()).isFalse();
            EpisodeInspection inspection = inspector.inspect(episode);
            assertThat(inspection.status()).isEqualTo(EpisodeStatus.OK);
            assertThat(inspection.rows()).isEqualTo(STEPS);
            assertThat(inspection.stateDimension()).isEqualTo(7);
            assertThat(inspection.actionDimension()).isEqualTo(7);
            int frames = 0;
            try (FrameSource source = reader.openFrames(files, episode, 1)) {
                while (source.next() != null) {
                    frames++;
                }
            }
            assertThat(frames).isEqualTo(STEPS);
            EpisodeFeatures features = extractor.extract(episode);
            assertThat(features.problems()).isEmpty();
            assertThat(features.stats().matchedFrames()).isEqualTo(STEPS);
        }
    }
}
