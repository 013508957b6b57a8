package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index and features stages on real Spark (local mode) and real Parquet files. */
final class TestStages {
    private static final CameraRules RULES =
            new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist", "hand"));

    @TempDir
    Path directory;

    @Test
    void indexAndFeaturesWriteTablesAndQuarantineBadEpisodes() throws IOException {
        Path damaged = GeneratedDatasets.copy(GeneratedDatasets.V20_H264, directory.resolve("in"));
        Files.delete(damaged.resolve("videos/chunk-000/observation.images.front/episode_000001.mp4"));
        List<DatasetScan> scans = List.of(scan(damaged), scan(GeneratedDatasets.path(GeneratedDatasets.V30_AV1)));
        SparkSession spark = SharedSpark.get();
        String out = directory.resolve("out").toString();

        IndexStage.Result index = IndexStage.run(spark, scans, InspectionConfig.defaults(), out);
        assertThat(index.report().outcomes()).hasSize(8);
        assertThat(index.report().quarantinedCount()).isEqualTo(1);
        assertThat(index.report().reasons()).containsExactly(Map.entry("MISSING_VIDEO", 1L));
        Dataset<Row> episodes = spark.read().parquet(out + "/episodes");
        assertThat(episodes.count()).isEqualTo(8);
        Row quarantined = episodes.filter("status = 'quarantined'").first();
        assertThat(quarantined.<String>getAs("reason_code")).isEqualTo("MISSING_VIDEO");
        assertThat(quarantined.<Long>getAs("episode_index")).isEqualTo(1L);

        // The table holds everything needed to rebuild each reference.
        for (Row row : episodes.collectAsList()) {
            EpisodeRef rebuilt = EpisodesTable.toRef(row);
            EpisodeRef original = find(index.inspections(), rebuilt.dataset().value(), rebuilt.episodeIndex());
            assertThat(rebuilt).isEqualTo(original.withProblems(List.of()));
        }

        List<EpisodeRef> good = new ArrayList<>();
        for (EpisodeInspection inspection : index.inspections()) {
            if (inspection.status() == EpisodeStatus.OK) {
                good.add(inspection.ref());
            }
        }
        StageReport features = FeaturesStage.run(
                spark, good, InspectionConfig.defaults(), FeaturesConfig.defaultsWithPhash(), out, 400);
        assertThat(features.quarantinedCount()).isZero();
        long expectedFrames = 0;
        for (EpisodeInspection inspection : index.inspections()) {
            if (inspection.status() == EpisodeStatus.OK) {
                expectedFrames += inspection.rows();
            }
        }
        Dataset<Row> frames = spark.read().parquet(out + "/frames");
        assertThat(frames.count()).isEqualTo(expectedFrames);
        assertThat(features.output().rows()).isEqualTo(expectedFrames);
        assertThat(features.output().files())
                .as("400 rows per file, whole episodes")
                .isGreaterThan(1);
        assertThat(frames.filter("dataset = 'lerobot-v20-pick-place-h264' AND episode_index = 1")
                        .count())
                .isZero();
        Row first = frames.filter("episode_index = 0 AND frame_index = 0 AND dataset = 'lerobot-v30-pick-place-av1'")
                .first();
        assertThat(first.isNullAt(first.fieldIndex("frame_diff"))).isTrue();
        assertThat(first.<Long>getAs("phash")).isNotNull();
        assertThat(first.getList(first.fieldIndex("state"))).hasSize(4);
        assertThat(frames.filter("frame_index > 0 AND flow_magnitude IS NULL").count())
                .isZero();
        assertThat(tableFiles(Path.of(out, "frames"))).allMatch(name -> name.matches("part-\\d{5}\\.zstd\\.parquet"));
        assertThat(Path.of(out, "_staging")).doesNotExist();
    }

    @Test
    void reRunsAreByteIdenticalAndReplaceTablesAtomically() throws IOException {
        List<DatasetScan> scans = List.of(
                scan(GeneratedDatasets.path(GeneratedDatasets.V21_AV1)),
                scan(GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES)));
        SparkSession spark = SharedSpark.get();
        List<String> outputs = List.of(
                directory.resolve("a").toString(), directory.resolve("b").toString());
        for (String out : outputs) {
            IndexStage.Result index = IndexStage.run(spark, scans, InspectionConfig.defaults(), out);
            List<EpisodeRef> refs =
                    index.inspections().stream().map(EpisodeInspection::ref).toList();
            FeaturesStage.run(spark, refs, InspectionConfig.defaults(), FeaturesConfig.defaults(), out, 1_000_000);
        }
        for (String table : List.of("episodes", "frames")) {
            List<String> names = tableFiles(Path.of(outputs.get(0), table));
            assertThat(names).isNotEmpty().isEqualTo(tableFiles(Path.of(outputs.get(1), table)));
            for (String name : names) {
                assertThat(Files.readAllBytes(Path.of(outputs.get(0), table, name)))
                        .as("%s/%s", table, name)
                        .isEqualTo(Files.readAllBytes(Path.of(outputs.get(1), table, name)));
            }
        }
        // Re-running into the same folder replaces the table as a whole.
        String out = outputs.get(0);
        List<EpisodeRef> one = List.of(scans.get(0).episodes().get(0));
        FeaturesStage.run(spark, one, InspectionConfig.defaults(), FeaturesConfig.defaults(), out, 1_000_000);
        assertThat(spark.read()
                        .parquet(out + "/frames")
                        .select("episode_index")
                        .distinct()
                        .count())
                .isEqualTo(1);
        try (Stream<Path> entries = Files.list(Path.of(out))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("episodes", "frames");
        }
    }

    private static DatasetScan scan(Path root) {
        return DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
    }

    private static EpisodeRef find(List<EpisodeInspection> inspections, String dataset, long episode) {
        return inspections.stream()
                .map(EpisodeInspection::ref)
                .filter(ref -> ref.dataset().value().equals(dataset) && ref.episodeIndex() == episode)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> tableFiles(Path table) throws IOException {
        try (Stream<Path> files = Files.list(table)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
