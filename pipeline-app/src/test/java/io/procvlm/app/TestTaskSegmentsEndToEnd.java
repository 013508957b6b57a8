package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.vqa.spark.VqaStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An episode whose task changes inside it (task_index 0 for frames 0-136, 1 for 137-277) flows through every stage as
 * two task segments: annotated and labelled separately, with its own task text in ProcVQA.
 */
final class TestTaskSegmentsEndToEnd {
    private static final String RED = "Pick up the red block and place it onto the plate.";
    private static final String BLUE = "Pick up the blue cube and place it onto the plate.";
    private static final String YELLOW = "Pick up the yellow bottle and place it onto the plate.";

    @TempDir
    Path directory;

    @Test
    void segmentsFlowThroughEveryStage() {
        Path dataset = GeneratedDatasets.path(GeneratedDatasets.V21_TWO_TASKS);
        String out = directory.resolve("out").toString();
        // index and features in one run, then each later stage on its own: episodes/ is read back from Parquet
        Cli.Result first = Cli.run("run", "--dataset", dataset.toString(), "--stages", "index,features", "--out", out);
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        for (String stage : List.of("annotate", "label", "vqa")) {
            Cli.Result result = Cli.run(stage, "--out", out);
            assertThat(result.exitCode())
                    .as(stage + result.out() + result.err())
                    .isZero();
        }
        SparkSession spark = SharedSpark.get();

        List<Row> episodes = spark.read()
                .parquet(out + "/episodes")
                .orderBy("episode_index")
                .select("episode_index", "task_segments")
                .collectAsList();
        assertThat(episodes.get(0).<Row>getList(1))
                .extracting(Row::toString)
                .containsExactly("[0,0,137," + RED + "]", "[1,137,278," + BLUE + "]");
        assertThat(episodes.get(1).<Row>getList(1)).isEmpty();

        List<Row> segments = spark.read()
                .parquet(out + "/segments")
                .orderBy("episode_index", "segment_index")
                .select("episode_index", "segment_index", "segment_start", "segment_end", "task", "outcome")
                .collectAsList();
        assertThat(segments)
                .extracting(Row::toString)
                .containsExactly(
                        "[0,0,0,137," + RED + ",success]",
                        "[0,1,137,278," + BLUE + ",success]",
                        "[1,0,0,138," + YELLOW + ",success]");

        // ProcCorpus: progress starts at 0 and ends done at 100% in each segment, with the segment's task
        Map<String, List<Row>> corpus = new TreeMap<>();
        for (Row row : spark.read()
                .parquet(out + "/corpus")
                .orderBy("episode_index", "frame_index")
                .select("episode_index", "segment_index", "frame_index", "task", "progress", "done")
                .collectAsList()) {
            corpus.computeIfAbsent(row.getLong(0) + "/" + row.getInt(1), k -> new ArrayList<>())
                    .add(row);
        }
        assertThat(corpus.keySet()).containsExactly("0/0", "0/1", "1/0");
        Map<String, long[]> ranges =
                Map.of("0/0", new long[] {0, 137}, "0/1", new long[] {137, 278}, "1/0", new long[] {0, 138});
        Map<String, String> tasks = Map.of("0/0", RED, "0/1", BLUE, "1/0", YELLOW);
        for (Map.Entry<String, List<Row>> segment : corpus.entrySet()) {
            List<Row> rows = segment.getValue();
            long[] range = ranges.get(segment.getKey());
            assertThat(rows).as(segment.getKey()).hasSize((int) (range[1] - range[0]));
            assertThat(rows.get(0).getLong(2)).isEqualTo(range[0]);
            assertThat(rows.get(rows.size() - 1).getLong(2)).isEqualTo(range[1] - 1);
            assertThat(rows.get(0).getDouble(4))
                    .as(segment.getKey() + " starts at 0")
                    .isZero();
            assertThat(rows.get(0).getBoolean(5)).isFalse();
            assertThat(rows.get(rows.size() - 1).getDouble(4))
                    .as(segment.getKey() + " ends at 100%")
                    .isEqualTo(1.0);
            assertThat(rows.get(rows.size() - 1).getBoolean(5)).isTrue();
            double previous = 0;
            for (Row row : rows) {
                assertThat(row.getString(3)).isEqualTo(tasks.get(segment.getKey()));
                assertThat(row.getDouble(4)).isGreaterThanOrEqualTo(previous);
                previous = row.getDouble(4);
            }
        }
        // the second segment restarts: its first frame is far below the first segment's last
        assertThat(corpus.get("0/1").get(0).getDouble(4))
                .isLessThan(corpus.get("0/0").get(136).getDouble(4));

        // ProcVQA: every sample carries its segment's task and shows only that segment's frames
        List<Row> samples = new ArrayList<>();
        for (String family : List.of("segmentation", "planning", "progress")) {
            samples.addAll(spark.read()
                    .schema(VqaStage.SAMPLE_SCHEMA)
                    .parquet(out + "/vqa/*/" + family)
                    .select("episode_index", "segment_index", "task", "question", "frame_indices")
                    .collectAsList());
        }
        assertThat(samples).isNotEmpty();
        Map<String, Integer> perSegment = new TreeMap<>();
        for (Row sample : samples) {
            String key = sample.getLong(0) + "/" + sample.getInt(1);
            perSegment.merge(key, 1, Integer::sum);
            String task = tasks.get(key);
            assertThat(sample.getString(2)).as(key).isEqualTo(task);
            assertThat(sample.getString(3)).as(key).contains(task.substring(0, task.length() - 1));
            long[] range = ranges.get(key);
            for (Object frame : sample.getList(4)) {
                assertThat((Long) frame).as(key).isBetween(range[0], range[1] - 1);
            }
        }
        assertThat(perSegment.keySet()).containsExactly("0/0", "0/1", "1/0");
    }
}
