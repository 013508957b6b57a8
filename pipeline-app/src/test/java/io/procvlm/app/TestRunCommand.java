package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end on real Spark (local mode), real files and real video decode. */
final class TestRunCommand {
    @TempDir
    Path directory;

    @Test
    void realRecordingsFinishAsPartialSuccess() throws IOException {
        Path dataset = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        Path out = directory.resolve("out");
        Cli.Result result = Cli.run("run", "--dataset", dataset.toString(), "--out", out.toString());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(result.out())
                .contains("finished with quarantined episodes (partial success) (exit code 3)")
                .contains("100 episodes, 4 ok, 96 quarantined, 1,461 frames")
                .contains("MISSING_VIDEO                   96");
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("partial");
        assertThat(manifest.get("exit-code").asInt()).isEqualTo(3);
        assertThat(manifest.at("/stages/index/ok").asInt()).isEqualTo(4);
        assertThat(manifest.at("/stages/index/quarantined").asInt()).isEqualTo(96);
        assertThat(manifest.at("/stages/index/quarantine-reasons/MISSING_VIDEO").asInt())
                .isEqualTo(96);
        assertThat(manifest.at("/stages/features/ok").asInt()).isEqualTo(4);
        assertThat(manifest.at("/stages/features/output/rows").asLong()).isEqualTo(1461);
        assertThat(manifest.at("/inputs/0/snapshot").asText()).hasSize(64);
        assertThat(manifest.at("/inputs/0/format").asText()).isEqualTo("lerobot-v2.1");
        assertThat(manifest.at("/config/features.flow").asText()).isEqualTo("dis");
        assertThat(manifest.get("seed").asLong()).isEqualTo(42);
        assertThat(manifest.at("/stages/index/quarantined-episodes").size()).isEqualTo(96);
        assertThat(manifest.at("/stages/index/quarantined-episodes/0/code").asText())
                .isEqualTo("MISSING_VIDEO");
        assertThat(manifest.at("/environment/spark").asText()).isEqualTo("4.2.0");
    }

