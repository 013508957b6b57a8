package io.procvlm.core.testing.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.model.EpisodeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale benchmark's datasets ({@link ScaleDatasets}) are read whole: v2.1 one file each, v3.0 shared files. */
final class TestScaleDatasets {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));

    @TempDir
    Path directory;

    @Test
    void writesBothLayoutsWithEveryEpisodeReadable() throws IOException {
        // 5 episodes: 3 in v2.1, 2 in v3.0 (100,000 frames per v3.0 file: both in one file)
        ScaleDatasets.main(new String[] {directory.toString(), "5", "100000"});

        DatasetScan v21 = DatasetReaders.scan(
                DatasetSpec.ofPath(directory.resolve("scale-v21").toString()), RULES);
        assertThat(v21.episodes()).hasSize(3);
        assertThat(v21.episodes().stream().map(e -> e.video().path()).distinct())
                .as("one video per episode")
                .hasSize(3);
        try (Stream<Path> parquet = Files.list(directory.resolve("scale-v21/data/chunk-000"))) {
            assertThat(parquet.count()).isEqualTo(3);
        }

        DatasetScan v30 = DatasetReaders.scan(
                DatasetSpec.ofPath(directory.resolve("scale-v30").toString()), RULES);
        assertThat(v30.episodes()).hasSize(2);
        assertThat(v30.episodes().stream().map(e -> e.video().path()).distinct())
                .as("many episodes per video file")
                .hasSize(1);
        for (EpisodeRef episode : v30.episodes()) {
            assertThat(episode.problems()).isEmpty();
        }
    }

    @Test
    void episodesCycleTheVariantsWithOneSeedEach() {
        var plans = ScaleDatasets.episodes(8, 10);
        assertThat(plans)
                .extracting(p -> p.variant().name())
                .containsExactly("SUCCESS", "RETRY", "PAUSES", "FAILURE", "SUCCESS", "RETRY", "PAUSES", "FAILURE");
        assertThat(plans)
                .extracting(LeRobotDatasetWriter.EpisodePlan::seed)
                .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L);
        assertThat(plans.get(0).objectName()).isNotEqualTo(plans.get(4).objectName());
    }
}
