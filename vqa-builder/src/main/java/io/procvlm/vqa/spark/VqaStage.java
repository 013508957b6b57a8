package io.procvlm.vqa.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.InternalFailures;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.images.ImageFileWriter;
import io.procvlm.core.images.ImageSettings;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.ledger.CommitGate;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.spark.EpisodeRuns;
import io.procvlm.core.spark.EpisodesTable;
import io.procvlm.core.spark.FileBuckets;
import io.procvlm.core.spark.TableCommitter;
import io.procvlm.core.video.EpisodeImages;
import io.procvlm.core.video.FrameImages;
import io.procvlm.core.video.ImageStream;
import io.procvlm.vqa.ContextStats;
import io.procvlm.vqa.CorpusFrame;
import io.procvlm.vqa.EpisodeCorpus;
import io.procvlm.vqa.EpisodeSampler;
import io.procvlm.vqa.Placement;
import io.procvlm.vqa.Splits;
import io.procvlm.vqa.VqaCard;
import io.procvlm.vqa.VqaConfig;
import io.procvlm.vqa.VqaFamily;
import io.procvlm.vqa.VqaSample;
import io.procvlm.vqa.VqaStats;
import io.procvlm.vqa.VqaTemplates;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import scala.Tuple2;

/**
 * The {@code vqa} stage: turns ProcCorpus into ProcVQA. One Spark task per episode samples the families
 * ({@link EpisodeSampler}), then takes the JPEGs of the frames its samples show from the features stage's images
 * table ({@link FeatureImages}: no video is opened) or, when that table is absent or was made with other
 * {@code vqa.image.*} settings, decodes the episode's video once more, in colour ({@link EpisodeImages}); both give the
 * same bytes. Everything lands under {@code vqa/}, committed atomically:
 *
 * <pre>
 * vqa/&lt;split&gt;/images/part-NNNNN.parquet            each frame shown once: (dataset, episode, frame) -> JPEG
 * vqa/&lt;split&gt;/&lt;family&gt;/part-NNNNN.parquet        samples, referencing frames by key (and, with
 *                                                vqa.materialize, embedding them)
 * vqa/arrow/&lt;split&gt;/&lt;family&gt;/part-NNNNN.arrow    the same rows as Arrow IPC files
 * vqa/README.md, vqa/stats.json                  the dataset card and its numbers
 * </pre>
 *
 * Shards hold whole episodes; partition numbers are the shard numbers (an exact partitioner), so names and bytes are
 * the same on every run. An episode whose video cannot be decoded again is quarantined: its samples are left out and
 * so are its images.
 */
