package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index stage's packing of episodes into tasks and its reuse of kept inspections (real Spark, local mode; LeRobot
 * v2.1 with one file per episode and v3.0 with episodes sharing files).
 */
final class TestIndexStage {
    private static final CameraRules RULES =
            new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist", "hand"));
    private static final IndexStage.Reuse REUSE = new IndexStage.Reuse("code-1", true, false);

    @TempDir
    Path directory;

    @Test
    void packedTasksGiveTheRowsOfInspectingEachEpisodeAlone() {
        List<DatasetScan> scans = scans(datasets());
        SparkSession spark = SharedSpark.get();
        String out = directory.resolve("out").toString();

        IndexStage.Result index = IndexStage.run(spark, scans, InspectionConfig.defaults(), out);

        List<EpisodeRef> refs = new ArrayList<>();
        scans.forEach(scan -> refs.addAll(scan.episodes()));
        refs.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        assertThat(refs.size())
                .as("more episodes than tasks, so tasks hold several")
                .isGreaterThan(IndexStage.TASKS_PER_CORE * spark.sparkContext().defaultParallelism());
        List<Row> alone = new ArrayList<>();
        for (EpisodeRef ref : refs) {
            // a fresh inspector per episode: what one task per episode computed
            EpisodeInspection inspection = new EpisodeInspector(InspectionConfig.defaults()).inspect(ref);
            alone.add(EpisodesTable.toRow(inspection, snapshot(scans, ref)));
        }
        List<String> expected = spark.createDataFrame(alone, EpisodesTable.SCHEMA).collectAsList().stream()
                .map(Row::toString)
                .toList();
        assertThat(index.inspections())
                .extracting(i -> i.ref().key())
                .containsExactlyElementsOf(refs.stream().map(EpisodeRef::key).toList());
        List<String> written =
                spark.read().schema(EpisodesTable.SCHEMA).parquet(out + "/episodes").collectAsList().stream()
                        .map(Row::toString)
                        .toList();
        assertThat(written).containsExactlyElementsOf(expected);
        assertThat(Path.of(out, IndexStage.CACHE_FOLDER))
                .as("nothing kept without Reuse")
                .doesNotExist();
    }

    @Test
    void keptInspectionsAreDeflatedAndReadBackEqual() {
        for (DatasetScan scan : scans(datasets())) {
            EpisodeRef ref = scan.episodes().get(0);
            EpisodeInspection inspection = new EpisodeInspector(InspectionConfig.defaults()).inspect(ref);
            byte[] kept = io.procvlm.core.episode.InspectionReuse.keep(inspection);
            byte[] raw = io.procvlm.core.episode.InspectionReuse.serialize(inspection);
            assertThat(io.procvlm.core.episode.InspectionReuse.inspection(kept)).contains(inspection);
            assertThat(kept.length).as(ref.key()).isLessThan(raw.length * 2 / 3);
            assertThat(io.procvlm.core.episode.InspectionReuse.inspection(raw))
                    .as("bytes of the former format are inspected again, not misread")
                    .isEmpty();
        }
    }

