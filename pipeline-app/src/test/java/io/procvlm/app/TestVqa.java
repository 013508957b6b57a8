package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.vqa.eval.ProgressAnswers;
import io.procvlm.vqa.eval.SegmentationAnswers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProcVQA end to end on real Spark, real video decode and real files: the shards read back with other readers (a fresh
 * Spark session, Arrow's IPC reader, OpenCV's JPEG decoder, a JSON parser), splits without leakage, byte-identical
 * re-runs, materialized shards, the LLaVA export and the evaluation of a perfect and a useless predictor.
 */
final class TestVqa {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FAMILIES = List.of("segmentation", "planning", "progress");

    @TempDir
    static Path directory;

    static Path out;

    /** The settings of every run here: the image dataset held out, a large test share so every split has episodes. */
    private static final String[] SETTINGS = {
        "--set", "vqa.ood-datasets=" + GeneratedDatasets.V21_IMAGES, "--set", "vqa.test-ratio=0.4"
    };

    private static Cli.Result vqa(Path root, String... extra) {
        List<String> arguments = new ArrayList<>(List.of("vqa", "--out", root.toString()));
        arguments.addAll(List.of(SETTINGS));
        arguments.addAll(List.of(extra));
        return Cli.run(arguments.toArray(String[]::new));
    }

