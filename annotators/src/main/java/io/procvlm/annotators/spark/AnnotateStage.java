package io.procvlm.annotators.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotationResult;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.InternalFailures;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.spark.FramesTable;
import io.procvlm.core.spark.SegmentsTable;
import io.procvlm.core.spark.TableCommitter;
import java.io.Serializable;
import java.util.ArrayList;
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
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code annotate} stage: runs the configured {@link SubtaskAnnotator} on every episode with frames (one task per
 * episode group of {@code frames/}) and writes the {@code segments/} table. An episode the annotator cannot handle is
 * quarantined with the annotator's error code; the others go on.
 */
public final class AnnotateStage {
    public static final String NAME = "annotate";

    private AnnotateStage() {}

    /** One episode's result: an annotation per task segment, or why there is none. */
    record Annotated(
            String key,
            String dataset,
            long episode,
            String annotator,
            List<SegmentAnnotation> annotations,
            Problem problem,
            Map<String, Long> usage,
            int segments)
            implements Serializable {}

    public static StageReport run(
            SparkSession spark, List<EpisodeRef> episodes, SubtaskAnnotator annotator, String outputRoot) {
        return run(spark, episodes, annotator, outputRoot, outputRoot);
    }

    /**
     * Annotates {@code episodes} from the frames table under {@code inputRoot} and writes their segments under {@code
     * outputRoot} (a batch folder when the run is resumable).
     */
    public static StageReport run(
            SparkSession spark,
            List<EpisodeRef> episodes,
            SubtaskAnnotator annotator,
            String inputRoot,
            String outputRoot) {
        requireNonNull(annotator, "annotator is null");
        long started = System.currentTimeMillis();
        Map<String, EpisodeRef> refs = new HashMap<>();
        for (EpisodeRef ref : episodes) {
            refs.put(ref.key(), ref);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Map<String, EpisodeRef>> refOf = context.broadcast(refs);
        int parallelism = annotator.parallelism();
        JavaRDD<Annotated> results = FramesTable.byEpisode(spark, inputRoot, refs.keySet())
                .filter(pair -> refOf.value().containsKey(pair._1()))
                .mapPartitions(pairs -> annotateAll(pairs, refOf.value(), annotator, parallelism))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Annotated> collected = new ArrayList<>(
                    results.map(AnnotateStage::withoutAnnotation).collect());
            Map<String, Annotated> byKey = new TreeMap<>();
            collected.forEach(result -> byKey.put(result.key(), result));
            List<EpisodeOutcome> outcomes = new ArrayList<>();
            Map<String, Number> counters = new TreeMap<>();
            long annotated = 0;
            long segmentRows = 0;
            for (EpisodeRef ref : episodes) {
                Annotated result = byKey.get(ref.key());
                if (result == null) {
                    outcomes.add(quarantined(
                            ref.dataset().value(),
                            ref.episodeIndex(),
                            Problem.error(
                                    CoreErrorCode.EPISODE_ROWS_MISSING.name(),
                                    "the frames table has no row for this episode")));
                } else if (result.problem() != null) {
                    outcomes.add(quarantined(result.dataset(), result.episode(), result.problem()));
                } else {
                    annotated++;
                    segmentRows += result.segments();
                    outcomes.add(new EpisodeOutcome(
                            result.dataset(), result.episode(), NAME, EpisodeStatus.OK, null, List.of(), 0));
                }
            }
            outcomes.sort(java.util.Comparator.comparing(EpisodeOutcome::dataset)
                    .thenComparingLong(EpisodeOutcome::episodeIndex));
            JavaRDD<Row> rows = results.filter(result -> result.annotations() != null)
                    .flatMap(result -> result.annotations().stream()
                            .map(SegmentsTable::toRow)
                            .iterator());
            TableInfo output = commit(spark.createDataFrame(rows, SegmentsTable.SCHEMA), outputRoot, segmentRows);
            counters.put("episodes", episodes.size());
            counters.put("segments", segmentRows);
            for (Annotated result : collected) {
                if (result.problem() == null) {
                    counters.merge("annotator-" + result.annotator(), 1L, (a, b) -> a.longValue() + b.longValue());
                }
                result.usage()
                        .forEach((name, value) -> counters.merge(name, value, (a, b) -> a.longValue() + b.longValue()));
            }
            return new StageReport(NAME, outcomes, output, started, System.currentTimeMillis() - started, counters);
        } finally {
            results.unpersist(false);
        }
    }