    @Test
    void unchangedReRunReusesEveryInspectionWithoutReadingAndWritesTheSameBytes() throws IOException {
        Path datasets = directory.resolve("in");
        List<Path> roots = copies(datasets);
        SparkSession spark = SharedSpark.get();
        String fresh = directory.resolve("fresh").toString();
        String kept = directory.resolve("kept").toString();

        IndexStage.Result first = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), kept, REUSE);
        int episodes = first.inspections().size();
        assertThat(first.report().counters()).containsEntry("units-computed", (long) episodes);
        assertThat(Path.of(kept, IndexStage.CACHE_FOLDER, IndexStage.CACHE_TABLE))
                .isDirectory();

        IndexStage.Result again = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), kept, REUSE);
        assertThat(again.report().counters())
                .containsEntry("units-reused", (long) episodes)
                .containsEntry("units-computed", 0L);
        assertThat(again.inspections()).isEqualTo(first.inspections());
        assertThat(again.report().outcomes()).isEqualTo(first.report().outcomes());

        IndexStage.Result reference = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), fresh);
        assertThat(again.report().outcomes()).isEqualTo(reference.report().outcomes());
        assertSameTableBytes(Path.of(fresh, EpisodesTable.NAME), Path.of(kept, EpisodesTable.NAME));

        // Reuse stats the files and reads none: a data file overwritten with garbage of the same size and given back
        // its modification time is not noticed (the documented limit of the key) ...
        Path data = roots.get(0).resolve("data/chunk-000/episode_000000.parquet");
        FileTime modified = Files.getLastModifiedTime(data);
        byte[] garbage = new byte[(int) Files.size(data)];
        Arrays.fill(garbage, (byte) 7);
        Files.write(data, garbage);
        Files.setLastModifiedTime(data, modified);
        IndexStage.Result blind = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), kept, REUSE);
        assertThat(blind.report().counters()).containsEntry("units-computed", 0L);
        assertThat(blind.report().quarantinedCount()).isEqualTo(first.report().quarantinedCount());

        // ... and a new modification time (touch) has it inspected again, alone: now it is quarantined.
        Files.setLastModifiedTime(data, FileTime.fromMillis(modified.toMillis() + 60_000));
        IndexStage.Result touched = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), kept, REUSE);
        assertThat(touched.report().counters())
                .containsEntry("units-computed", 1L)
                .containsEntry("units-reused", (long) episodes - 1);
        EpisodeInspection damaged = touched.inspections().stream()
                .filter(i -> i.ref().dataset().value().equals(GeneratedDatasets.V21_AV1)
                        && i.ref().episodeIndex() == 0)
                .findFirst()
                .orElseThrow();
        assertThat(damaged.reason())
                .hasValueSatisfying(p -> assertThat(p.code()).isEqualTo("DATA_FILE_UNREADABLE"));
        assertThat(touched.report().quarantinedCount()).isEqualTo(first.report().quarantinedCount() + 1);
    }

    @Test
    void changedVideoOfASharedFileIsInspectedAgainForEveryEpisodeInIt() throws IOException {
        List<Path> roots = copies(directory.resolve("in"));
        SparkSession spark = SharedSpark.get();
        String out = directory.resolve("out").toString();
        IndexStage.Result first = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), out, REUSE);
        long sharing = first.inspections().stream()
                .filter(i -> i.ref().dataset().value().equals(GeneratedDatasets.V30_AV1))
                .count();
        assertThat(sharing).isGreaterThan(1);
        try (Stream<Path> videos = Files.walk(roots.get(1).resolve("videos"))) {
            for (Path video : videos.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(
                        video,
                        FileTime.fromMillis(Files.getLastModifiedTime(video).toMillis() + 60_000));
            }
        }
        IndexStage.Result again = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), out, REUSE);
        assertThat(again.report().counters()).containsEntry("units-computed", sharing);
        assertThat(again.inspections()).isEqualTo(first.inspections());
    }

    @Test
    void forcedRunNewCodeAndRetriedQuarantinesInspectAgain() throws IOException {
        List<Path> roots = copies(directory.resolve("in"));
        Files.delete(roots.get(0).resolve("videos/chunk-000/observation.images.front/episode_000001.mp4"));
        SparkSession spark = SharedSpark.get();
        String out = directory.resolve("out").toString();
        IndexStage.Result first = IndexStage.run(spark, scans(roots), InspectionConfig.defaults(), out, REUSE);
        long episodes = first.inspections().size();
        assertThat(first.report().quarantinedCount()).isEqualTo(1);

        IndexStage.Result forced = IndexStage.run(
                spark, scans(roots), InspectionConfig.defaults(), out, new IndexStage.Reuse("code-1", false, false));
        assertThat(forced.report().counters()).containsEntry("units-computed", episodes);

        IndexStage.Result newCode = IndexStage.run(
                spark, scans(roots), InspectionConfig.defaults(), out, new IndexStage.Reuse("code-2", true, false));
        assertThat(newCode.report().counters()).containsEntry("units-computed", episodes);

        IndexStage.Result retried = IndexStage.run(
                spark, scans(roots), InspectionConfig.defaults(), out, new IndexStage.Reuse("code-2", true, true));
        assertThat(retried.report().counters()).containsEntry("units-computed", 1L);

        InspectionConfig stricter = new InspectionConfig(1, 0.25, 0, 0.5, 3);
        IndexStage.Result newSettings =
                IndexStage.run(spark, scans(roots), stricter, out, new IndexStage.Reuse("code-2", true, false));
        assertThat(newSettings.report().counters()).containsEntry("units-computed", episodes);

        // a change under meta/ (the dataset's snapshot) inspects that dataset's episodes again, only those
        Path stats = roots.get(0).resolve("meta/stats.json");
        Files.writeString(stats, Files.readString(stats) + "\n");
        IndexStage.Result newSnapshot =
                IndexStage.run(spark, scans(roots), stricter, out, new IndexStage.Reuse("code-2", true, false));
        long inFirst = first.inspections().stream()
                .filter(i -> i.ref().dataset().value().equals(GeneratedDatasets.V21_AV1))
                .count();
        assertThat(newSnapshot.report().counters()).containsEntry("units-computed", inFirst);

        for (IndexStage.Result result : List.of(forced, newCode, retried)) {
            assertThat(result.inspections()).isEqualTo(first.inspections());
        }
    }

    private static List<Path> datasets() {
        return List.of(
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1),
                GeneratedDatasets.path(GeneratedDatasets.V30_AV1),
                GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES));
    }

    private static List<Path> copies(Path directory) {
        return List.of(
                GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory),
                GeneratedDatasets.copy(GeneratedDatasets.V30_AV1, directory));
    }

    private static List<DatasetScan> scans(List<Path> roots) {
        return roots.stream()
                .map(root -> DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES))
                .toList();
    }

    private static String snapshot(List<DatasetScan> scans, EpisodeRef ref) {
        return scans.stream()
                .filter(scan -> scan.id().equals(ref.dataset()))
                .findFirst()
                .orElseThrow()
                .snapshot();
    }

    private static void assertSameTableBytes(Path expected, Path actual) throws IOException {
        List<String> names = parquetFiles(expected);
        assertThat(names).isNotEmpty().isEqualTo(parquetFiles(actual));
        for (String name : names) {
            assertThat(Files.readAllBytes(actual.resolve(name)))
                    .as(name)
                    .isEqualTo(Files.readAllBytes(expected.resolve(name)));
        }
    }

    private static List<String> parquetFiles(Path table) throws IOException {
        try (Stream<Path> files = Files.list(table)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
    }
}
