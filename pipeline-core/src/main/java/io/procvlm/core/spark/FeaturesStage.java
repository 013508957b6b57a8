package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code features} stage: decodes every good episode's exo camera (one Spark task per episode reference; the
 * task opens the files itself, nothing but references and results cross the network) and writes the {@code frames/}
 * table. Output files hold whole episodes, in (dataset, episode, frame) order, so re-runs are byte-identical.
 */
public final class FeaturesStage {
    public static final String NAME = "features";
    private static final String BUCKET = "_bucket";

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
        requireNonNull(spark, "spark is null");
        long started = System.currentTimeMillis();
        List<EpisodeRef> refs = new ArrayList<>(episodes);
        refs.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        EpisodeFeatureExtractor extractor = new EpisodeFeatureExtractor(inspection, features);
        JavaRDD<EpisodeFeatures> results = context.parallelize(refs, Math.max(1, refs.size()))
                .map(extractor::extract)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            List<Summary> summaries = refs.isEmpty()
                    ? List.of()
                    : results.map(FeaturesStage::summarize).collect();
            // Whole episodes per output file, about rowsPerFile rows each, in episode order.
            Map<String, Integer> buckets = new HashMap<>();
            int bucket = 0;
            long rowsInBucket = 0;
            long totalFrames = 0;
            long decoded = 0;
            long decodeNanos = 0;
            for (Summary summary : summaries) {
                long frames = summary.outcome().frames();
                if (rowsInBucket > 0 && rowsInBucket + frames > rowsPerFile) {
                    bucket++;
                    rowsInBucket = 0;
                }
                buckets.put(summary.outcome().key(), bucket);
                rowsInBucket += frames;
                totalFrames += frames;
                decoded += summary.stats().decodedFrames();
                decodeNanos += summary.stats().decodeNanos();
            }
            int files = bucket + 1;
            Broadcast<Map<String, Integer>> bucketOf = context.broadcast(buckets);
            boolean phash = features.phash();
            JavaRDD<Row> rows = results.flatMap(result -> {
                int target = bucketOf.value().getOrDefault(result.ref().key(), 0);
                return FramesTable.rows(result, phash, target).iterator();
            });
            StructType schema = FramesTable.SCHEMA.add(BUCKET, DataTypes.IntegerType, false);
            Dataset<Row> table = spark.createDataFrame(rows, schema)
                    .repartition(files, col(BUCKET))
                    .sortWithinPartitions(col("dataset"), col("episode_index"), col("frame_index"))
                    .drop(BUCKET);
            TableInfo output = TableCommitter.commit(table, outputRoot, FramesTable.NAME, totalFrames);
            List<EpisodeOutcome> outcomes = new ArrayList<>();
            summaries.forEach(summary -> outcomes.add(summary.outcome()));
            Map<String, Number> counters = new TreeMap<>();
            counters.put("episodes", summaries.size());
            counters.put("frames", totalFrames);
            counters.put("decoded-frames", decoded);
            counters.put("decode-seconds", decodeNanos / 1e9);
            counters.put("frames-per-second-per-task", decodeNanos == 0 ? 0 : decoded / (decodeNanos / 1e9));
            long duration = System.currentTimeMillis() - started;
            return new StageReport(NAME, outcomes, output, started, duration, counters);
        } finally {
            results.unpersist(false);
        }
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
