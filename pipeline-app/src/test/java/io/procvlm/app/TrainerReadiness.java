package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.vqa.tokens.VisionModel;
import io.procvlm.vqa.tokens.VisionTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a written {@code vqa/} must satisfy for the trainer, checked against the tables themselves: every sample has a
 * token count that adds up (overhead + text + images, images by the Qwen2-VL rule at the stored size of their
 * variant); each context set's packs hold every kept sample exactly once and never exceed their capacity; and
 * stats.json states the same counts.
 */
final class TrainerReadiness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainerReadiness() {}

    /** Checks {@code <out>/vqa}; returns stats.json. */
    static JsonNode check(Path out, long shortMax, long longMax, long shortCapacity, long longCapacity)
            throws IOException {
        SparkSession spark = SharedSpark.get();
        String vqa = out.resolve("vqa").toString();
        JsonNode stats = JSON.readTree(out.resolve("vqa/stats.json").toFile());
        VisionTokens vision = VisionTokens.of(VisionModel.QWEN2_VL);
        Map<String, int[]> sizes = new HashMap<>();
        for (Row image : spark.read()
                .parquet(vqa + "/*/images")
                .select("dataset", "episode_index", "variant", "width", "height")
                .distinct()
                .collectAsList()) {
            String key = image.getString(0) + "/" + image.getLong(1) + "/" + image.getString(2);
            assertThat(sizes.put(key, new int[] {image.getInt(3), image.getInt(4)}))
                    .as("one size per episode and variant: %s", key)
                    .isNull();
        }
        List<Row> samples = spark.read()
                .parquet(sampleFolders(out))
                .select(
                        "id",
                        "split",
                        "dataset",
                        "episode_index",
                        "frame_indices",
                        "num_tokens",
                        "text_tokens",
                        "image_tokens",
                        "image_variant",
                        "context",
                        "replay",
                        "drop_reason")
                .collectAsList();
        assertThat(samples).isNotEmpty();
        long overhead = stats.at("/settings/tokens/chat-overhead").asLong();
        Map<String, Long> tokensOf = new HashMap<>();
        Map<String, Set<String>> expected = new TreeMap<>(); // split/set -> ids expected in packs
        Map<String, Long> setSamples = new TreeMap<>();
        long dropped = 0;
        for (Row row : samples) {
            String id = row.getString(0);
            String split = row.getString(1);
            long tokens = row.getLong(5);
            int frames = row.getList(4).size();
            int[] size = sizes.get(row.getString(2) + "/" + row.getLong(3) + "/" + row.getString(8));
            assertThat(size)
                    .as("images of %s stored in variant %s", id, row.getString(8))
                    .isNotNull();
            assertThat(row.getLong(7)).as(id).isEqualTo(frames * vision.tokens(size[0], size[1]));
            assertThat(row.getLong(6)).as(id).isPositive();
            assertThat(tokens).as(id).isEqualTo(overhead + row.getLong(6) + row.getLong(7));
            tokensOf.put(split + "/" + id, tokens);
            String context = row.getString(9);
            if (context.equals("dropped")) {
                dropped++;
                assertThat(row.getString(11)).as(id).isIn("video-too-short", "too-many-tokens");
                if (row.getString(11).equals("too-many-tokens")) {
                    assertThat(tokens).isGreaterThan(longMax);
                }
                continue;
            }
            assertThat(context).isEqualTo(tokens < shortMax ? "short" : "long");
            assertThat(tokens).isLessThanOrEqualTo(longMax);
            setSamples.merge(split + "/" + context, 1L, Long::sum);
            if (tokens <= (context.equals("short") ? shortCapacity : longCapacity)) {
                expected.computeIfAbsent(split + "/" + context, k -> new HashSet<>())
                        .add(id);
            }
            if (row.getBoolean(10)) {
                assertThat(context).isEqualTo("short");
                setSamples.merge(split + "/long", 1L, Long::sum);
                if (tokens <= longCapacity) {
                    expected.computeIfAbsent(split + "/long", k -> new HashSet<>())
                            .add(id);
                }
            }
        }
        Map<String, Set<String>> packed = new TreeMap<>();
        Map<String, Long> packs = new TreeMap<>();
        Map<String, Long> packedTokens = new TreeMap<>();
        for (Row pack : spark.read()
                .parquet(vqa + "/*/packs")
                .select("split", "context", "capacity", "tokens", "sample_ids", "sample_tokens", "pack_id")
                .collectAsList()) {
            String key = pack.getString(0) + "/" + pack.getString(1);
            long capacity = pack.getString(1).equals("short") ? shortCapacity : longCapacity;
            assertThat(pack.getLong(2)).isEqualTo(capacity);
            assertThat(pack.getLong(3))
                    .as(pack.getString(6))
                    .isLessThanOrEqualTo(capacity)
                    .isPositive();
            List<String> ids = pack.getList(4);
            List<Long> tokens = pack.getList(5);
            long sum = 0;
            for (int i = 0; i < ids.size(); i++) {
                assertThat(tokens.get(i)).isEqualTo(tokensOf.get(pack.getString(0) + "/" + ids.get(i)));
                assertThat(packed.computeIfAbsent(key, k -> new HashSet<>()).add(ids.get(i)))
                        .as("%s once in %s", ids.get(i), key)
                        .isTrue();
                sum += tokens.get(i);
            }
            assertThat(sum).isEqualTo(pack.getLong(3));
            packs.merge(key, 1L, Long::sum);
            packedTokens.merge(key, sum, Long::sum);
        }
        assertThat(packed)
                .as("every kept sample in exactly one pack of its set")
                .isEqualTo(expected);
        setSamples.forEach((key, count) -> {
            String[] parts = key.split("/");
            JsonNode node = stats.at("/context-sets/" + parts[0] + "/" + parts[1]);
            assertThat(node.get("samples").asLong()).as(key).isEqualTo(count);
            assertThat(node.get("packs").asLong()).as(key).isEqualTo(packs.getOrDefault(key, 0L));
            assertThat(node.get("packed-samples").asLong())
                    .isEqualTo(expected.getOrDefault(key, Set.of()).size());
            long capacity = parts[1].equals("short") ? shortCapacity : longCapacity;
            if (packs.containsKey(key)) {
                assertThat(node.get("fill-ratio").asDouble())
                        .isCloseTo(
                                packedTokens.get(key) / (double) (packs.get(key) * capacity),
                                org.assertj.core.api.Assertions.within(0.0006));
            }
        });
        long droppedInStats = 0;
        for (JsonNode bySplit : stats.get("dropped")) {
            for (JsonNode count : bySplit) {
                droppedInStats += count.asLong();
            }
        }
        assertThat(droppedInStats).isEqualTo(dropped);
        assertThat(stats.at("/tokens/total").asLong())
                .isEqualTo(tokensOf.values().stream().mapToLong(Long::longValue).sum());
        return stats;
    }

    private static String[] sampleFolders(Path out) throws IOException {
        try (Stream<Path> splits = Files.list(out.resolve("vqa"))) {
            return splits.filter(Files::isDirectory)
                    .filter(split -> !split.getFileName().toString().equals("arrow"))
                    .flatMap(split -> Stream.of("segmentation", "planning", "progress")
                            .map(split::resolve)
                            .filter(Files::isDirectory))
                    .map(Path::toString)
                    .toArray(String[]::new);
        }
    }

    /** The Spark frame reading every image table of {@code out}. */
    static Dataset<Row> images(Path out) {
        return SharedSpark.get().read().parquet(out.resolve("vqa") + "/*/images");
    }
}