    @Test
    void aRunWhereEveryEpisodeIsQuarantinedEndsCleanlyWithExitCodeOne() throws IOException {
        Path out = directory.resolve("nothing");
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--out",
                out.toString(),
                "--set",
                "index.min-frames=100000");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).doesNotContain("INTERNAL");
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(manifest.at("/stages/index/quarantine-reasons/EPISODE_TOO_SHORT")
                        .asInt())
                .isEqualTo(3);
        assertThat(manifest.at("/exit-code").asInt()).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void demoConfigRunsCleanAndStagesCanRunSeparately() throws IOException {
        Path out = directory.resolve("demo");
        Path config = TestData.repoRoot().resolve("conf/demo.yaml");
        String demo = Files.readString(config).replace("src-test-data/", TestData.repoRoot() + "/src-test-data/");
        Path absolute = directory.resolve("demo.yaml");
        Files.writeString(absolute, demo);
        Cli.Result run = Cli.run("run", "--config", absolute.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("finished (exit code 0)", "episodes/", "frames/", "_manifest.json");
        assertThat(out.resolve("episodes")).isDirectory();
        assertThat(out.resolve("frames")).isDirectory();
        assertThat(out.resolve("_manifest.json")).isRegularFile();
        assertThat(run.out()).contains("segments/   20 rows", "corpus/     3,023 rows", "vqa/        ");
        assertCorpusCurves(out);
        assertThat(out.resolve("vqa/README.md")).isRegularFile();
        assertThat(out.resolve("vqa/stats.json")).isRegularFile();
        assertThat(out.resolve("vqa/ood/progress")).isDirectory();
        assertThat(out.resolve("vqa/train/images")).isDirectory();
        assertThat(Files.readString(out.resolve("vqa/README.md")))
                .startsWith("---\nlicense: apache-2.0\n")
                .contains("| lerobot-v21-video-only | apache-2.0 |");

        Cli.Result show = Cli.run("show", "--out", out.toString(), "--episode", GeneratedDatasets.V20_H264 + "/2");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out())
                .contains(GeneratedDatasets.V20_H264 + "/2 segment 0 [0, ")
                .contains("annotator kinematic (signals: gripper, arm-speed")
                .contains("outcome failure")
                .contains("1. reach the")
                .contains("not done)")
                .contains("(first letter of the subtask; * done, x not done)");
        Cli.Result unknown = Cli.run("show", "--out", out.toString(), "--episode", "nope/3");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("nope/3");

        // index alone, then features alone, from the episodes table
        Path staged = directory.resolve("staged");
        Cli.Result index = Cli.run(
                "index",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(),
                "--out",
                staged.toString());
        assertThat(index.exitCode()).as(index.err()).isZero();
        assertThat(staged.resolve("frames")).doesNotExist();
        Cli.Result features = Cli.run("features", "--out", staged.toString());
        assertThat(features.exitCode()).as(features.err()).isZero();
        assertThat(features.out()).contains("frames/     750 rows");
        JsonNode manifest =
                new ObjectMapper().readTree(staged.resolve("_manifest.json").toFile());
        assertThat(manifest.get("stages").has("index")).as("earlier stage kept").isTrue();
        assertThat(manifest.get("stages").has("features")).isTrue();
        assertThat(manifest.at("/inputs/0/dataset").asText()).isEqualTo(GeneratedDatasets.V30_AV1);
        // the code that ran: the version and each module's digest, and per stage the digest of what it runs
        assertThat(manifest.at("/code/version").asText()).isEqualTo(io.procvlm.core.Versions.pipeline());
        for (String module : List.of("pipeline-core", "annotators", "progress-budget", "vqa-builder", "pipeline-app")) {
            assertThat(manifest.at("/code/modules/" + module).asText())
                    .as(module)
                    .hasSize(64);
        }
        assertThat(manifest.at("/stages/features/fingerprint/code-modules").asText())
                .isEqualTo("pipeline-core");
        assertThat(manifest.at("/stages/features/fingerprint/code").asText()).hasSize(64);
    }

    /**
     * ProcCorpus has one row per frame of every good episode, and every curve starts at 0, never decreases, stays in
     * [0, 1], is exactly 1 when done, ends on a done / not-done frame, and never ends done after a failure.
     */
    private static void assertCorpusCurves(Path out) {
        SparkSession spark = SharedSpark.get();
        Dataset<Row> frames = spark.read().parquet(out.resolve("frames").toString());
        Dataset<Row> corpus = spark.read().parquet(out.resolve("corpus").toString());
        assertThat(corpus.count()).isEqualTo(frames.count());
        assertThat(corpus.select("dataset", "episode_index", "frame_index")
                        .except(frames.select("dataset", "episode_index", "frame_index"))
                        .count())
                .isZero();
        assertThat(spark
                        .read()
                        .parquet(out.resolve("segments").toString())
                        .select("annotator")
                        .distinct()
                        .collectAsList()
                        .stream()
                        .map(row -> row.getString(0))
                        .toList())
                .containsExactlyInAnyOrder("kinematic", "native");
        Map<String, List<Row>> curves = new TreeMap<>();
        for (Row row : corpus.orderBy("dataset", "episode_index", "frame_index").collectAsList()) {
            curves.computeIfAbsent(
                            row.<String>getAs("dataset") + "/" + row.<Long>getAs("episode_index"),
                            k -> new ArrayList<>())
                    .add(row);
        }
        assertThat(curves).hasSize(20);
        int failures = 0;
        for (Map.Entry<String, List<Row>> curve : curves.entrySet()) {
            List<Row> rows = curve.getValue();
            assertThat(rows.get(0).<Double>getAs("progress")).as(curve.getKey()).isZero();
            double previous = 0;
            for (Row row : rows) {
                double progress = row.getAs("progress");
                assertThat(progress).as(curve.getKey()).isBetween(previous, 1.0);
                previous = progress;
                if (row.<Boolean>getAs("done")) {
                    assertThat(progress).isEqualTo(1.0);
                    assertThat(row.<String>getAs("subtask")).isEqualTo("done");
                    assertThat(row.getList(row.fieldIndex("remaining"))).isEmpty();
                }
            }
            Row last = rows.get(rows.size() - 1);
            assertThat(last.<String>getAs("subtask")).as(curve.getKey()).isIn("done", "not done");
            if (last.<String>getAs("outcome").equals("failure")) {
                failures++;
                assertThat(last.<Boolean>getAs("done")).as(curve.getKey()).isFalse();
                assertThat(last.<Double>getAs("progress")).as(curve.getKey()).isLessThan(1.0);
            }
        }
        assertThat(failures).as("the demo holds failed episodes").isPositive();
    }

    @Test
    void featuresWithoutIndexIsAUsageError() {
        Cli.Result features =
                Cli.run("features", "--out", directory.resolve("empty").toString());
        assertThat(features.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(features.err()).contains("No episodes table at", "run 'procvlm index'");
    }

    @Test
    void unreadableDatasetsFailTheRunButNotTheOthers() throws IOException {
        Path empty = Files.createDirectories(directory.resolve("not-a-dataset"));
        Path out = directory.resolve("out");
        Cli.Result onlyBad = Cli.run("run", "--dataset", empty.toString(), "--out", out.toString());
        assertThat(onlyBad.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(onlyBad.err()).contains("cannot be read and is skipped: DATASET_FORMAT_UNKNOWN");
        Cli.Result mixed = Cli.run(
                "run",
                "--dataset",
                empty.toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES).toString(),
                "--out",
                out.toString());
        assertThat(mixed.exitCode()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(mixed.out()).contains("FAILED dataset " + empty);
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(manifest.at("/failed-datasets/0/code").asText()).isEqualTo("DATASET_FORMAT_UNKNOWN");
    }

    @Test
    void validateListsEveryProblemAndWritesNothing() throws IOException {
        Cli.Result clean = Cli.run(
                "validate", GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(), "--deep");
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("lerobot-v3.0, 5 episodes", "Episodes: 5 usable", "No problems found.");

        Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        Files.delete(dataset.resolve("videos/chunk-000/observation.images.front/episode_000002.mp4"));
        Files.writeString(dataset.resolve("data/chunk-000/episode_000001.parquet"), "garbage");
        long before;
        try (var files = Files.walk(dataset)) {
            before = files.count();
        }
        Cli.Result damaged = Cli.run("validate", dataset.toString());
        assertThat(damaged.exitCode()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(damaged.out())
                .contains("episode 1: ERROR DATA_FILE_UNREADABLE")
                .contains("episode 2: ERROR MISSING_VIDEO")
                .contains("Episodes: 1 usable, 2 would be quarantined");
        try (var files = Files.walk(dataset)) {
            assertThat(files.count()).as("validate writes nothing").isEqualTo(before);
        }
        Cli.Result missing = Cli.run("validate", directory.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.out()).contains("DATASET_NOT_FOUND");
    }
}
