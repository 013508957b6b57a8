package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.images.ImageSettings;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code features} stage: decodes every good episode's exo camera (one Spark task per episode reference; the
 * task opens the files itself, nothing but references and results cross the network) and writes the {@code frames/}
 * table. Output files hold whole episodes, in (dataset, episode, frame) order, so re-runs are byte-identical.
 */
public final class FeaturesStage {
    public static final String NAME = "features";

    private FeaturesStage() {}

    /** Per-episode summary sent back to the driver (frames stay on the executors). */
    record Summary(EpisodeOutcome outcome, EpisodeFeatures.Stats stats) implements Serializable {}

    public static StageReport run(
            SparkSession spark,
            List<EpisodeRef> episodes,
            InspectionConfig inspection,
            FeaturesConfig features,
            String outputRoot,
            long rowsPerFile) {
        return run(spark, episodes, inspection, features, ImageSettings.off(), outputRoot, rowsPerFile);
    }

    /**
     * As above; with {@code images} enabled each ok episode's frame images are also written, from the same decode, to
     * {@link FeatureImages#batchFile} under {@code outputRoot} (one file per episode; {@code PipelineRunner} assembles
     * them into the {@code images/} table with {@link FeatureImagesTable}).
     */
    public static StageReport run(
            SparkSession spark,
            List<EpisodeRef> episodes,
            InspectionConfig inspection,
            FeaturesConfig features,
            ImageSettings images,
            String outputRoot,
            long rowsPerFile) {
        requireNonNull(spark, "spark is null");
        long started = System.currentTimeMillis();
        List<EpisodeRef> refs = new ArrayList<>(episodes);
        refs.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        EpisodeFeatureExtractor extractor = new EpisodeFeatureExtractor(
                inspection, features, images, io.procvlm.core.io.Locations.absolute(outputRoot));
        // Episodes packed into tasks by estimated decode cost (WorkPlan): about four tasks per core.
        io.procvlm.core.plan.WorkPlan plan =
                io.procvlm.core.plan.WorkPlan.pack(refs, Math.max(1, 4 * context.defaultParallelism()));
        List<List<EpisodeRef>> tasks = plan.tasks();
        JavaRDD<EpisodeFeatures> results = context.parallelize(tasks, Math.max(1, tasks.size()))
                .flatMap(task -> task.stream().map(extractor::extract).iterator())
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            List<Summary> summaries = refs.isEmpty()
                    ? new ArrayList<>()
                    : new ArrayList<>(results.map(FeaturesStage::summarize).collect());
            summaries.sort(
                    Comparator.comparing((Summary summary) -> summary.outcome().dataset())
                            .thenComparingLong(summary -> summary.outcome().episodeIndex()));
            // Whole episodes per output file, about rowsPerFile rows each, in episode order.
            List<String> keys = new ArrayList<>();
            List<Long> rowCounts = new ArrayList<>();
            long totalFrames = 0;
            long decoded = 0;
            long decodeNanos = 0;
            long imageCount = 0;
            long imageBytes = 0;
            long imageNanos = 0;
            for (Summary summary : summaries) {
                imageCount += summary.stats().images();
                imageBytes += summary.stats().imageBytes();
                imageNanos += summary.stats().imageNanos();
                keys.add(summary.outcome().key());
                rowCounts.add(summary.outcome().frames());
                totalFrames += summary.outcome().frames();
                decoded += summary.stats().decodedFrames();
                decodeNanos += summary.stats().decodeNanos();
            }
            FileBuckets.Assignment assignment = FileBuckets.assign(keys, rowCounts, rowsPerFile);
            int files = assignment.files();
            Map<String, Integer> buckets = assignment.bucketOf();
            Broadcast<Map<String, Integer>> bucketOf = context.broadcast(buckets);
            boolean phash = features.phash();
            JavaRDD<Row> rows = results.flatMap(result -> {
                int target = bucketOf.value().getOrDefault(result.ref().key(), 0);
                return FramesTable.rows(result, phash, target).iterator();
            });
            TableInfo output = TableCommitter.commitBucketed(
                    spark,
                    rows,
                    FramesTable.SCHEMA,
                    files,
                    List.of("dataset", "episode_index", "frame_index"),
                    outputRoot,
                    FramesTable.NAME,
                    totalFrames);
            List<EpisodeOutcome> outcomes = new ArrayList<>();
            summaries.forEach(summary -> outcomes.add(summary.outcome()));
            Map<String, Number> counters = new TreeMap<>();
            counters.put("episodes", summaries.size());
            counters.put("tasks", tasks.size());
            counters.put("frames", totalFrames);
            counters.put("decoded-frames", decoded);
            counters.put("decode-seconds", decodeNanos / 1e9);
            counters.put("frames-per-second-per-task", decodeNanos == 0 ? 0 : decoded / (decodeNanos / 1e9));
            if (images.enabled()) {
                counters.put("images", imageCount);
                counters.put("image-bytes", imageBytes);
                counters.put("image-encode-seconds", imageNanos / 1e9);
            }
            long duration = System.currentTimeMillis() - started;
            return new StageReport(NAME, outcomes, output, started, duration, counters);
        } finally {
            results.unpersist(false);
        }
    }

    /**
     * Commits frame rows as the {@code frames/} table exactly as {@link #run} lays it out: whole episodes per file of
     * about {@code rowsPerFile} rows, in (dataset, episode, frame) order.
     *
     * @param outcomes the ok episodes whose rows {@code rows} holds, with their frame counts
     */
    public static TableInfo commit(
            SparkSession spark, Dataset<Row> rows, List<EpisodeOutcome> outcomes, String outputRoot, long rowsPerFile) {
        List<EpisodeOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing(EpisodeOutcome::dataset).thenComparingLong(EpisodeOutcome::episodeIndex));
        List<String> keys = new ArrayList<>();
        List<Long> rowCounts = new ArrayList<>();
        long total = 0;
        for (EpisodeOutcome outcome : sorted) {
            keys.add(outcome.key());
            rowCounts.add(outcome.frames());
            total += outcome.frames();
        }
        FileBuckets.Assignment assignment = FileBuckets.assign(keys, rowCounts, rowsPerFile);
        Map<String, Integer> bucketOf = assignment.bucketOf();
        JavaRDD<Row> withBucket = rows.select(
                        FramesTable.SCHEMA.fieldNames()[0],
                        java.util.Arrays.copyOfRange(
                                FramesTable.SCHEMA.fieldNames(), 1, FramesTable.SCHEMA.fieldNames().length))
                .javaRDD()
                .map(row -> {
                    Object[] values = new Object[row.length() + 1];
                    for (int i = 0; i < row.length(); i++) {
                        values[i] = row.get(i);
                    }
                    values[row.length()] = bucketOf.getOrDefault(row.getString(0) + "/" + row.getLong(1), 0);
                    return org.apache.spark.sql.RowFactory.create(values);
                });
        return TableCommitter.commitBucketed(
                spark,
                withBucket,
                FramesTable.SCHEMA,
                assignment.files(),
                List.of("dataset", "episode_index", "frame_index"),
                outputRoot,
                FramesTable.NAME,
                total);
    }

    private static Summary summarize(EpisodeFeatures result) {
        EpisodeOutcome outcome = new EpisodeOutcome(
                result.ref().dataset().value(),
                result.ref().episodeIndex(),
                NAME,
                result.status(),
                result.reason().orElse(null),
                result.problems().stream().filter(problem -> !problem.isError()).toList(),
                result.status() == EpisodeStatus.OK ? result.frames().size() : 0);
        return new Summary(outcome, result.stats());
    }
}