    /** Commits segment rows as the {@code segments/} table: one file, in (dataset, episode, segment) order. */
    public static TableInfo commit(Dataset<Row> rows, String outputRoot, long count) {
        return TableCommitter.commit(
                rows.repartition(1).sortWithinPartitions("dataset", "episode_index", "segment_index"),
                outputRoot,
                SegmentsTable.NAME,
                count);
    }

    /**
     * Annotates a partition's episodes, {@code parallelism} at a time (annotators that wait on a remote service), in
     * the partition's order.
     */
    static java.util.Iterator<Annotated> annotateAll(
            java.util.Iterator<scala.Tuple2<String, EpisodeFrames>> pairs,
            Map<String, EpisodeRef> refs,
            SubtaskAnnotator annotator,
            int parallelism) {
        if (parallelism <= 1) {
            List<Annotated> out = new ArrayList<>();
            pairs.forEachRemaining(pair -> out.add(annotate(refs.get(pair._1()), pair._2(), annotator)));
            return out.iterator();
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism);
        try {
            List<java.util.concurrent.Future<Annotated>> futures = new ArrayList<>();
            pairs.forEachRemaining(pair ->
                    futures.add(pool.submit(() -> annotate(refs.get(pair._1()), pair._2(), annotator))));
            List<Annotated> out = new ArrayList<>(futures.size());
            for (java.util.concurrent.Future<Annotated> future : futures) {
                try {
                    out.add(future.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while annotating", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("Annotation failed unexpectedly", e.getCause());
                }
            }
            return out.iterator();
        } finally {
            pool.shutdownNow();
        }
    }

    static Annotated annotate(EpisodeRef ref, EpisodeFrames frames, SubtaskAnnotator annotator) {
        List<SegmentAnnotation> annotations = new ArrayList<>();
        Map<String, Long> usage = new TreeMap<>();
        String annotatorId = annotator.id();
        for (AnnotationInput input : AnnotationInput.segments(ref, frames)) {
            try {
                AnnotationResult result = annotator.annotateWithUsage(input);
                annotations.add(result.annotation());
                annotatorId = result.annotation().annotator();
                result.usage().forEach((name, value) -> usage.merge(name, value, Long::sum));
            } catch (PipelineException e) {
                return failed(ref, annotator, Problem.error(e.errorCode().name(), where(ref, input) + e.getMessage()));
            } catch (RuntimeException e) {
                return failed(
                        ref,
                        annotator,
                        InternalFailures.problem(where(ref, input) + "Unexpected failure annotating", e));
            }
        }
        return new Annotated(
                ref.key(),
                ref.dataset().value(),
                ref.episodeIndex(),
                annotatorId,
                List.copyOf(annotations),
                null,
                Map.copyOf(usage),
                annotations.size());
    }

    /** Names the task segment in a problem of an episode that has several (nothing otherwise: messages unchanged). */
    private static String where(EpisodeRef ref, AnnotationInput input) {
        return ref.hasTaskSegments()
                ? "task segment " + input.segmentIndex() + " [" + input.segmentStart() + ", " + input.segmentEnd()
                        + "): "
                : "";
    }

    private static Annotated failed(EpisodeRef ref, SubtaskAnnotator annotator, Problem problem) {
        return new Annotated(
                ref.key(), ref.dataset().value(), ref.episodeIndex(), annotator.id(), null, problem, Map.of(), 0);
    }

    /**
     * The result without its annotations, which stay on the executors (only keys, segment counts and problems go to
     * the driver).
     */
    private static Annotated withoutAnnotation(Annotated result) {
        return result.annotations() == null
                ? result
                : new Annotated(
                        result.key(),
                        result.dataset(),
                        result.episode(),
                        result.annotator(),
                        null,
                        null,
                        result.usage(),
                        result.annotations().size());
    }

    private static EpisodeOutcome quarantined(String dataset, long episode, Problem problem) {
        return new EpisodeOutcome(dataset, episode, NAME, EpisodeStatus.QUARANTINED, problem, List.of(), 0);
    }
}