public final class VqaStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VqaStage.class);
    public static final String NAME = "vqa";
    private static final java.util.regex.Pattern PART_NUMBER =
            java.util.regex.Pattern.compile("part-(\\d+)\\..*parquet");
    public static final String IMAGES = "images";
    /** Arrow IPC copies of the sample shards live in their own tree, so Parquet folders hold only Parquet. */
    public static final String ARROW = "arrow";

    static final StructType IMAGE_STRUCT = new StructType(new StructField[] {
        DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
        DataTypes.createStructField("path", DataTypes.StringType, true)
    });
    public static final StructType IMAGE_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("frame_index", DataTypes.LongType, false),
        DataTypes.createStructField("variant", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, false),
        DataTypes.createStructField("height", DataTypes.IntegerType, false),
        DataTypes.createStructField("image", IMAGE_STRUCT, false)
    });
    public static final StructType SAMPLE_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("segment_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("split", DataTypes.StringType, false),
        DataTypes.createStructField("family", DataTypes.StringType, false),
        DataTypes.createStructField("template", DataTypes.StringType, false),
        DataTypes.createStructField("task", DataTypes.StringType, false),
        DataTypes.createStructField("frame_indices", DataTypes.createArrayType(DataTypes.LongType, false), false),
        DataTypes.createStructField("question", DataTypes.StringType, false),
        DataTypes.createStructField("answer", DataTypes.StringType, false),
        DataTypes.createStructField("progress", DataTypes.DoubleType, true),
        DataTypes.createStructField("anchor_frame", DataTypes.LongType, false),
        DataTypes.createStructField("num_tokens", DataTypes.LongType, false),
        DataTypes.createStructField("text_tokens", DataTypes.LongType, false),
        DataTypes.createStructField("image_tokens", DataTypes.LongType, false),
        DataTypes.createStructField("image_variant", DataTypes.StringType, false),
        DataTypes.createStructField("context", DataTypes.StringType, false),
        DataTypes.createStructField("replay", DataTypes.BooleanType, false),
        DataTypes.createStructField("drop_reason", DataTypes.StringType, true)
    });
    /** The column {@code vqa.materialize} adds: the sample's images, in order, as Hugging Face Image structs. */
    public static final StructField IMAGES_COLUMN =
            DataTypes.createStructField("images", DataTypes.createArrayType(IMAGE_STRUCT, false), false);

    private VqaStage() {}

    /** One episode's samples and the frames they show, or why there are none. */
    record Planned(
            String key,
            String dataset,
            long episode,
            String split,
            List<VqaSample> samples,
            long[] frames,
            double[] timestamps,
            EpisodeRef ref,
            VqaStats stats,
            Problem problem)
            implements Serializable {}

    /** What the driver needs of a plan. */
    record Summary(
            String key,
            String dataset,
            long episode,
            String split,
            Map<String, Long> perFamily,
            int frames,
            VqaStats stats,
            Problem problem)
            implements Serializable {}

    /** Sends each row to the partition its bucket names, so partition numbers are shard numbers. */
    static final class ExactPartitioner extends Partitioner {
        private final int partitions;

        ExactPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }

    public static StageReport run(
            SparkSession spark, String outputRoot, VqaConfig config, double toleranceFrames, int decoderThreads) {
        return run(spark, outputRoot, config, toleranceFrames, decoderThreads, CommitGate.open(NAME, NAME));
    }

    /**
     * Builds ProcVQA and commits {@code vqa/} unless {@code gate} holds the commit back (then the staged folder is
     * deleted, the committed one stays as it is and the gate's {@link CommitGate.Rejected} is thrown).
     */
    public static StageReport run(
            SparkSession spark,
            String outputRoot,
            VqaConfig config,
            double toleranceFrames,
            int decoderThreads,
            CommitGate gate) {
        requireNonNull(config, "config is null");
        requireNonNull(gate, "gate is null");
        long started = System.currentTimeMillis();
        VqaTemplates templates = VqaTemplates.load(config.templates());
        String root = Locations.absolute(outputRoot);
        Map<String, EpisodeRef> refs = new HashMap<>();
        for (Row row : spark.read()
                .parquet(root + "/" + EpisodesTable.NAME)
                .filter("status = 'ok'")
                .collectAsList()) {
            EpisodeRef ref = EpisodesTable.toRef(row);
            refs.put(ref.key(), ref);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<String, EpisodeRef>> refOf = context.broadcast(refs);
        EpisodeSampler sampler = new EpisodeSampler(config, templates);
        Dataset<Row> corpus = spark.read()
                .parquet(root + "/corpus")
                .select(
                        "dataset",
                        "episode_index",
                        "segment_index",
                        "frame_index",
                        "timestamp",
                        "task",
                        "subtask",
                        "progress",
                        "remaining",
                        "done");
        // Each episode's rows brought together by Spark SQL's own shuffle and sort (binary rows), then planned one
        // episode at a time as they stream past: no RDD groupBy, which Java-serialises every row and re-estimates the
        // size of its growing per-episode buffers as it goes.
        JavaRDD<Planned> planned = EpisodeRuns.sorted(
                        corpus, EpisodeRuns.partitions(spark, corpus), "segment_index", "frame_index")
                .mapPartitions(rows -> EpisodeRuns.of(rows, (dataset, episode, episodeRows) -> {
                    String key = dataset + "/" + episode;
                    return plan(key, episodeRows, refOf.value().get(key), sampler, config);
                }))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Summary> summaries =
                    new ArrayList<>(planned.map(VqaStage::summarize).collect());
            summaries.sort(Comparator.comparing(Summary::key));
            Path rootPath = new Path(root);
            Path staging = TableCommitter.stagingFolder(rootPath, NAME);

            // Images: one shard set per split, whole episodes per shard.
            Map<String, Integer> imageBucket = new HashMap<>();
            Map<Integer, String> imageFolder = new TreeMap<>();
            assignBuckets(
                    summaries,
                    s -> s.frames(),
                    s -> s.split() + "/" + IMAGES,
                    config.imagesPerFile(),
                    imageBucket,
                    imageFolder);
            CollectionAccumulator<String> failures = context.sc().collectionAccumulator("vqa-image-failures");
            // The features stage's images (one decode per frame): read them when they were made with these settings.
            Map<String, String> storedFiles = storedImages(root, config);
            Broadcast<Map<String, String>> storedFileOf = context.broadcast(storedFiles);
            org.apache.spark.util.LongAccumulator decodedEpisodes =
                    context.sc().longAccumulator("vqa-decoded-episodes");
            org.apache.spark.util.LongAccumulator storedEpisodes = context.sc().longAccumulator("vqa-stored-episodes");
            org.apache.spark.util.LongAccumulator unreadableEpisodes =
                    context.sc().longAccumulator("vqa-unreadable-stored-episodes");
            ImageSources sources = new ImageSources(storedFileOf, decodedEpisodes, storedEpisodes, unreadableEpisodes);
            Broadcast<Map<String, Integer>> imageBucketOf = context.broadcast(imageBucket);
            // Episodes decoded here get a file of their full rows as the features stage writes one, so that a shard
            // is the same bytes whichever way its images came.
            String decodedRoot = new Path(staging, "_decoded").toString();
            JavaRDD<Row> imageRows = planned.filter(p -> p.problem() == null && p.frames().length > 0)
                    .mapToPair(p -> new Tuple2<>(imageBucketOf.value().get(p.key()), p))
                    .partitionBy(new ExactPartitioner(Math.max(1, imageFolder.size())))
                    .values()
                    .mapPartitions(plans ->
                            images(plans, config, toleranceFrames, decoderThreads, failures, sources, decodedRoot));
            Dataset<Row> imageTable = spark.createDataFrame(imageRows, IMAGE_SCHEMA)
                    .sortWithinPartitions("dataset", "episode_index", "frame_index", "variant");
            Path ownImageRows = new Path(staging, "_images");
            TableCommitter.writeParts(imageTable, ownImageRows);
            Map<String, Problem> failed = new TreeMap<>();
            for (String failure : failures.value()) {
                String[] parts = failure.split("\t", 3);
                failed.putIfAbsent(parts[0], Problem.error(parts[1], parts[2]));
            }
            Map<String, Long> imageBytes = new TreeMap<>();
            Path shardScratch = new Path(staging, "_image_shards");
            java.util.Set<Integer> writtenShards = ImageShards.write(
                    context,
                    shardScratch,
                    imageShards(
                            summaries,
                            imageBucket,
                            imageFolder,
                            storedFiles,
                            decodedRoot,
                            failed.keySet(),
                            ownImageRows));
            // numbered from 0 within each folder among the shards that have rows
            Map<Integer, String> writtenFolders = new TreeMap<>(imageFolder);
            writtenFolders.keySet().retainAll(writtenShards);
            moveParts(shardScratch, ".parquet", staging, writtenFolders, imageBytes);
            deleteFolder(ownImageRows);
            deleteFolder(new Path(decodedRoot));
            if (!failed.isEmpty()) {
                dropImagesOf(spark, staging, imageFolder, failed.keySet(), imageBytes);
            }
            Broadcast<Map<String, int[]>> sizeOf = context.broadcast(imageSizes(spark, staging, imageFolder));

            // Samples: one shard set per split and family.
            Map<String, Integer> sampleBucket = new HashMap<>();
            Map<Integer, String> sampleFolder = new TreeMap<>();
            for (VqaFamily family : config.families()) {
                assignBuckets(
                        summaries.stream()
                                .filter(s -> !failed.containsKey(s.key()))
                                .toList(),
                        s -> s.perFamily().getOrDefault(family.id(), 0L),
                        s -> s.split() + "/" + family.id(),
                        config.samplesPerFile(),
                        sampleBucket,
                        sampleFolder,
                        family.id());
            }
            Broadcast<Map<String, Integer>> sampleBucketOf = context.broadcast(sampleBucket);
            Broadcast<java.util.Set<String>> failedKeys = context.broadcast(new TreeSet<>(failed.keySet()));
            JavaRDD<Row> sampleRows = planned.filter(
                            p -> p.problem() == null && !failedKeys.value().contains(p.key()))
                    .flatMapToPair(p -> {
                        List<Tuple2<Integer, Row>> rows = new ArrayList<>();
                        int[] size = sizeOf.value().getOrDefault(p.key(), new int[] {0, 0});
                        for (VqaSample sample : p.samples()) {
                            rows.add(new Tuple2<>(
                                    sampleBucketOf
                                            .value()
                                            .get(p.key() + "\u0000"
                                                    + sample.family().id()),
                                    toRow(sample, placement(sample, size, p.ref(), config))));
                        }
                        return rows.iterator();
                    })
                    .partitionBy(new ExactPartitioner(Math.max(1, sampleFolder.size())))
                    .values();
            StructType sampleSchema = SAMPLE_SCHEMA;
            Dataset<Row> samples = spark.createDataFrame(sampleRows, SAMPLE_SCHEMA);
            if (config.materialize()) {
                samples = materialize(spark, samples, staging, imageFolder, sampleFolder.size(), sampleBucket);
                sampleSchema = SAMPLE_SCHEMA.add(IMAGES_COLUMN);
            }
            samples = samples.sortWithinPartitions("dataset", "episode_index", "segment_index", "anchor_frame", "id")
                    .persist(StorageLevel.MEMORY_AND_DISK());
            Map<String, Long> sampleBytes = new TreeMap<>();
            try {
                writeShards(samples, staging, "_samples", sampleFolder, sampleBytes);
                writeArrow(samples, sampleSchema, staging, sampleFolder, sampleBytes);
            } finally {
                samples.unpersist(false);
            }
            long leaks = leakage(spark, staging, sampleFolder);
            if (leaks > 0) {
                throw new PipelineException(
                        CoreErrorCode.INTERNAL, leaks + " episodes have samples in more than one split");
            }

            // Context sets and packs (reference stages 7 and 8), on the written samples.
            Map<String, Long> packBytes = new TreeMap<>();
            Map<String, Integer> packFiles = new TreeMap<>();
            ContextStats contextStats = ContextPacks.run(spark, staging, sampleFolder, config, packBytes, packFiles);
            Map<String, Long> uniqueImages = new TreeMap<>();
            Dataset<Row> storedImages = imagesBySplit(spark, staging, imageFolder);
            if (storedImages != null) {
                for (Row row : storedImages.groupBy("split", "variant").count().collectAsList()) {
                    contextStats.addImages(row.getString(0), row.getString(1), row.getLong(2));
                    uniqueImages.merge(row.getString(0), row.getLong(2), Long::sum);
                }
            }

            // Card and stats.
            VqaStats stats = new VqaStats();
            List<EpisodeOutcome> outcomes = new ArrayList<>();
            for (Summary summary : summaries) {
                Problem problem = summary.problem() != null ? summary.problem() : failed.get(summary.key());
                if (problem == null) {
                    stats = stats.plus(summary.stats());
                    outcomes.add(new EpisodeOutcome(
                            summary.dataset(),
                            summary.episode(),
                            NAME,
                            EpisodeStatus.OK,
                            null,
                            List.of(),
                            summary.perFamily().values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum()));
                } else {
                    outcomes.add(new EpisodeOutcome(
                            summary.dataset(),
                            summary.episode(),
                            NAME,
                            EpisodeStatus.QUARANTINED,
                            problem,
                            List.of(),
                            0));
                }
            }
            outcomes.sort(
                    Comparator.comparing(EpisodeOutcome::dataset).thenComparingLong(EpisodeOutcome::episodeIndex));
            Map<String, String> licenses = VqaCard.licenses(refs.values(), config);
            VqaCard card = new VqaCard(
                    config,
                    templates,
                    stats,
                    uniqueImages,
                    imageBytes,
                    sampleBytes,
                    new TreeMap<>(sampleFolder.values().stream()
                            .collect(java.util.stream.Collectors.toMap(f -> f, f -> 1, Integer::sum))),
                    licenses,
                    contextStats,
                    packBytes);
            try {
                gate.beforeCommit(outcomes);
            } catch (PipelineException e) {
                TableCommitter.discard(staging, rootPath);
                throw e;
            }
            writeText(staging, "stats.json", card.statsJson());
            writeText(staging, "README.md", card.readme());
            Path target = TableCommitter.publish(staging, rootPath, NAME);

            long totalBytes = imageBytes.values().stream()
                            .mapToLong(Long::longValue)
                            .sum()
                    + sampleBytes.values().stream().mapToLong(Long::longValue).sum()
                    + packBytes.values().stream().mapToLong(Long::longValue).sum();
            long files = (long) imageFolder.size()
                    + 2L * sampleFolder.size()
                    + packFiles.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, Number> counters = new LinkedHashMap<>();
            counters.put("samples", stats.sampleCount());
            counters.put(
                    "images",
                    uniqueImages.values().stream().mapToLong(Long::longValue).sum());
            counters.put("frame-references", stats.frameReferences());
            // Where the images came from: the features images table, or a decode of the video (the fallback).
            counters.put("episodes-images-stored", storedEpisodes.value());
            counters.put("episodes-decoded", decodedEpisodes.value());
            // of which decoded because their file in the features images table could not be read
            counters.put("episodes-images-unreadable", unreadableEpisodes.value());
            stats.bySplitAndFamily()
                    .forEach((split, byFamily) ->
                            byFamily.forEach((family, count) -> counters.put(split + "." + family, count)));
            counters.put("seed", config.seed()); // the sampling, replay and pack orders derive from it
            counters.put(
                    "tokens",
                    contextStats.tokensByFamily().values().stream()
                            .mapToLong(ContextStats.Tokens::tokens)
                            .sum());
            counters.put("dropped", contextStats.totalDropped());
            counters.put("packs", contextStats.totalPacks());
            contextStats
                    .sets()
                    .forEach((split, bySet) -> bySet.forEach((set, counts) -> {
                        counters.put(split + "." + set + ".samples", counts.samples());
                        counters.put(split + "." + set + ".packs", counts.packs());
                    }));
            return new StageReport(
                    NAME,
                    outcomes,
                    new TableInfo(NAME, target.toString(), (int) files, stats.sampleCount(), totalBytes),
                    started,
                    System.currentTimeMillis() - started,
                    counters);
        } finally {
            planned.unpersist(false);
        }
    }

    static Planned plan(String key, Iterable<Row> rows, EpisodeRef ref, EpisodeSampler sampler, VqaConfig config) {
        Map<Integer, List<Row>> bySegment = new TreeMap<>();
        String dataset = null;
        long episode = -1;
        for (Row row : rows) {
            dataset = row.getString(0);
            episode = row.getLong(1);
            bySegment.computeIfAbsent(row.getInt(2), k -> new ArrayList<>()).add(row);
        }
        if (ref == null) {
            return failedPlan(
                    key,
                    dataset,
                    episode,
                    null,
                    Problem.error(
                            CoreErrorCode.EPISODE_ROWS_MISSING.name(),
                            "the episodes table has no ok row for this episode: run index again"));
        }
        try {
            String split = null;
            List<VqaSample> samples = new ArrayList<>();
            // The image tables hold every frame of an episode that has samples (its file in the features images
            // table is copied whole), so that is what a decode makes too; an episode without samples gets no images.
            TreeMap<Long, Double> every = new TreeMap<>();
            boolean anyShown = false;
            int spans = 0;
            for (Map.Entry<Integer, List<Row>> segment : bySegment.entrySet()) {
                List<Row> segmentRows = segment.getValue();
                segmentRows.sort(Comparator.comparingLong(row -> row.getLong(3)));
                List<CorpusFrame> frames = new ArrayList<>(segmentRows.size());
                for (Row row : segmentRows) {
                    frames.add(new CorpusFrame(
                            row.getLong(3),
                            row.getDouble(4),
                            row.getString(6),
                            row.getDouble(7),
                            row.getList(8),
                            row.getBoolean(9)));
                    every.put(row.getLong(3), row.getDouble(4));
                }
                EpisodeCorpus corpus = new EpisodeCorpus(
                        dataset, episode, segment.getKey(), segmentRows.get(0).getString(5), frames);
                split = split == null ? Splits.assign(dataset, episode, corpus.task(), config) : split;
                spans += subtaskRuns(frames);
                for (VqaSample sample : sampler.sample(corpus)) {
                    // every segment of an episode goes to the episode's split
                    VqaSample placed = sample.split().equals(split)
                            ? sample
                            : new VqaSample(
                                    sample.id(),
                                    sample.dataset(),
                                    sample.episodeIndex(),
                                    sample.segmentIndex(),
                                    split,
                                    sample.family(),
                                    sample.template(),
                                    sample.task(),
                                    sample.frames(),
                                    sample.question(),
                                    sample.answer(),
                                    sample.progress(),
                                    sample.anchorFrame());
                    samples.add(placed);
                    anyShown |= !placed.frames().isEmpty();
                }
            }
            TreeMap<Long, Double> stored = anyShown ? every : new TreeMap<>();
            long[] frames = new long[stored.size()];
            double[] timestamps = new double[stored.size()];
            int i = 0;
            for (Map.Entry<Long, Double> entry : stored.entrySet()) {
                frames[i] = entry.getKey();
                timestamps[i++] = entry.getValue();
            }
            VqaStats stats = VqaStats.ofEpisode(split, spans, samples);
            return new Planned(key, dataset, episode, split, samples, frames, timestamps, ref, stats, null);
        } catch (PipelineException e) {
            return failedPlan(
                    key, dataset, episode, ref, Problem.error(e.errorCode().name(), e.getMessage()));
        } catch (RuntimeException e) {
            return failedPlan(key, dataset, episode, ref, InternalFailures.problem("Unexpected failure sampling", e));
        }
    }

    private static Planned failedPlan(String key, String dataset, long episode, EpisodeRef ref, Problem problem) {
        return new Planned(key, dataset, episode, null, List.of(), new long[0], new double[0], ref, null, problem);
    }

    private static int subtaskRuns(List<CorpusFrame> frames) {
        int runs = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).inSubtask()
                    && (i == 0
                            || !frames.get(i).subtask().equals(frames.get(i - 1).subtask()))) {
                runs++;
            }
        }
        return runs;
    }

    private static Summary summarize(Planned plan) {
        Map<String, Long> perFamily = new TreeMap<>();
        for (VqaSample sample : plan.samples()) {
            perFamily.merge(sample.family().id(), 1L, Long::sum);
        }
        return new Summary(
                plan.key(),
                plan.dataset(),
                plan.episode(),
                plan.split(),
                perFamily,
                plan.frames().length,
                plan.stats(),
                plan.problem());
    }

    /**
     * Gives every good episode a shard number per folder ({@link FileBuckets}: whole episodes, about
     * {@code perFile} rows each), numbered globally so that each partition belongs to one folder.
     */
    private static void assignBuckets(
            List<Summary> summaries,
            java.util.function.ToLongFunction<Summary> rows,
            java.util.function.Function<Summary, String> folder,
            long perFile,
            Map<String, Integer> bucketOf,
            Map<Integer, String> folderOf,
            String... keySuffix) {
        Map<String, List<Summary>> byFolder = new TreeMap<>();
        for (Summary summary : summaries) {
            if (summary.problem() == null && rows.applyAsLong(summary) > 0) {
                byFolder.computeIfAbsent(folder.apply(summary), k -> new ArrayList<>())
                        .add(summary);
            }
        }
        for (Map.Entry<String, List<Summary>> entry : byFolder.entrySet()) {
            List<String> keys = entry.getValue().stream().map(Summary::key).toList();
            List<Long> counts = entry.getValue().stream().map(rows::applyAsLong).toList();
            FileBuckets.Assignment assignment = FileBuckets.assign(keys, counts, perFile);
            int offset = folderOf.size();
            for (int b = 0; b < assignment.files(); b++) {
                folderOf.put(offset + b, entry.getKey());
            }
            String suffix = keySuffix.length == 0 ? "" : "\u0000" + keySuffix[0];
            assignment.bucketOf().forEach((key, bucket) -> bucketOf.put(key + suffix, offset + bucket));
        }
    }

    /**
     * Each image shard's parts, in bucket order: the full-row files of its episodes that did not fail, in (dataset,
     * episode) order (from the features images table, or written by the decode under {@code decodedRoot}), then the
     * rows this stage wrote for it into {@code ownRows} (Spark's part number is the bucket).
     */
    private static List<ImageShards.Shard> imageShards(
            List<Summary> summaries,
            Map<String, Integer> bucketOf,
            Map<Integer, String> folderOf,
            Map<String, String> storedFiles,
            String decodedRoot,
            java.util.Set<String> failedKeys,
            Path ownRows) {
        Map<Integer, String> ownFiles = new HashMap<>();
        Map<String, String> fullFiles = new HashMap<>();
        try {
            FileSystem fileSystem = ownRows.getFileSystem(HadoopConf.get());
            // one listing, not a probe per episode (an object store answers each in tens of ms)
            java.util.Set<Path> decodedFiles = new java.util.HashSet<>();
            Path decodedFolder = FeatureImages.batchFile(decodedRoot, "d", 0).getParent();
            if (fileSystem.exists(decodedFolder)) {
                for (FileStatus status : fileSystem.listStatus(decodedFolder)) {
                    decodedFiles.add(Path.getPathWithoutSchemeAndAuthority(status.getPath()));
                }
            }
            for (Summary summary : summaries) {
                if (!bucketOf.containsKey(summary.key()) || failedKeys.contains(summary.key())) {
                    continue;
                }
                String stored = storedFiles.get(summary.key());
                Path decoded = FeatureImages.batchFile(decodedRoot, summary.dataset(), summary.episode());
                // decoded here when it had no usable stored file (a stored file that could not be read included)
                if (decodedFiles.contains(Path.getPathWithoutSchemeAndAuthority(decoded))) {
                    fullFiles.put(summary.key(), decoded.toString());
                } else if (stored != null) {
                    fullFiles.put(summary.key(), stored);
                }
            }
            if (fileSystem.exists(ownRows)) {
                for (FileStatus status : fileSystem.listStatus(ownRows)) {
                    java.util.regex.Matcher part =
                            PART_NUMBER.matcher(status.getPath().getName());
                    if (part.matches()) {
                        ownFiles.put(
                                Integer.parseInt(part.group(1)),
                                status.getPath().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot list " + ownRows + ": " + e.getMessage(), e);
        }
        Map<Integer, List<Summary>> episodesOf = new TreeMap<>();
        for (Summary summary : summaries) {
            Integer bucket = bucketOf.get(summary.key());
            if (bucket != null && fullFiles.containsKey(summary.key())) {
                episodesOf.computeIfAbsent(bucket, b -> new ArrayList<>()).add(summary);
            }
        }
        List<ImageShards.Shard> shards = new ArrayList<>();
        for (Map.Entry<Integer, String> entry : folderOf.entrySet()) {
            List<Summary> episodes = new ArrayList<>(episodesOf.getOrDefault(entry.getKey(), List.of()));
            episodes.sort(Comparator.comparing(Summary::dataset).thenComparingLong(Summary::episode));
            shards.add(new ImageShards.Shard(
                    entry.getKey(),
                    entry.getValue(),
                    episodes.stream().map(e -> fullFiles.get(e.key())).toList(),
                    ownFiles.get(entry.getKey())));
        }
        return shards;
    }

    private static void deleteFolder(Path folder) {
        try {
            folder.getFileSystem(HadoopConf.get()).delete(folder, true);
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot delete " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The image rows a partition's episodes need beside their files in the features images table, one episode at a
     * time, streaming. An episode with such a file ({@link ImageSources}) gives only its down-sized variant rows: its
     * {@code full} rows are that file, copied into the shard whole ({@link ImageShards}); the file is checked to hold
     * every frame the samples show. An episode without one is decoded, and its full rows are written to a file of its own
     * under {@code decodedRoot} by the features stage's writer ({@link ImageFileWriter}), which the shard copies the same
     * way: the shards' bytes do not depend on where the images came from. Once an episode's
     * stored size is known, the samples above {@code vqa.context.long-max} tokens are known ({@link Placement}): each
     * frame they show is also stored once at the down-sized variant.
     */
    private static Iterator<Row> images(
            Iterator<Planned> plans,
            VqaConfig config,
            double toleranceFrames,
            int threads,
            CollectionAccumulator<String> failures,
            ImageSources sources,
            String decodedRoot) {
        return new Iterator<>() {
            private Planned current;
            private ImageStream episode;
            private ImageFileWriter fullRows;
            private java.util.Set<Long> variantFrames;
            private FrameImages variantEncoder;
            private final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (pending.isEmpty()) {
                    if (episode == null) {
                        if (!plans.hasNext()) {
                            return false;
                        }
                        current = plans.next();
                        variantFrames = null;
                        try {
                            String stored = sources.storedFile(current);
                            int[] size = stored == null ? null : sources.check(stored, current);
                            if (size != null) {
                                variantFrames = variantFrames(current, size[0], size[1], config);
                                if (variantFrames.isEmpty()) {
                                    continue;
                                }
                                episode = FeatureImages.read(
                                        new Path(stored),
                                        current.key(),
                                        current.episode(),
                                        variantFrames.stream()
                                                .mapToLong(Long::longValue)
                                                .sorted()
                                                .toArray());
                            } else {
                                episode = sources.decode(current, config, toleranceFrames, threads);
                                fullRows = new ImageFileWriter(
                                        FeatureImages.batchFile(decodedRoot, current.dataset(), current.episode()),
                                        current.dataset(),
                                        current.episode());
                            }
                            TaskContext task = TaskContext.get();
                            ImageStream opened = episode;
                            ImageFileWriter openedFile = fullRows;
                            if (task != null) {
                                task.addTaskCompletionListener(
                                        (org.apache.spark.util.TaskCompletionListener) context -> {
                                            opened.close();
                                            if (openedFile != null) {
                                                openedFile.close();
                                            }
                                        });
                            }
                        } catch (PipelineException e) {
                            failures.add(current.key() + "\t" + e.errorCode().name() + "\t" + e.getMessage());
                            if (episode != null) {
                                episode.close();
                                episode = null;
                            }
                            continue;
                        }
                    }
                    try {
                        if (episode.hasNext()) {
                            EpisodeImages.Image image = episode.next();
                            int width = image.jpeg().width();
                            int height = image.jpeg().height();
                            if (variantFrames == null) {
                                variantFrames = variantFrames(current, width, height, config);
                            }
                            if (fullRows != null) {
                                fullRows.add(image.frameIndex(), image.jpeg());
                            }
                            if (variantFrames.contains(image.frameIndex())) {
                                pending.add(row(
                                        image.frameIndex(),
                                        Integer.toString(config.context().resizeSide()),
                                        downSize(image.jpeg(), width, height)));
                            }
                        } else {
                            episode.close();
                            episode = null;
                            if (fullRows != null) {
                                ImageFileWriter file = fullRows;
                                fullRows = null;
                                file.commit();
                            }
                        }
                    } catch (PipelineException e) {
                        failures.add(current.key() + "\t" + e.errorCode().name() + "\t" + e.getMessage());
                        if (episode != null) {
                            episode.close();
                            episode = null;
                        }
                        if (fullRows != null) {
                            fullRows.close();
                            fullRows = null;
                        }
                    }
                }
                return true;
            }

            private Row row(long frame, String variant, FrameImages.Jpeg jpeg) {
                return RowFactory.create(
                        current.dataset(),
                        current.episode(),
                        frame,
                        variant,
                        jpeg.width(),
                        jpeg.height(),
                        RowFactory.create(jpeg.bytes(), imagePath(current, frame, variant)));
            }

            private FrameImages.Jpeg downSize(FrameImages.Jpeg full, int width, int height) {
                if (variantEncoder == null) {
                    variantEncoder =
                            new FrameImages(config.context().resizeSide(), config.keepAspect(), config.jpegQuality());
                    FrameImages opened = variantEncoder;
                    TaskContext task = TaskContext.get();
                    if (task != null) {
                        task.addTaskCompletionListener(
                                (org.apache.spark.util.TaskCompletionListener) context -> opened.close());
                    }
                }
                try (BytePointer bytes = new BytePointer(full.bytes());
                        Mat encoded =
                                new Mat(1, full.bytes().length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, bytes);
                        Mat decoded = org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
                                encoded, org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR)) {
                    if (decoded.empty() || decoded.cols() != width || decoded.rows() != height) {
                        throw new PipelineException(
                                CoreErrorCode.IMAGE_UNDECODABLE,
                                "Cannot decode the stored JPEG of " + current.key() + " to down-size it: the file"
                                        + " in the features images table is damaged; run the features stage again");
                    }
                    return variantEncoder.encode(decoded);
                }
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.poll();
            }
        };
    }

    /**
     * Where each episode's images come from: its file in the features stage's images table when there is one (no
     * video is opened), else a colour decode of its video ({@link EpisodeImages}). Counts both.
     */
    record ImageSources(
            Broadcast<Map<String, String>> storedFileOf,
            org.apache.spark.util.LongAccumulator decoded,
            org.apache.spark.util.LongAccumulator stored,
            org.apache.spark.util.LongAccumulator unreadable)
            implements Serializable {
        /** The episode's file in the features images table, or null when it has none. */
        String storedFile(Planned plan) {
            return storedFileOf.value().get(plan.key());
        }

        /**
         * Checks that the episode's stored file holds every frame it needs and returns the stored size (counted as
         * stored), or null when the file cannot be read or lacks a frame: the episode is then decoded instead
         * ({@link #decode}), which loses nothing, and counted as unreadable.
         */
        int[] check(String file, Planned plan) {
            try {
                int[] size = FeatureImages.check(new Path(file), plan.key(), plan.episode(), plan.frames());
                stored.add(1);
                return size;
            } catch (PipelineException e) {
                LOG.warn(
                        "{}: its file in the features images table cannot be used ({}: {}); decoding its video"
                                + " instead",
                        plan.key(),
                        e.errorCode(),
                        e.getMessage());
                unreadable.add(1);
                return null;
            }
        }

        /** Decodes the episode's video again for the frames its samples show (counted). */
        ImageStream decode(Planned plan, VqaConfig config, double toleranceFrames, int threads) {
            decoded.add(1);
            return new EpisodeImages(
                    plan.ref(),
                    plan.frames(),
                    plan.timestamps(),
                    toleranceFrames,
                    threads,
                    config.imageMaxSide(),
                    config.keepAspect(),
                    config.jpegQuality());
        }
    }

    /**
     * The features stage's image file of each episode (key to path), when {@code <root>/images} holds JPEGs made with
     * this run's {@code vqa.image.*} settings; empty (and a log line saying the videos are decoded again) otherwise.
     */
    static Map<String, String> storedImages(String root, VqaConfig config) {
        String wanted =
                new ImageSettings(true, config.imageMaxSide(), config.keepAspect(), config.jpegQuality()).describe();
        java.util.Optional<FeatureImages.Index> index = FeatureImages.readIndex(new Path(root, FeatureImages.NAME));
        Map<String, String> files = new HashMap<>();
        if (index.isEmpty()) {
            LOG.info(
                    "vqa: no {}/ table from the features stage (features.images off or an older run): decoding the"
                            + " episodes' videos again for their images",
                    FeatureImages.NAME);
        } else if (!index.get().settings().equals(wanted)) {
            LOG.info(
                    "vqa: the features {}/ table was made with {}, this run asks {}: decoding the episodes' videos"
                            + " again for their images",
                    FeatureImages.NAME,
                    index.get().settings(),
                    wanted);
        } else {
            for (String key : index.get().fileOf().keySet()) {
                files.put(key, index.get().file(key).orElseThrow().toString());
            }
            LOG.info("vqa: images of {} episodes read from the features {}/ table", files.size(), FeatureImages.NAME);
        }
        return files;
    }

    /** The frames of an episode's samples that are stored again down-sized: those of samples above long-max. */
    static java.util.Set<Long> variantFrames(Planned plan, int width, int height, VqaConfig config) {
        java.util.Set<Long> frames = new java.util.HashSet<>();
        for (VqaSample sample : plan.samples()) {
            if (!Placement.FULL.equals(placement(sample, new int[] {width, height}, plan.ref(), config)
                    .variant())) {
                frames.addAll(sample.frames());
            }
        }
        return frames;
    }

    /**
     * The image's name in exports and Hugging Face Image structs: {@code <dataset>/<episode>/<frame>.jpg}, with a
     * {@code _320} suffix for the down-sized variant (as the reference names them).
     */
    static String imagePath(Planned plan, long frame, String variant) {
        return String.format(
                Locale.ROOT, "%s/%06d/%s", plan.dataset(), plan.episode(), Placement.fileName(frame, variant));
    }

    /** Where a sample goes: its tokens at its episode's image size, its image variant and context set. */
    static Placement placement(VqaSample sample, int[] size, EpisodeRef ref, VqaConfig config) {
        return Placement.of(sample, size[0], size[1], seconds(ref), config);
    }

    /** The duration of the episode's video, from its metadata. */
    static double seconds(EpisodeRef ref) {
        return ref.fps() > 0 ? ref.declaredLength() / ref.fps() : Double.POSITIVE_INFINITY;
    }

    static Row toRow(VqaSample sample, Placement placement) {
        return RowFactory.create(
                sample.id(),
                sample.dataset(),
                sample.episodeIndex(),
                sample.segmentIndex(),
                sample.split(),
                sample.family().id(),
                sample.template(),
                sample.task(),
                sample.frames().stream().mapToLong(Long::longValue).toArray(),
                sample.question(),
                sample.answer(),
                Double.isNaN(sample.progress()) ? null : sample.progress(),
                sample.anchorFrame(),
                placement.counts().total(),
                placement.counts().text(),
                placement.counts().image(),
                placement.variant(),
                placement.context(),
                placement.replay(),
                placement.dropReason());
    }

    /**
     * Writes a table whose partition numbers are global shard numbers into {@code staging/<scratch>}, then moves each
     * part file to its folder ({@code folderOf}), renumbered from 0 within the folder.
     */
    static void writeShards(
            Dataset<Row> table,
            Path staging,
            String scratch,
            Map<Integer, String> folderOf,
            Map<String, Long> bytesPerFolder) {
        Path scratchFolder = new Path(staging, scratch);
        TableCommitter.writeParts(table, scratchFolder);
        moveParts(scratchFolder, ".parquet", staging, folderOf, bytesPerFolder);
    }

    private static void moveParts(
            Path scratchFolder,
            String extension,
            Path staging,
            Map<Integer, String> folderOf,
            Map<String, Long> bytesPerFolder) {
        try {
            FileSystem fileSystem = staging.getFileSystem(HadoopConf.get());
            Map<Integer, Integer> localNumber = localNumbers(folderOf);
            if (fileSystem.exists(scratchFolder)) {
                for (FileStatus status : fileSystem.listStatus(scratchFolder)) {
                    String name = status.getPath().getName();
                    if (!name.startsWith("part-") || !name.endsWith(extension)) {
                        continue;
                    }
                    int partition = Integer.parseInt(name.substring(5, 10));
                    String folder = folderOf.get(partition);
                    if (folder == null && folderOf.isEmpty()) {
                        fileSystem.delete(status.getPath(), false); // the empty file Spark writes for no rows
                        continue;
                    }
                    if (folder == null) {
                        throw new IllegalStateException("No shard folder for partition " + partition);
                    }
                    String suffix = name.substring(10);
                    Path target = new Path(
                            new Path(staging, folder),
                            String.format(Locale.ROOT, "part-%05d%s", localNumber.get(partition), suffix));
                    fileSystem.mkdirs(target.getParent());
                    if (!fileSystem.rename(status.getPath(), target)) {
                        throw new IOException("rename " + status.getPath() + " to " + target + " failed");
                    }
                    bytesPerFolder.merge(folder, status.getLen(), Long::sum);
                }
                fileSystem.delete(scratchFolder, true);
            }
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot arrange ProcVQA shards: " + e.getMessage(), e);
        }
    }

    /** Global shard number -> number within its folder. */
    private static Map<Integer, Integer> localNumbers(Map<Integer, String> folderOf) {
        Map<Integer, Integer> local = new HashMap<>();
        Map<String, Integer> next = new HashMap<>();
        for (Map.Entry<Integer, String> entry : new TreeMap<>(folderOf).entrySet()) {
            int number = next.merge(entry.getValue(), 1, Integer::sum) - 1;
            local.put(entry.getKey(), number);
        }
        return local;
    }

    /** Writes every partition of {@code samples} as {@code part-NNNNN.arrow} beside its Parquet file. */
    private static void writeArrow(
            Dataset<Row> samples,
            StructType schema,
            Path staging,
            Map<Integer, String> folderOf,
            Map<String, Long> bytesPerFolder) {
        String scratch = new Path(staging, "_arrow").toString();
        samples.javaRDD().foreachPartition(rows -> {
            if (!rows.hasNext()) {
                return;
            }
            Path target =
                    new Path(scratch, String.format(Locale.ROOT, "part-%05d.arrow", TaskContext.getPartitionId()));
            FileSystem fileSystem = target.getFileSystem(HadoopConf.get());
            try (FSDataOutputStream out = fileSystem.create(target, true)) {
                ArrowShards.write(schema, rows, out);
            }
        });
        Map<Integer, String> arrowFolderOf = new TreeMap<>();
        folderOf.forEach((partition, folder) -> arrowFolderOf.put(partition, ARROW + "/" + folder));
        moveParts(new Path(scratch), ".arrow", staging, arrowFolderOf, bytesPerFolder);
    }

    /**
     * Embeds each sample's images: the images tables just written are joined on (dataset, episode, frame) and
     * gathered back in frame order; rows are then sent back to their shard.
     */
    private static Dataset<Row> materialize(
            SparkSession spark,
            Dataset<Row> samples,
            Path staging,
            Map<Integer, String> imageFolder,
            int shards,
            Map<String, Integer> sampleBucket) {
        List<String> folders = new ArrayList<>(new TreeSet<>(imageFolder.values()));
        Dataset<Row> images = null;
        for (String folder : folders) {
            Dataset<Row> part = spark.read().parquet(new Path(staging, folder).toString());
            images = images == null ? part : images.unionByName(part);
        }
        if (images == null) {
            return samples.withColumn(IMAGES_COLUMN.name(), functions.array().cast(IMAGES_COLUMN.dataType()));
        }
        Dataset<Row> exploded = samples.select(
                functions.col("id"),
                functions.col("dataset"),
                functions.col("episode_index"),
                functions.col("image_variant").as("variant"),
                functions.posexplode(functions.col("frame_indices")).as(new String[] {"position", "frame_index"}));
        Dataset<Row> gathered = exploded.join(
                        images.select("dataset", "episode_index", "frame_index", "variant", "image"),
                        scala.jdk.javaapi.CollectionConverters.asScala(
                                        List.of("dataset", "episode_index", "frame_index", "variant"))
                                .toSeq())
                .groupBy("id")
                .agg(functions
                        .sort_array(functions.collect_list(
                                functions.struct(functions.col("position"), functions.col("image"))))
                        .as("ordered"))
                .select(
                        functions.col("id"),
                        functions
                                .transform(functions.col("ordered"), entry -> entry.getField("image"))
                                .as(IMAGES_COLUMN.name()));
        Dataset<Row> joined = samples.join(gathered, "id");
        StructType schema = SAMPLE_SCHEMA.add(IMAGES_COLUMN);
        Dataset<Row> ordered = joined.select(java.util.Arrays.stream(schema.fieldNames())
                .map(functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
        JavaRDD<Row> rebucketed = ordered.javaRDD()
                .mapToPair(row -> new Tuple2<>(
                        sampleBucket.get(row.getString(1) + "/" + row.getLong(2) + "\u0000" + row.getString(5)), row))
                .partitionBy(new ExactPartitioner(Math.max(1, shards)))
                .values();
        return spark.createDataFrame(rebucketed, schema);
    }

    /** Rewrites the images of the splits that hold failed episodes without them. */
    private static void dropImagesOf(
            SparkSession spark,
            Path staging,
            Map<Integer, String> imageFolder,
            java.util.Set<String> failedKeys,
            Map<String, Long> imageBytes) {
        try {
            FileSystem fileSystem = staging.getFileSystem(HadoopConf.get());
            for (String folder : new TreeSet<>(imageFolder.values())) {
                Path path = new Path(staging, folder);
                if (!fileSystem.exists(path)) {
                    continue;
                }
                List<String> keys = new ArrayList<>(failedKeys);
                Dataset<Row> kept = spark.read()
                        .parquet(path.toString())
                        .filter(functions.not(functions
                                .concat_ws("/", functions.col("dataset"), functions.col("episode_index"))
                                .isin(keys.toArray())));
                Path rewritten = new Path(staging, "_rewrite");
                TableCommitter.writeParts(kept.coalesce(Math.max(1, fileSystem.listStatus(path).length)), rewritten);
                fileSystem.delete(path, true);
                fileSystem.rename(rewritten, path);
                long bytes = 0;
                for (FileStatus status : fileSystem.listStatus(path)) {
                    bytes += status.getLen();
                }
                imageBytes.put(folder, bytes);
            }
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot rewrite image shards: " + e.getMessage(), e);
        }
    }

    /** The stored (full) image size of each episode, {width, height}: one video, one size. */
    private static Map<String, int[]> imageSizes(SparkSession spark, Path staging, Map<Integer, String> imageFolder) {
        Map<String, int[]> sizes = new HashMap<>();
        Dataset<Row> images = imagesBySplit(spark, staging, imageFolder);
        if (images == null) {
            return sizes;
        }
        // an episode's images are in one split's folder only: one query over all of them
        for (Row row : images.filter(functions.col("variant").equalTo(Placement.FULL))
                .groupBy("dataset", "episode_index")
                .agg(functions.max("width"), functions.max("height"))
                .collectAsList()) {
            sizes.put(row.getString(0) + "/" + row.getLong(1), new int[] {row.getInt(2), row.getInt(3)});
        }
        return sizes;
    }

    /**
     * The written image tables of every split as one Dataset (read back with their schema) with a {@code split}
     * column, or null when none was written.
     */
    private static Dataset<Row> imagesBySplit(SparkSession spark, Path staging, Map<Integer, String> imageFolder) {
        Dataset<Row> all = null;
        for (String folder : new TreeSet<>(imageFolder.values())) {
            if (!exists(staging, folder)) {
                continue;
            }
            Dataset<Row> part = readBack(spark, IMAGE_SCHEMA, new Path(staging, folder))
                    .withColumn("split", functions.lit(folder.substring(0, folder.indexOf('/'))));
            all = all == null ? part : all.unionByName(part);
        }
        return all;
    }

    private static boolean exists(Path staging, String folder) {
        try {
            return staging.getFileSystem(HadoopConf.get()).exists(new Path(staging, folder));
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * A table this stage has just written, read back for counts and checks with the schema it was written with (its
     * columns, or a subset of them): no Spark job to infer the schema from the files' footers, of which a run made one
     * per split, family and image folder.
     */
    static Dataset<Row> readBack(SparkSession spark, StructType schema, Path folder) {
        return spark.read().schema(schema).parquet(folder.toString());
    }

    /**
     * The tables in {@code folders} under {@code staging}, which share {@code schema}, as one scan (one relation
     * instead of a union of one per folder: a smaller plan to analyse and compile), or null when there are none.
     */
    static Dataset<Row> readBack(
            SparkSession spark, StructType schema, Path staging, java.util.Collection<String> folders) {
        String[] paths = new TreeSet<>(folders)
                .stream().map(folder -> new Path(staging, folder).toString()).toArray(String[]::new);
        return paths.length == 0 ? null : spark.read().schema(schema).parquet(paths);
    }

    /** Episodes (dataset + episode) that appear in more than one split of the written sample tables. */
    private static long leakage(SparkSession spark, Path staging, Map<Integer, String> sampleFolder) {
        Dataset<Row> all = readBack(spark, SAMPLE_SCHEMA, staging, sampleFolder.values());
        if (all == null) {
            return 0;
        }
        return all.select("dataset", "episode_index", "split")
                .distinct()
                .groupBy("dataset", "episode_index")
                .count()
                .filter("count > 1")
                .count();
    }

    private static void writeText(Path folder, String name, String text) {
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            fileSystem.mkdirs(folder);
            try (FSDataOutputStream out = fileSystem.create(new Path(folder, name), true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot write " + name + ": " + e.getMessage(), e);
        }
    }
}
