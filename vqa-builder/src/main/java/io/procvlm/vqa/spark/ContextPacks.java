package io.procvlm.vqa.spark;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.vqa.ContextConfig;
import io.procvlm.vqa.ContextStats;
import io.procvlm.vqa.Packer;
import io.procvlm.vqa.Placement;
import io.procvlm.vqa.VqaConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reference stages 7 and 8 on the written sample tables: the short / long context sets (with replay) and their packs.
 * Each set of each split is put in a seeded order (SHA-256 of run.seed and the sample id), cut into chunks of
 * {@code vqa.pack.chunk-rows} samples, and each chunk packed on its own ({@link Packer}), as {@code pack_data.py}
 * does; packs land in {@code <split>/packs/}, whole chunks per shard, so names and bytes are the same on every run.
 */
public final class ContextPacks {
    static final String PACKS = "packs";

    public static final StructType PACK_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("pack_id", DataTypes.StringType, false),
        DataTypes.createStructField("split", DataTypes.StringType, false),
        DataTypes.createStructField("context", DataTypes.StringType, false),
        DataTypes.createStructField("chunk", DataTypes.IntegerType, false),
        DataTypes.createStructField("bin", DataTypes.IntegerType, false),
        DataTypes.createStructField("capacity", DataTypes.LongType, false),
        DataTypes.createStructField("samples", DataTypes.IntegerType, false),
        DataTypes.createStructField("tokens", DataTypes.LongType, false),
        DataTypes.createStructField("sample_ids", DataTypes.createArrayType(DataTypes.StringType, false), false),
        DataTypes.createStructField("sample_tokens", DataTypes.createArrayType(DataTypes.LongType, false), false)
    });

    private ContextPacks() {}

    /** The pack id: {@code <split>/<set>/<chunk:05d>/<bin:05d>}. */
    static String packId(String split, String set, int chunk, int bin) {
        return String.format(Locale.ROOT, "%s/%s/%05d/%05d", split, set, chunk, bin);
    }

    /** 1 for a sample of more tokens than {@code capacity}, else 0. */
    private static Column overCapacity(long capacity) {
        return functions.when(functions.col("num_tokens").gt(capacity), 1L).otherwise(0L);
    }

    /** Adds a group's samples, tokens, replayed samples and samples over capacity to its (split, set) counts. */
    private static void addSetCounts(
            Map<String, long[]> setCounts,
            String split,
            String set,
            long samples,
            long tokens,
            long replayed,
            long over) {
        long[] counts = setCounts.computeIfAbsent(split + "\u0000" + set, k -> new long[4]);
        counts[0] += samples;
        counts[1] += tokens;
        counts[2] += replayed;
        counts[3] += over;
    }

    /**
     * Counts tokens and context sets on the sample tables under {@code staging}, packs the sets and writes the packs.
     *
     * @param packBytes receives the bytes written per pack folder
     * @param packFiles receives the pack shards per folder
     */
    static ContextStats run(
            SparkSession spark,
            Path staging,
            Map<Integer, String> sampleFolder,
            VqaConfig config,
            Map<String, Long> packBytes,
            Map<String, Integer> packFiles) {
        ContextStats stats = new ContextStats();
        ContextConfig context = config.context();
        Dataset<Row> written = VqaStage.readBack(spark, VqaStage.SAMPLE_SCHEMA, staging, sampleFolder.values());
        if (written == null) {
            return stats;
        }
        Dataset<Row> samples = written.select(
                "split",
                "family",
                "id",
                "num_tokens",
                "text_tokens",
                "image_tokens",
                "image_variant",
                "context",
                "replay",
                "drop_reason");
        // The sets: every kept sample in its own, replayed short samples again in the long set.
        Column capacity = functions
                .when(functions.col("set").equalTo(ContextConfig.SHORT), functions.lit(context.shortCapacity()))
                .otherwise(functions.lit(context.longCapacity()));
        Dataset<Row> items = samples.filter(functions.col("context").notEqual(ContextConfig.DROPPED))
                .select(
                        functions.col("split"),
                        functions.col("context").as("set"),
                        functions.col("id"),
                        functions.col("num_tokens").as("tokens"))
                .unionByName(samples.filter(functions.col("replay"))
                        .select(
                                functions.col("split"),
                                functions.lit(ContextConfig.LONG).as("set"),
                                functions.col("id"),
                                functions.col("num_tokens").as("tokens")))
                .withColumn("capacity", capacity);
        // Tokens per family, drops, down-sized samples and the sets' counts, all from one aggregation of the samples
        // (one Spark query instead of four; the groups are few: split x family x context x reason x flags).
        Map<String, long[]> setCounts = new TreeMap<>(); // samples, tokens, replayed, over capacity
        for (Row row : samples.groupBy(
                        functions.col("split"),
                        functions.col("family"),
                        functions.col("context"),
                        functions.col("drop_reason"),
                        functions.col("replay"),
                        functions.col("image_variant").notEqual(Placement.FULL).as("down_sized"))
                .agg(
                        functions.count(functions.lit(1)),
                        functions.sum("num_tokens"),
                        functions.sum("text_tokens"),
                        functions.sum("image_tokens"),
                        functions.max("num_tokens"),
                        functions.sum(overCapacity(context.shortCapacity())),
                        functions.sum(overCapacity(context.longCapacity())))
                .collectAsList()) {
            String split = row.getString(0);
            String setName = row.getString(2);
            long count = row.getLong(6);
            long tokens = row.getLong(7);
            stats.addTokens(
                    split,
                    row.getString(1),
                    new ContextStats.Tokens(count, tokens, row.getLong(8), row.getLong(9), row.getLong(10)));
            if (row.getBoolean(5)) {
                stats.addDownSized(split, count);
            }
            if (setName.equals(ContextConfig.DROPPED)) {
                stats.addDropped(split, row.getString(3), count);
            } else {
                long over = setName.equals(ContextConfig.SHORT) ? row.getLong(11) : row.getLong(12);
                addSetCounts(setCounts, split, setName, count, tokens, 0, over);
            }
            if (row.getBoolean(4)) {
                addSetCounts(setCounts, split, ContextConfig.LONG, count, tokens, count, row.getLong(12));
            }
        }

        // Seeded order, global index, chunk of each packable item.
        Dataset<Row> packable = items.filter(functions.col("tokens").leq(functions.col("capacity")))
                .withColumn(
                        "order",
                        functions.sha2(
                                functions.concat_ws(
                                        "\u0000",
                                        functions.lit(Long.toString(config.seed())),
                                        functions.lit("pack"),
                                        functions.col("id")),
                                256))
                .orderBy("split", "set", "order", "id");
        Map<String, Long> start = new HashMap<>();
        Map<String, Long> packableCount = new TreeMap<>();
        setCounts.forEach((key, counts) -> packableCount.put(key, counts[0] - counts[3]));
        long offset = 0;
        for (Map.Entry<String, Long> entry : packableCount.entrySet()) { // the orderBy's order: split, then set
            start.put(entry.getKey(), offset);
            offset += entry.getValue();
        }
        Map<String, Integer> bucketOf = new HashMap<>();
        Map<Integer, String> packFolder = new TreeMap<>();
        int chunksPerFile = (int) Math.max(1, config.samplesPerFile() / context.chunkRows());
        Map<String, List<String>> keysBySplit = new TreeMap<>();
        packableCount
                .keySet()
                .forEach(key -> keysBySplit
                        .computeIfAbsent(key.substring(0, key.indexOf('\u0000')), k -> new ArrayList<>())
                        .add(key));
        for (Map.Entry<String, List<String>> split : keysBySplit.entrySet()) {
            List<String> keys = new ArrayList<>(split.getValue());
            keys.sort(Comparator.comparingInt(
                    key -> ContextConfig.SETS.indexOf(key.substring(key.indexOf('\u0000') + 1))));
            int ordinal = 0;
            int first = packFolder.size();
            for (String key : keys) {
                long chunks = (packableCount.get(key) + context.chunkRows() - 1) / context.chunkRows();
                for (int chunk = 0; chunk < chunks; chunk++) {
                    int bucket = first + ordinal++ / chunksPerFile;
                    bucketOf.put(key + "\u0000" + chunk, bucket);
                    packFolder.put(bucket, split.getKey() + "/" + PACKS);
                }
            }
        }
        int chunkRows = context.chunkRows();
        long shortCapacity = context.shortCapacity();
        long longCapacity = context.longCapacity();
        JavaPairRDD<String, Tuple2<Long, Packer.Item>> chunked = packable.select("split", "set", "id", "tokens")
                .javaRDD()
                .zipWithIndex()
                .mapToPair(indexed -> {
                    Row row = indexed._1();
                    String key = row.getString(0) + "\u0000" + row.getString(1);
                    long position = indexed._2() - start.get(key);
                    return new Tuple2<>(
                            key + "\u0000" + (position / chunkRows),
                            new Tuple2<>(indexed._2(), new Packer.Item(row.getString(2), row.getLong(3))));
                });
        JavaRDD<Row> packRows = chunked.groupByKey()
                .flatMapToPair(group -> {
                    String[] parts = group._1().split("\u0000");
                    List<Tuple2<Long, Packer.Item>> members = new ArrayList<>();
                    group._2().forEach(members::add);
                    members.sort(Comparator.comparingLong(Tuple2::_1));
                    long cap = parts[1].equals(ContextConfig.SHORT) ? shortCapacity : longCapacity;
                    List<Packer.Bin> bins = Packer.toConstantVolume(
                            members.stream().map(Tuple2::_2).toList(), cap);
                    int chunk = Integer.parseInt(parts[2]);
                    List<Tuple2<Integer, Row>> rows = new ArrayList<>();
                    for (int b = 0; b < bins.size(); b++) {
                        Packer.Bin bin = bins.get(b);
                        rows.add(new Tuple2<>(
                                bucketOf.get(group._1()),
                                RowFactory.create(
                                        packId(parts[0], parts[1], chunk, b),
                                        parts[0],
                                        parts[1],
                                        chunk,
                                        b,
                                        cap,
                                        bin.items().size(),
                                        bin.tokens(),
                                        bin.items().stream()
                                                .map(Packer.Item::id)
                                                .toArray(String[]::new),
                                        bin.items().stream()
                                                .mapToLong(Packer.Item::tokens)
                                                .toArray())));
                    }
                    return rows.iterator();
                })
                .partitionBy(new VqaStage.ExactPartitioner(Math.max(1, packFolder.size())))
                .values();
        Dataset<Row> packs = spark.createDataFrame(packRows, PACK_SCHEMA).sortWithinPartitions("pack_id");
        VqaStage.writeShards(packs, staging, "_packs", packFolder, packBytes);
        packFolder.values().forEach(folder -> packFiles.merge(folder, 1, Integer::sum));

        // What the packs hold, read back.
        Map<String, long[]> packed = new TreeMap<>(); // packs, samples, tokens
        Dataset<Row> writtenPacks = VqaStage.readBack(spark, PACK_SCHEMA, staging, packFolder.values());
        List<Row> packTotals = writtenPacks == null
                ? List.of()
                : writtenPacks
                        .groupBy("split", "context")
                        .agg(
                                functions.count(functions.lit(1)),
                                functions.sum("samples"),
                                functions.sum("tokens"),
                                functions.max(functions.col("tokens").minus(functions.col("capacity"))))
                        .collectAsList();
        for (Row row : packTotals) {
            if (row.getLong(5) > 0) {
                throw new PipelineException(
                        CoreErrorCode.INTERNAL,
                        "A pack of " + row.getString(0) + "/" + row.getString(1)
                                + " holds more tokens than its capacity");
            }
            packed.put(
                    row.getString(0) + "\u0000" + row.getString(1),
                    new long[] {row.getLong(2), row.getLong(3), row.getLong(4)});
        }
        setCounts.forEach((key, counts) -> {
            String[] parts = key.split("\u0000");
            long[] inPacks = packed.getOrDefault(key, new long[3]);
            if (inPacks[1] != counts[0] - counts[3]) {
                throw new PipelineException(
                        CoreErrorCode.INTERNAL,
                        "The packs of " + parts[0] + "/" + parts[1] + " hold " + inPacks[1] + " samples, expected "
                                + (counts[0] - counts[3]));
            }
            stats.putSet(
                    parts[0],
                    parts[1],
                    new ContextStats.ContextSet(
                            counts[0],
                            counts[1],
                            counts[2],
                            counts[3],
                            inPacks[0],
                            inPacks[1],
                            inPacks[2],
                            context.capacity(parts[1])));
        });
        return stats;
    }
}