    @BeforeAll
    static void buildOnce() {
        out = directory.resolve("out");
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES).toString(),
                "--out",
                out.toString(),
                SETTINGS[0],
                SETTINGS[1],
                SETTINGS[2],
                SETTINGS[3]);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("vqa/ ", " samples, ", " images in ");
    }

    @Test
    void shardsReadBackWithOtherReaders() throws IOException {
        SparkSession spark = SharedSpark.get();
        String vqa = out.resolve("vqa").toString();
        Dataset<Row> progress = spark.read().parquet(vqa + "/*/progress");
        assertThat(progress.count()).isPositive();
        for (Row row : progress.collectAsList()) {
            String answer = row.getAs("answer");
            double truth = row.<Double>getAs("progress");
            assertThat(ProgressAnswers.parse(answer).getAsDouble()).as(answer).isCloseTo(truth, within(0.005));
            List<Object> frames = row.getList(row.fieldIndex("frame_indices"));
            assertThat(row.<String>getAs("question").split("<image>", -1)).hasSize(frames.size() + 1);
            assertThat(frames.get(frames.size() - 1)).isEqualTo(row.<Long>getAs("anchor_frame"));
        }
        for (Row row : spark.read().parquet(vqa + "/*/segmentation").collectAsList()) {
            int shown = row.getList(row.fieldIndex("frame_indices")).size();
            var segments = SegmentationAnswers.parse(row.getAs("answer")).orElseThrow();
            assertThat(segments)
                    .isNotEmpty()
                    .allSatisfy(segment -> assertThat(segment.end()).isLessThanOrEqualTo(shown));
        }
        assertThat(spark.read().parquet(vqa + "/*/planning").count()).isPositive();

        // every frame a sample shows is in its split's image table, and the images decode at the stated size
        for (String split : List.of("train", "test", "ood")) {
            Dataset<Row> images =
                    spark.read().parquet(vqa + "/" + split + "/images").filter("variant = 'full'");
            Dataset<Row> shown = samples(spark, vqa, split)
                    .selectExpr("dataset", "episode_index", "explode(frame_indices) AS frame_index")
                    .distinct();
            assertThat(shown.count()).as(split).isPositive();
            assertThat(shown.join(
                                    images,
                                    scala.jdk.javaapi.CollectionConverters.asScala(
                                                    List.of("dataset", "episode_index", "frame_index"))
                                            .toSeq(),
                                    "left_anti")
                            .count())
                    .as("frames shown but not stored in %s", split)
                    .isZero();
            // every frame of the episodes with samples in the split, each once (an episode's features file, whole)
            Dataset<Row> episodes = samples(spark, vqa, split)
                    .select("dataset", "episode_index")
                    .distinct();
            long frames = spark.read()
                    .parquet(out.resolve("corpus").toString())
                    .join(
                            episodes,
                            scala.jdk.javaapi.CollectionConverters.asScala(List.of("dataset", "episode_index"))
                                    .toSeq())
                    .count();
            assertThat(images.count()).as("each frame once").isEqualTo(frames);
            assertThat(images.select("dataset", "episode_index", "frame_index")
                            .distinct()
                            .count())
                    .isEqualTo(frames);
            assertThat(frames).isGreaterThanOrEqualTo(shown.count());
            for (Row image : images.limit(12).collectAsList()) {
                byte[] jpeg = image.getStruct(image.fieldIndex("image")).getAs("bytes");
                try (BytePointer pointer = new BytePointer(jpeg);
                        Mat encoded = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, pointer);
                        Mat decoded = imdecode(encoded, IMREAD_COLOR)) {
                    assertThat(decoded.cols()).isEqualTo(image.<Integer>getAs("width"));
                    assertThat(decoded.rows()).isEqualTo(image.<Integer>getAs("height"));
                    assertThat(Math.max(decoded.cols(), decoded.rows())).isLessThanOrEqualTo(480);
                    assertThat(decoded.channels()).isEqualTo(3);
                }
            }
        }

        // no episode (qualified by dataset) in two splits; the held-out dataset is the ood split
        Dataset<Row> membership = samples(spark, vqa, "*")
                .select("dataset", "episode_index", "split")
                .distinct();
        assertThat(membership
                        .groupBy("dataset", "episode_index")
                        .count()
                        .filter("count > 1")
                        .count())
                .isZero();
        assertThat(membership
                        .filter("split = 'ood'")
                        .select("dataset")
                        .distinct()
                        .collectAsList())
                .extracting(row -> row.getString(0))
                .containsExactly(GeneratedDatasets.V21_IMAGES);
        assertThat(membership.select("split").distinct().count()).isEqualTo(3);

        // the Arrow IPC files hold the same rows, in the same order, as the Parquet shards
        try (Stream<Path> files = Files.walk(out.resolve("vqa/arrow"))) {
            List<Path> arrows =
                    files.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
            assertThat(arrows).isNotEmpty();
            for (Path arrow : arrows) {
                Path relative = out.resolve("vqa/arrow").relativize(arrow);
                Path parquet = out.resolve("vqa").resolve(relative.toString().replace(".arrow", ".zstd.parquet"));
                List<String> parquetIds = spark.read().parquet(parquet.toString()).select("id").collectAsList().stream()
                        .map(row -> row.getString(0))
                        .toList();
                assertThat(arrowIds(arrow)).as(relative.toString()).isEqualTo(parquetIds);
            }
        }

        JsonNode stats = JSON.readTree(out.resolve("vqa/stats.json").toFile());
        assertThat(stats.get("frame-reuse-factor").asDouble()).isGreaterThan(1.0);
        assertThat(stats.get("bytes-per-sample").asDouble()).isPositive();
        assertThat(stats.at("/leakage-check/episodes-in-several-splits").asInt())
                .isZero();
        String card = Files.readString(out.resolve("vqa/README.md"));
        assertThat(card)
                .startsWith("---\nlicense: ")
                .contains("- config_name: progress\n  default: true\n  data_files:\n")
                .contains("    path: ood/progress/*.parquet")
                .contains("| " + GeneratedDatasets.V21_IMAGES + " | ");
    }

    /** The sample tables of {@code split} (a glob: {@code *} for all), every family. */
    private static Dataset<Row> samples(SparkSession spark, String vqa, String split) {
        return spark.read()
                .parquet(FAMILIES.stream()
                        .map(family -> vqa + "/" + split + "/" + family)
                        .toArray(String[]::new));
    }

    private static List<String> arrowIds(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        try (RootAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                VarCharVector id = (VarCharVector) root.getVector("id");
                for (int i = 0; i < root.getRowCount(); i++) {
                    ids.add(new String(id.get(i), StandardCharsets.UTF_8));
                }
            }
        }
        return ids;
    }

    @Test
    void sameSeedSameBytesOtherSeedSameSplits() throws IOException {
        Path copy = directory.resolve("reseed");
        copyTree(out, copy, List.of("episodes", "frames", "segments", "corpus"));
        Cli.Result again = vqa(copy);
        assertThat(again.exitCode()).as(again.err()).isZero();
        Map<String, byte[]> first = files(out.resolve("vqa"));
        Map<String, byte[]> second = files(copy.resolve("vqa"));
        assertThat(second.keySet()).isEqualTo(first.keySet());
        assertThat(differing(first, second))
                .as("files that differ between two runs")
                .isEmpty();

        Cli.Result reseeded = vqa(copy, "--set", "run.seed=7");
        assertThat(reseeded.exitCode()).as(reseeded.err()).isZero();
        SparkSession spark = SharedSpark.get();
        Dataset<Row> before = samples(spark, out.resolve("vqa").toString(), "*");
        Dataset<Row> after = samples(spark, copy.resolve("vqa").toString(), "*");
        assertThat(before.select("id").except(after.select("id")).count())
                .as("another seed, other samples")
                .isPositive();
        Dataset<Row> membershipBefore =
                before.select("dataset", "episode_index", "split").distinct();
        Dataset<Row> membershipAfter =
                after.select("dataset", "episode_index", "split").distinct();
        assertThat(membershipBefore.except(membershipAfter).count()).isZero();
        assertThat(membershipAfter.except(membershipBefore).count()).isZero();
    }

    @Test
    void readyForTheTrainerWithTheEstimate() throws IOException {
        JsonNode stats = TrainerReadiness.check(out, 8192, 16384, 8000, 16000);
        assertThat(stats.at("/tokens/method").asText()).isEqualTo("estimate");
        assertThat(stats.at("/settings/tokens/vision-model").asText()).isEqualTo("qwen2-vl");
        assertThat(stats.at("/context-sets/train/short/packs").asLong()).isPositive();
        assertThat(stats.at("/context-sets/train/short/fill-ratio").asDouble()).isBetween(0.5, 1.0);
        assertThat(Files.readString(out.resolve("vqa/README.md")))
                .contains(
                        "## Tokens, context sets and packs",
                        "ESTIMATE: no tokenizer file",
                        "| train | short (`trun8192`) |");
        JsonNode manifest = JSON.readTree(out.resolve("_manifest.json").toFile());
        assertThat(manifest.at("/stages/vqa/counters/seed").asLong())
                .isEqualTo(manifest.get("seed").asLong());
        assertThat(manifest.at("/stages/vqa/counters/packs").asLong()).isPositive();

        Path llava = directory.resolve("llava-packs");
        Cli.Result export = Cli.run("export", "--out", out.toString(), "--to", llava.toString(), "--split", "train");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("train short: ", "train_trun8192_pack.json");
        JsonNode packs = JSON.readTree(llava.resolve("train_trun8192_pack.json").toFile());
        assertThat(packs.size())
                .isEqualTo(stats.at("/context-sets/train/short/packs").asInt());
        long rows = 0;
        for (JsonNode pack : packs) {
            long tokens = 0;
            for (JsonNode row : pack) {
                assertThat(row.at("/conversations/1/from").asText()).isEqualTo("gpt");
                assertThat(llava.resolve(row.at("/image/0").asText())).isRegularFile();
                tokens += row.get("num_tokens").asLong();
                rows++;
            }
            assertThat(tokens).isLessThanOrEqualTo(8000);
        }
        assertThat(rows)
                .isEqualTo(stats.at("/context-sets/train/short/packed-samples").asLong());
        if (stats.at("/context-sets/train/long/packs").asLong() > 0) {
            assertThat(JSON.readTree(llava.resolve("train_ext16384_pack.json").toFile())
                            .size())
                    .isEqualTo(stats.at("/context-sets/train/long/packs").asInt());
        }
    }

    /**
     * With a real (tiny, Qwen2-style) tokenizer.json and maxima low enough that segmentation samples are too long:
     * exact text tokens, the down-sized variant stored once per frame, several chunks packed.
     */
    @Test
    void aTokenizerFileAndALowMaximumDownSizeTheImages() throws Exception {
        Path copy = directory.resolve("tokenized");
        copyTree(out, copy, List.of("episodes", "frames", "segments", "corpus"));
        Path tokenizer = io.procvlm.core.testing.TinyQwenTokenizer.write(directory.resolve("model/tokenizer.json"));
        Cli.Result run = vqa(
                copy,
                "--set",
                "vqa.tokens.tokenizer=" + tokenizer,
                "--set",
                "vqa.context.short-max=1000",
                "--set",
                "vqa.context.long-max=3000",
                "--set",
                "vqa.context.resize-side=128",
                "--set",
                "vqa.pack.short-capacity=1000",
                "--set",
                "vqa.pack.long-capacity=2500",
                "--set",
                "vqa.pack.chunk-rows=64");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode stats = TrainerReadiness.check(copy, 1000, 3000, 1000, 2500);
        assertThat(stats.at("/tokens/method").asText()).isEqualTo("tokenizer");
        assertThat(stats.at("/settings/tokens/tokenizer-sha256").asText()).hasSize(64);
        assertThat(Files.readString(copy.resolve("vqa/README.md"))).contains("text by the tokenizer " + tokenizer);

        SparkSession spark = SharedSpark.get();
        Dataset<Row> samples = samples(spark, copy.resolve("vqa").toString(), "*");
        try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer direct =
                ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                        tokenizer, Map.of("addSpecialTokens", "false", "maxLength", "1000000"))) {
            for (Row sample : samples.orderBy("id").limit(40).collectAsList()) {
                String question = sample.getAs("question");
                int frames = sample.getList(sample.fieldIndex("frame_indices")).size();
                long expected = direct.encode(io.procvlm.vqa.tokens.TokenCounter.userTurn(question), false, false)
                                .getIds()
                                .length
                        - frames
                        + direct.encode(
                                        io.procvlm.vqa.tokens.TokenCounter.assistantTurn(sample.getAs("answer")),
                                        false,
                                        false)
                                .getIds()
                                .length;
                assertThat(sample.<Long>getAs("text_tokens"))
                        .as(sample.<String>getAs("id"))
                        .isEqualTo(expected);
            }
        }

        Dataset<Row> downSized = samples.filter("image_variant = '128'");
        assertThat(downSized.count())
                .as("segmentation samples above 3000 tokens")
                .isPositive();
        assertThat(stats.at("/down-sized-samples/train").asLong()).isPositive();
        Dataset<Row> variants = TrainerReadiness.images(copy).filter("variant = '128'");
        Dataset<Row> shown = downSized
                .selectExpr("dataset", "episode_index", "explode(frame_indices) AS frame_index")
                .distinct();
        assertThat(variants.count()).as("each down-sized frame stored once").isEqualTo(shown.count());
        for (Row image : variants.limit(20).collectAsList()) {
            assertThat(Math.max(image.<Integer>getAs("width"), image.<Integer>getAs("height")))
                    .isEqualTo(128);
            assertThat(image.getStruct(image.fieldIndex("image")).<String>getAs("path"))
                    .endsWith("_128.jpg");
        }
        assertThat(spark.read()
                        .parquet(copy.resolve("vqa") + "/*/packs")
                        .filter("chunk > 0")
                        .count())
                .as("chunks of 64 rows")
                .isPositive();
    }

    /** procvlm plan forecasts the stage from metadata alone; on every episode it lands near what the run made. */
    @Test
    void planForecastsSamplesTokensAndPacks() throws IOException {
        Cli.Result plan = Cli.run(
                "plan",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES).toString(),
                "--vqa-sample",
                "1000",
                SETTINGS[0],
                SETTINGS[1],
                SETTINGS[2],
                SETTINGS[3]);
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("ProcVQA forecast (estimate tokens; qwen2-vl image rule", "packs-8192");
        String total = plan.out()
                .lines()
                .dropWhile(line -> !line.startsWith("ProcVQA forecast"))
                .filter(line -> line.startsWith("total "))
                .findFirst()
                .orElseThrow();
        String[] columns = total.trim().split("\\s+");
        long samples = Long.parseLong(columns[1].replace(",", ""));
        long tokens = Long.parseLong(columns[2].replace(",", ""));
        long shortPacks = Long.parseLong(columns[6].replace(",", ""));
        JsonNode stats = JSON.readTree(out.resolve("vqa/stats.json").toFile());
        long actualSamples = stats.get("samples").asLong();
        assertThat(samples).as(plan.out()).isBetween(actualSamples / 2, actualSamples * 3 / 2);
        assertThat(tokens)
                .isBetween(
                        stats.at("/tokens/total").asLong() / 2,
                        stats.at("/tokens/total").asLong() * 2);
        assertThat(shortPacks).isPositive();
    }

    @Test
    void materializedShardsEmbedTheImagesInOrder() throws IOException {
        Path copy = directory.resolve("materialized");
        copyTree(out, copy, List.of("episodes", "frames", "segments", "corpus"));
        Cli.Result run = vqa(copy, "--set", "vqa.materialize=true");
        assertThat(run.exitCode()).as(run.err()).isZero();
        SparkSession spark = SharedSpark.get();
        Dataset<Row> samples = spark.read().parquet(copy.resolve("vqa") + "/test/progress");
        Map<String, byte[]> images = new TreeMap<>();
        for (Row image :
                spark.read().parquet(copy.resolve("vqa") + "/test/images").collectAsList()) {
            images.put(
                    image.getString(0) + "/" + image.getLong(1) + "/" + image.getLong(2) + "/"
                            + image.getString(image.fieldIndex("variant")),
                    image.getStruct(image.fieldIndex("image")).getAs("bytes"));
        }
        for (Row sample : samples.collectAsList()) {
            List<Object> frames = sample.getList(sample.fieldIndex("frame_indices"));
            List<Row> embedded = sample.getList(sample.fieldIndex("images"));
            assertThat(embedded).hasSameSizeAs(frames);
            for (int i = 0; i < frames.size(); i++) {
                String key = sample.<String>getAs("dataset") + "/" + sample.<Long>getAs("episode_index") + "/"
                        + frames.get(i) + "/" + sample.<String>getAs("image_variant");
                assertThat(embedded.get(i).<byte[]>getAs("bytes")).isEqualTo(images.get(key));
                assertThat(embedded.get(i).<String>getAs("path")).endsWith(String.format("%06d.jpg", frames.get(i)));
            }
        }
        assertThat(Files.readString(copy.resolve("vqa/README.md"))).contains("images [{bytes, path}]");
    }

    @Test
    void evaluationAndExport() throws IOException {
        Path llava = directory.resolve("llava");
        Cli.Result export = Cli.run("export", "--out", out.toString(), "--to", llava.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        List<String> lines = Files.readAllLines(llava.resolve("test.jsonl"));
        assertThat(lines).isNotEmpty();
        Path perfect = directory.resolve("perfect.jsonl");
        Path useless = directory.resolve("useless.jsonl");
        List<String> perfectLines = new ArrayList<>();
        List<String> uselessLines = new ArrayList<>();
        for (String line : lines) {
            JsonNode sample = JSON.readTree(line);
            for (JsonNode image : sample.get("image")) {
                assertThat(llava.resolve(image.asText())).isRegularFile();
            }
            assertThat(sample.at("/conversations/0/from").asText()).isEqualTo("human");
            String id = sample.get("id").asText();
            perfectLines.add(JSON.createObjectNode()
                    .put("id", id)
                    .put("prediction", sample.at("/conversations/1/value").asText())
                    .toString());
            if (!uselessLines.isEmpty()) { // one missing prediction
                uselessLines.add(JSON.createObjectNode()
                        .put("id", id)
                        .put("prediction", "<progress>50%</progress>")
                        .toString());
            } else {
                uselessLines.add("");
            }
        }
        Files.write(perfect, perfectLines);
        Files.write(useless, uselessLines);
        Cli.Result best = Cli.run("eval", "--out", out.toString(), "--predictions", perfect.toString());
        assertThat(best.exitCode()).as(best.err()).isZero();
        JsonNode scores = JSON.readTree(out.resolve("eval/test.json").toFile());
        assertThat(scores.at("/progress/voc").asDouble()).isEqualTo(1.0);
        assertThat(scores.at("/progress/ccc").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(scores.at("/progress/mcc95").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(scores.at("/segmentation/bf1").asDouble()).isEqualTo(1.0);
        assertThat(scores.at("/planning/score").asDouble()).isEqualTo(1.0);
        Cli.Result worst = Cli.run(
                "eval",
                "--out",
                out.toString(),
                "--predictions",
                useless.toString(),
                "--report",
                directory.resolve("useless-scores.json").toString());
        assertThat(worst.exitCode()).as(worst.err()).isZero();
        assertThat(worst.out()).contains("1 missing");
        JsonNode bad = JSON.readTree(directory.resolve("useless-scores.json").toFile());
        assertThat(bad.at("/progress/voc").asDouble()).isZero();
        assertThat(bad.at("/segmentation/bf1").asDouble()).isZero();

        Files.writeString(useless, "{\"id\": 3}\n");
        Cli.Result malformed = Cli.run("eval", "--out", out.toString(), "--predictions", useless.toString());
        assertThat(malformed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err()).contains("line 1 has no string \"id\"");
    }

    @Test
    void aVqaRerunReadsTheFeaturesImagesDecodesNoVideoAndGivesTheSameBytes() throws IOException {
        Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory.resolve("moved"));
        Path root = directory.resolve("moved-out");
        Cli.Result labelled = Cli.run(
                "run",
                "--dataset",
                dataset.toString(),
                "--out",
                root.toString(),
                "--stages",
                "index,features,annotate,label");
        assertThat(labelled.exitCode()).as(labelled.err()).isZero();
        JsonNode features =
                JSON.readTree(root.resolve("_manifest.json").toFile()).at("/stages/features/counters");
        assertThat(features.get("images").asLong())
                .as("every frame's JPEG, once")
                .isEqualTo(features.get("frames").asLong())
                .isEqualTo(features.get("images-table-rows").asLong());
        assertThat(features.get("images-max-side").asInt()).isEqualTo(480);
        assertThat(root.resolve("images/_index.tsv")).exists();

        // No video any more: a vqa-only run must not need it.
        Files.move(dataset.resolve("videos"), dataset.resolve("videos-elsewhere"));
        Cli.Result stored = vqa(root);
        assertThat(stored.exitCode()).as(stored.out() + stored.err()).isZero();
        JsonNode counters =
                JSON.readTree(root.resolve("_manifest.json").toFile()).at("/stages/vqa/counters");
        assertThat(counters.get("episodes-decoded").asLong()).isZero();
        assertThat(counters.get("episodes-images-stored").asLong()).isEqualTo(3);
        Files.move(dataset.resolve("videos-elsewhere"), dataset.resolve("videos"));

        // The same corpus without the images table: vqa decodes the videos (the fallback) and writes the same bytes.
        Path decodedRoot = directory.resolve("moved-decoded");
        copyTree(root, decodedRoot, List.of("episodes", "frames", "segments", "corpus"));
        Cli.Result decoded = vqa(decodedRoot);
        assertThat(decoded.exitCode()).as(decoded.err()).isZero();
        JsonNode fallback =
                JSON.readTree(decodedRoot.resolve("_manifest.json").toFile()).at("/stages/vqa/counters");
        assertThat(fallback.get("episodes-decoded").asLong()).isEqualTo(3);
        assertThat(fallback.get("episodes-images-stored").asLong()).isZero();
        // Byte-identical, image shards included: a decoded episode's full rows are written as the features stage
        // writes them, and the shards are concatenated from those files the same way.
        Map<String, byte[]> fromStored = files(root.resolve("vqa"));
        Map<String, byte[]> fromDecode = files(decodedRoot.resolve("vqa"));
        assertThat(fromDecode.keySet()).isEqualTo(fromStored.keySet());
        assertThat(differing(fromStored, fromDecode))
                .as("files that differ between stored and decoded images")
                .isEmpty();
        assertThat(imageRows(decodedRoot)).isEqualTo(imageRows(root)).isNotEmpty();

        // A damaged file in the features images table (cut short) loses nothing: that episode is decoded instead,
        // and the output is the same bytes.
        Path damagedRoot = directory.resolve("moved-damaged");
        copyTree(root, damagedRoot, List.of("episodes", "frames", "segments", "corpus", "images"));
        Path damagedFile = damagedRoot.resolve("images/part-00001.parquet");
        byte[] whole = Files.readAllBytes(damagedFile);
        Files.write(damagedFile, java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli.Result damaged = vqa(damagedRoot);
        assertThat(damaged.exitCode()).as(damaged.out() + damaged.err()).isZero();
        JsonNode recovered =
                JSON.readTree(damagedRoot.resolve("_manifest.json").toFile()).at("/stages/vqa/counters");
        assertThat(recovered.get("episodes-images-unreadable").asLong()).isEqualTo(1);
        assertThat(recovered.get("episodes-decoded").asLong()).isEqualTo(1);
        assertThat(recovered.get("episodes-images-stored").asLong()).isEqualTo(2);
        Map<String, byte[]> fromDamaged = files(damagedRoot.resolve("vqa"));
        assertThat(fromDamaged.keySet()).isEqualTo(fromStored.keySet());
        assertThat(differing(fromStored, fromDamaged))
                .as("files that differ after a damaged stored file")
                .isEmpty();

        // Every unit reused: the images table is kept as it is; features.images=false removes it.
        Map<String, byte[]> images = files(root.resolve("images"));
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(root.resolve("images/part-00000.parquet"));
        Cli.Result again =
                Cli.run("run", "--dataset", dataset.toString(), "--out", root.toString(), "--stages", "features");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.getLastModifiedTime(root.resolve("images/part-00000.parquet")))
                .isEqualTo(written);
        assertThat(files(root.resolve("images")).keySet()).isEqualTo(images.keySet());
        Cli.Result off = Cli.run(
                "run",
                "--dataset",
                dataset.toString(),
                "--out",
                root.toString(),
                "--stages",
                "features",
                "--set",
                "features.images=false");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(root.resolve("images")).doesNotExist();
    }

    @Test
    void anEpisodeWhoseVideoVanishedIsQuarantinedAndLeftOut() throws IOException {
        Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory.resolve("vanishing"));
        Path root = directory.resolve("vanishing-out");
        // Without the features images table vqa decodes the videos itself (with it, it would not need them).
        Cli.Result labelled = Cli.run(
                "run",
                "--dataset",
                dataset.toString(),
                "--out",
                root.toString(),
                "--stages",
                "index,features,annotate,label",
                "--set",
                "features.images=false");
        assertThat(labelled.exitCode()).as(labelled.err()).isZero();
        Files.delete(dataset.resolve("videos/chunk-000/observation.images.front/episode_000001.mp4"));
        Cli.Result run = vqa(root);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
        JsonNode manifest = JSON.readTree(root.resolve("_manifest.json").toFile());
        assertThat(manifest.at("/stages/vqa/quarantined").asInt()).isEqualTo(1);
        assertThat(manifest.at("/stages/vqa/quarantined-episodes/0/episode").asInt())
                .isEqualTo(1);
        assertThat(manifest.at("/stages/vqa/quarantined-episodes/0/code").asText())
                .isEqualTo("MISSING_VIDEO");
        SparkSession spark = SharedSpark.get();
        Dataset<Row> samples = samples(spark, root.resolve("vqa").toString(), "*");
        assertThat(samples.filter("episode_index = 1").count()).isZero();
        assertThat(samples.select("episode_index").distinct().count()).isEqualTo(2);
        assertThat(spark.read()
                        .parquet(root.resolve("vqa") + "/*/images")
                        .filter("episode_index = 1")
                        .count())
                .isZero();
    }

    /** Every image row of every split as text (its key, variant, size, path and a digest of its JPEG), sorted. */
    private static List<String> imageRows(Path root) {
        List<String> rows = new ArrayList<>();
        for (Row row : SharedSpark.get()
                .read()
                .parquet(root.resolve("vqa") + "/*/images")
                .collectAsList()) {
            Row image = row.getStruct(row.fieldIndex("image"));
            rows.add(row.getString(0) + "/" + row.getLong(1) + "/" + row.getLong(2) + " " + row.getString(3) + " "
                    + row.getInt(4) + "x" + row.getInt(5) + " " + image.getString(1) + " "
                    + java.util.Arrays.hashCode(image.<byte[]>getAs("bytes")));
        }
        rows.sort(null);
        return rows;
    }

    /** The names whose bytes differ between two {@link #files} maps of the same names. */
    private static List<String> differing(Map<String, byte[]> first, Map<String, byte[]> second) {
        return first.keySet().stream()
                .filter(name -> !java.util.Arrays.equals(first.get(name), second.get(name)))
                .toList();
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to, List<String> tables) throws IOException {
        for (String table : tables) {
            try (Stream<Path> walk = Files.walk(from.resolve(table))) {
                for (Path source : walk.toList()) {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        }
    }
}
