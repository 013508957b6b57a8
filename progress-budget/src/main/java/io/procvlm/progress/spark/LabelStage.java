package io.procvlm.progress.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.Versions;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.InternalFailures;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.ledger.CommitGate;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.spark.CorpusTable;
import io.procvlm.core.spark.FileBuckets;
import io.procvlm.core.spark.FramesTable;
import io.procvlm.core.spark.SegmentsTable;
import io.procvlm.core.spark.TableCommitter;
import io.procvlm.progress.FrameLabeler;
import io.procvlm.progress.FrameSignals;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.progress.ProgressMode;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code label} stage: joins every episode's frames with its annotated segments and writes ProcCorpus
 * ({@code corpus/}): per frame the active subtask, progress, remaining actions and done flag ({@link FrameLabeler}),
 * with lineage.
 */
public final class LabelStage {
    public static final String NAME = "label";

    private LabelStage() {}

    /** One episode's corpus rows, or why there are none. */
    record Labelled(String key, String dataset, long episode, List<Row> rows, Problem problem)
            implements Serializable {}

    /** What the driver needs of an episode's result: its row count or its problem. */
    record Summary(String key, String dataset, long episode, long rows, Problem problem) implements Serializable {}

    public static StageReport run(SparkSession spark, String outputRoot, ProgressConfig config, long rowsPerFile) {
        return run(spark, outputRoot, config, rowsPerFile, CommitGate.open(NAME, CorpusTable.NAME));
    }

    /**
     * Labels every episode and commits {@code corpus/} unless {@code gate} holds the commit back (then the committed
     * table stays as it is and the gate's {@link CommitGate.Rejected} is thrown).
     */
    public static StageReport run(
            SparkSession spark, String outputRoot, ProgressConfig config, long rowsPerFile, CommitGate gate) {
        requireNonNull(config, "config is null");
        requireNonNull(gate, "gate is null");
        long started = System.currentTimeMillis();
        String fingerprint = Fingerprints.ofParts(NAME, Versions.pipeline(), config.toString());
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Each episode's segments meet its frames partition by partition: nothing per episode on the driver.
        JavaRDD<Labelled> results = FramesTable.joined(
                        spark,
                        outputRoot,
                        spark.read().schema(SegmentsTable.SCHEMA).parquet(outputRoot + "/" + SegmentsTable.NAME),
                        "segment_index")
                .filter(joined -> !joined.side().isEmpty())
                .map(joined -> {
                    if (joined.frames() == null) {
                        return new Labelled(
                                joined.key(),
                                joined.dataset(),
                                joined.episode(),
                                null,
                                Problem.error(
                                        CoreErrorCode.EPISODE_ROWS_MISSING.name(),
                                        "the frames table has no row for this episode"));
                    }
                    List<SegmentAnnotation> segments =
                            new ArrayList<>(joined.side().size());
                    joined.side().forEach(row -> segments.add(SegmentsTable.fromRow(row)));
                    return label(joined.key(), segments, joined.frames(), config, fingerprint);
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Summary> summaries = results.map(result -> new Summary(
                            result.key(),
                            result.dataset(),
                            result.episode(),
                            result.rows() == null ? 0 : result.rows().size(),
                            result.problem()))
                    .collect();
            Map<String, Summary> byKey = new TreeMap<>();
            summaries.forEach(summary -> byKey.put(summary.key(), summary));
            List<EpisodeOutcome> outcomes = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            long total = 0;
            long done = 0;
            for (Map.Entry<String, Summary> entry : byKey.entrySet()) {
                Summary summary = entry.getValue();
                long rows = summary.rows();
                if (summary.problem() != null) {
                    outcomes.add(new EpisodeOutcome(
                            summary.dataset(),
                            summary.episode(),
                            NAME,
                            EpisodeStatus.QUARANTINED,
                            summary.problem(),
                            List.of(),
                            0));
                } else {
                    outcomes.add(new EpisodeOutcome(
                            summary.dataset(), summary.episode(), NAME, EpisodeStatus.OK, null, List.of(), rows));
                    keys.add(entry.getKey());
                    counts.add(rows);
                    total += rows;
                }
            }
            outcomes.sort(
                    Comparator.comparing(EpisodeOutcome::dataset).thenComparingLong(EpisodeOutcome::episodeIndex));
            gate.beforeCommit(outcomes);
            FileBuckets.Assignment assignment = FileBuckets.assign(keys, counts, rowsPerFile);
            Broadcast<Map<String, Integer>> bucketOf = context.broadcast(assignment.bucketOf());
            JavaRDD<Row> rows = results.filter(result -> result.problem() == null)
                    .flatMap(result -> {
                        int target = bucketOf.value().getOrDefault(result.key(), 0);
                        List<Row> withBucket = new ArrayList<>(result.rows().size());
                        for (Row row : result.rows()) {
                            Object[] values = new Object[row.size() + 1];
                            for (int i = 0; i < row.size(); i++) {
                                values[i] = row.get(i);
                            }
                            values[row.size()] = target;
                            withBucket.add(org.apache.spark.sql.RowFactory.create(values));
                        }
                        return withBucket.iterator();
                    });
            TableInfo output = TableCommitter.commitBucketed(
                    spark,
                    rows,
                    CorpusTable.SCHEMA,
                    assignment.files(),
                    List.of("dataset", "episode_index", "frame_index"),
                    outputRoot,
                    CorpusTable.NAME,
                    total);
            Map<String, Number> counters = new TreeMap<>();
            counters.put("episodes", byKey.size());
            counters.put("frames", total);
            return new StageReport(NAME, outcomes, output, started, System.currentTimeMillis() - started, counters);
        } finally {
            results.unpersist(false);
        }
    }

    static Labelled label(
            String key,
            List<SegmentAnnotation> segments,
            EpisodeFrames frames,
            ProgressConfig config,
            String fingerprint) {
        SegmentAnnotation first = segments.get(0);
        try {
            if (config.mode() == ProgressMode.REFERENCE && frames.phash() == null) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        "progress.mode=reference needs the perceptual hash of every frame: run features with"
                                + " features.phash=on (or auto)");
            }
            FrameSignals signals =
                    new FrameSignals(frames.frameIndex(), frames.flow(), frames.frameDiff(), frames.phash());
            Map<Long, Double> timestamps = new HashMap<>();
            for (int i = 0; i < frames.size(); i++) {
                timestamps.put(frames.frameIndex()[i], frames.timestamp()[i]);
            }
            List<Row> rows = new ArrayList<>();
            for (SegmentAnnotation segment : segments) {
                for (ProgressLabel label : FrameLabeler.label(segment, signals, config)) {
                    rows.add(CorpusTable.toRow(
                            segment,
                            label,
                            timestamps.get(label.frameIndex()),
                            config.mode().id(),
                            fingerprint));
                }
            }
            return new Labelled(key, first.dataset().value(), first.episodeIndex(), rows, null);
        } catch (PipelineException e) {
            return new Labelled(
                    key,
                    first.dataset().value(),
                    first.episodeIndex(),
                    null,
                    Problem.error(e.errorCode().name(), e.getMessage()));
        } catch (RuntimeException e) {
            return new Labelled(
                    key,
                    first.dataset().value(),
                    first.episodeIndex(),
                    null,
                    InternalFailures.problem("Unexpected failure labelling", e));
        }
    }
}
