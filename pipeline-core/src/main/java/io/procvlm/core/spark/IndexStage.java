package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.episode.InspectionReuse;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code index} stage: checks every declared episode (tasks read only metadata, parquet rows and video headers)
 * and writes the {@code episodes/} table, one row per episode with its status and reason.
 *
 * <p>Episodes, sorted by dataset and episode, are cut into about {@link #TASKS_PER_CORE} contiguous runs per core, one
 * Spark task each (not one task per episode: a task costs more to schedule than an inspection). With {@link Reuse}
 * the stage keeps each inspection under {@code <out>/_index/inspections/} with its reuse key ({@link
 * InspectionReuse}); the next run takes an episode's kept inspection when its key is unchanged, after two {@code
 * stat} calls and without reading its files.
 */
public final class IndexStage {
    public static final String NAME = "index";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndexStage.class);
    /** Where kept inspections live, under the output root. */
    public static final String CACHE_FOLDER = "_index";
    /** The kept inspections' table, under {@link #CACHE_FOLDER}. */
    public static final String CACHE_TABLE = "inspections";
    /** Spark tasks per core the episodes are cut into. */
    static final int TASKS_PER_CORE = 4;

    static final StructType CACHE_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("reuse_key", DataTypes.StringType, false),
        DataTypes.createStructField("inspection", DataTypes.BinaryType, false)
    });

    private IndexStage() {}

    /** The stage's report and the inspections, sorted by dataset and episode. */
    public record Result(StageReport report, List<EpisodeInspection> inspections) {}

    /**
     * Whether inspections are kept and reused.
     *
     * @param code a fingerprint of the code the stage runs (part of every reuse key), or {@code null} to keep nothing
     * @param reusePrevious take kept inspections whose key is unchanged (false: inspect everything, keep the results)
     * @param retryQuarantined inspect quarantined episodes again even when their key is unchanged
     */
    public record Reuse(String code, boolean reusePrevious, boolean retryQuarantined) implements Serializable {
        /** Nothing kept, nothing reused. */
        public static final Reuse NONE = new Reuse(null, false, false);

        boolean keeps() {
            return code != null;
        }
    }

    /** One episode to check, with what a previous run kept of it (or {@code null}). */
    private record Unit(EpisodeRef ref, String snapshot, String previousKey, byte[] previous) implements Serializable {}

    /** An inspection and its reuse key (or {@code null}). */
    private record Inspected(EpisodeInspection inspection, String key, boolean reused, byte[] kept)
            implements Serializable {}

    /** Runs the stage without keeping or reusing inspections. */
    public static Result run(SparkSession spark, List<DatasetScan> scans, InspectionConfig config, String outputRoot) {
        return run(spark, scans, config, outputRoot, Reuse.NONE);
    }

    public static Result run(
            SparkSession spark, List<DatasetScan> scans, InspectionConfig config, String outputRoot, Reuse reuse) {
        requireNonNull(spark, "spark is null");
        requireNonNull(reuse, "reuse is null");
        long started = System.currentTimeMillis();
        List<EpisodeRef> refs = new ArrayList<>();
        Map<String, String> snapshots = new HashMap<>();
        for (DatasetScan scan : scans) {
            refs.addAll(scan.episodes());
            snapshots.put(scan.id().value(), scan.snapshot());
        }
        refs.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        Map<String, Row> kept = reuse.keeps() && reuse.reusePrevious() ? loadKept(spark, outputRoot) : Map.of();
        long loaded = System.currentTimeMillis();
        List<Unit> units = new ArrayList<>(refs.size());
        for (EpisodeRef ref : refs) {
            Row previous = kept.get(ref.key());
            units.add(new Unit(
                    ref,
                    snapshots.get(ref.dataset().value()),
                    previous == null ? null : previous.getString(2),
                    previous == null ? null : (byte[]) previous.get(3)));
        }
        kept = null; // the units hold what is needed
        List<Inspected> results = new ArrayList<>();
        if (!units.isEmpty()) {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            EpisodeInspector inspector = new EpisodeInspector(config);
            // contiguous runs of episodes (parallelize slices a list in order): output order is the input order
            int tasks = Math.max(1, Math.min(units.size(), TASKS_PER_CORE * context.defaultParallelism()));
            results.addAll(context.parallelize(units, tasks)
                    .mapPartitions(partition -> {
                        List<Inspected> out = new ArrayList<>();
                        while (partition.hasNext()) {
                            out.add(inspect(inspector, config, reuse, partition.next()));
                        }
                        return out.iterator();
                    })
                    .collect());
        }
        long inspected = System.currentTimeMillis();
        List<EpisodeInspection> inspections = new ArrayList<>(results.size());
        long reused = 0;
        for (Inspected result : results) {
            inspections.add(result.inspection());
            reused += result.reused() ? 1 : 0;
        }
        List<Row> rows = new ArrayList<>();
        List<EpisodeOutcome> outcomes = new ArrayList<>();
        Map<String, Number> counters = new TreeMap<>();
        long frames = 0;
        for (EpisodeInspection inspection : inspections) {
            rows.add(EpisodesTable.toRow(
                    inspection, snapshots.get(inspection.ref().dataset().value())));
            outcomes.add(new EpisodeOutcome(
                    inspection.ref().dataset().value(),
                    inspection.ref().episodeIndex(),
                    NAME,
                    inspection.status(),
                    inspection.reason().orElse(null),
                    inspection.warnings(),
                    0));
            frames += Math.max(0, inspection.rows());
        }
        counters.put("episodes", inspections.size());
        counters.put("rows", frames);
        counters.put("units-reused", reused);
        counters.put("units-computed", inspections.size() - reused);
        TableInfo table = TableCommitter.commit(
                TableCommitter.oneFileFromDriver(spark, rows, EpisodesTable.SCHEMA, "dataset", "episode_index"),
                outputRoot,
                EpisodesTable.NAME,
                rows.size());
        long written = System.currentTimeMillis();
        if (reuse.keeps()) {
            keep(spark, outputRoot, results);
        }
        LOG.info(
                "index: {} episodes ({} reused): kept inspections read in {} ms, inspected in {} ms, episodes/ written"
                        + " in {} ms, inspections kept in {} ms",
                inspections.size(),
                reused,
                loaded - started,
                inspected - loaded,
                written - inspected,
                System.currentTimeMillis() - written);
        long duration = System.currentTimeMillis() - started;
        return new Result(new StageReport(NAME, outcomes, table, started, duration, counters), inspections);
    }

    /** Inspects one episode, or takes its kept inspection when its reuse key is unchanged. */
    private static Inspected inspect(EpisodeInspector inspector, InspectionConfig config, Reuse reuse, Unit unit) {
        String key = reuse.keeps()
                ? InspectionReuse.key(reuse.code(), config, unit.snapshot(), unit.ref())
                        .orElse(null)
                : null;
        if (key != null && key.equals(unit.previousKey())) {
            java.util.Optional<EpisodeInspection> previous = InspectionReuse.inspection(unit.previous());
            if (previous.isPresent()
                    && !(reuse.retryQuarantined() && previous.get().status() == EpisodeStatus.QUARANTINED)) {
                return new Inspected(previous.get(), key, true, unit.previous());
            }
        }
        EpisodeInspection inspection = inspector.inspect(unit.ref());
        return new Inspected(inspection, key, false, key == null ? null : InspectionReuse.keep(inspection));
    }

    /** The kept inspections by episode key; empty when there are none or they cannot be read (all are inspected). */
    private static Map<String, Row> loadKept(SparkSession spark, String outputRoot) {
        Path table = new Path(new Path(outputRoot, CACHE_FOLDER), CACHE_TABLE);
        Map<String, Row> kept = new HashMap<>();
        try {
            if (!table.getFileSystem(HadoopConf.get()).exists(table)) {
                return kept;
            }
            for (Row row :
                    spark.read().schema(CACHE_SCHEMA).parquet(table.toString()).collectAsList()) {
                kept.put(row.getString(0) + "/" + row.getLong(1), row);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Kept inspections under {} cannot be read ({}): every episode is inspected", table, e.toString());
            kept.clear();
        }
        return kept;
    }

    /** Replaces the kept inspections with this run's (episodes whose format is never reused are left out). */
    private static void keep(SparkSession spark, String outputRoot, List<Inspected> results) {
        List<Row> rows = new ArrayList<>();
        for (Inspected result : results) {
            if (result.key() != null) {
                EpisodeRef ref = result.inspection().ref();
                rows.add(RowFactory.create(ref.dataset().value(), ref.episodeIndex(), result.key(), result.kept()));
            }
        }
        TableCommitter.commit(
                TableCommitter.oneFileFromDriver(spark, rows, CACHE_SCHEMA, "dataset", "episode_index"),
                new Path(outputRoot, CACHE_FOLDER).toString(),
                CACHE_TABLE,
                rows.size());
    }
}
