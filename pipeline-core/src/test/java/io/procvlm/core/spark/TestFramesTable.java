package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** {@link FramesTable#byEpisode}: every episode's rows, in frame order, and only the episodes asked for. */
final class TestFramesTable {
    /** Episodes per dataset; {@code org/set} holds a slash, as Hugging Face ids do. */
    private static final Map<String, Integer> DATASETS = Map.of("a", 7, "b", 5, "org/set", 4);

    @TempDir
    static Path directory;

    private static String root;

    @BeforeAll
    static void writeTable() {
        List<Row> rows = new ArrayList<>();
        DATASETS.forEach((dataset, episodes) -> {
            for (long episode = 0; episode < episodes; episode++) {
                for (long frame = 0; frame < length(dataset, episode); frame++) {
                    rows.add(row(dataset, episode, frame));
                }
            }
        });
        Collections.shuffle(rows, new Random(7));
        root = directory.toString();
        SparkSession spark = SharedSpark.get();
        spark.createDataFrame(rows, FramesTable.SCHEMA).repartition(5).write().parquet(root + "/" + FramesTable.NAME);
    }

    @Test
    void groupsEveryEpisodeInFrameOrder() {
        Map<String, EpisodeFrames> grouped = collect(null);
        assertThat(grouped).hasSize(16);
        grouped.forEach((key, frames) -> {
            int slash = key.lastIndexOf('/');
            String dataset = key.substring(0, slash);
            long episode = Long.parseLong(key.substring(slash + 1));
            int n = (int) length(dataset, episode);
            assertThat(frames.frameIndex()).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(frames.frameIndex()[i]).isEqualTo(i);
                assertThat(frames.timestamp()[i]).isEqualTo(i / 10.0);
                assertThat(frames.flow()[i]).isEqualTo(value(dataset, episode, i));
                assertThat(frames.state()[i]).containsExactly((float) episode, (float) i);
            }
            assertThat(frames.phash()).isNull();
            assertThat(Double.isNaN(frames.gripper()[0])).isTrue();
        });
    }

    @Test
    void groupsOnlyTheEpisodesAskedFor() {
        // b/1 and b/3 bound a range that holds b/2; a/9 is not in the table; a/1 shares a/1's range with nothing
        Map<String, EpisodeFrames> grouped = collect(List.of("b/1", "b/3", "a/1", "a/9", "org/set/2", "b/3"));
        assertThat(grouped.keySet()).containsExactly("a/1", "b/1", "b/3", "org/set/2");
        assertThat(grouped.get("org/set/2").frameIndex()).hasSize((int) length("org/set", 2));
        assertThat(grouped.get("b/3").flow()[2]).isEqualTo(value("b", 3, 2));
    }

    @Test
    void groupsNothingForNoKeys() {
        assertThat(collect(List.of())).isEmpty();
    }

    @Test
    void joinsEachEpisodesFramesWithItsSideRowsInOrder() {
        // side rows: two per episode of "b" (written in reverse order), one for org/set/1, one for an episode the
        // frames table does not hold ("c/0"); the other episodes have frames and no side rows
        List<Row> side = new ArrayList<>();
        for (long episode = 4; episode >= 0; episode--) {
            side.add(RowFactory.create(1, "b", episode));
            side.add(RowFactory.create(0, "b", episode));
        }
        side.add(RowFactory.create(0, "org/set", 1L));
        side.add(RowFactory.create(0, "c", 0L));
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("order", org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add("dataset", org.apache.spark.sql.types.DataTypes.StringType, false)
                .add("episode_index", org.apache.spark.sql.types.DataTypes.LongType, false);
        SparkSession spark = SharedSpark.get();
        Map<String, FramesTable.Joined> joined = new TreeMap<>();
        for (FramesTable.Joined one : FramesTable.joined(
                        spark, root, spark.createDataFrame(side, schema).repartition(3), "order")
                .collect()) {
            assertThat(joined.put(one.key(), one)).as("one element per episode").isNull();
        }
        assertThat(joined).hasSize(17);
        assertThat(joined.get("c/0").frames()).isNull();
        assertThat(joined.get("c/0").side()).hasSize(1);
        for (long episode = 0; episode < 5; episode++) {
            FramesTable.Joined one = joined.get("b/" + episode);
            assertThat(one.dataset()).isEqualTo("b");
            assertThat(one.episode()).isEqualTo(episode);
            assertThat(one.frames().frameIndex()).hasSize((int) length("b", episode));
            assertThat(one.side()).extracting(row -> row.getInt(0)).containsExactly(0, 1);
            assertThat(one.side()).allMatch(row -> row.getLong(2) == one.episode());
        }
        assertThat(joined.get("org/set/1").side()).hasSize(1);
        assertThat(joined.get("org/set/1").frames().flow()[0]).isEqualTo(value("org/set", 1, 0));
        assertThat(joined.get("a/3").side()).isEmpty();
        assertThat(joined.get("a/3").frames().frameIndex()).hasSize((int) length("a", 3));
    }

    private static Map<String, EpisodeFrames> collect(List<String> keys) {
        Map<String, EpisodeFrames> grouped = new TreeMap<>();
        for (Tuple2<String, EpisodeFrames> pair :
                FramesTable.byEpisode(SharedSpark.get(), root, keys).collect()) {
            assertThat(grouped.put(pair._1(), pair._2()))
                    .as("one group per episode")
                    .isNull();
        }
        return grouped;
    }

    private static long length(String dataset, long episode) {
        return 3 + (dataset.length() * 7 + episode * 5) % 11;
    }

    private static double value(String dataset, long episode, long frame) {
        return dataset.length() * 100 + episode * 10 + frame / 100.0;
    }

    private static Row row(String dataset, long episode, long frame) {
        return RowFactory.create(
                dataset,
                episode,
                frame,
                frame / 10.0,
                frame / 10.0,
                null,
                0.5,
                value(dataset, episode, frame),
                0.25,
                null,
                1.0,
                new Float[] {(float) episode, (float) frame},
                null);
    }
}
