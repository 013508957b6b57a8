package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code index} stage: checks every declared episode (one Spark task per episode reference; tasks read only
 * metadata, parquet rows and video headers) and writes the {@code episodes/} table, one row per episode with its
 * status and reason.
 */
public final class IndexStage {
    public static final String NAME = "index";

    private IndexStage() {}

    /** The stage's report and the inspections, sorted by dataset and episode. */
    public record Result(StageReport report, List<EpisodeInspection> inspections) {}

    public static Result run(SparkSession spark, List<DatasetScan> scans, InspectionConfig config, String outputRoot) {
        requireNonNull(spark, "spark is null");
        long started = System.currentTimeMillis();
        List<EpisodeRef> refs = new ArrayList<>();
        Map<String, String> snapshots = new HashMap<>();
        for (DatasetScan scan : scans) {
            refs.addAll(scan.episodes());
            snapshots.put(scan.id().value(), scan.snapshot());
        }
        refs.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        List<EpisodeInspection> inspections = new ArrayList<>();
        if (!refs.isEmpty()) {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            EpisodeInspector inspector = new EpisodeInspector(config);
            inspections.addAll(context.parallelize(refs, refs.size())
                    .map(inspector::inspect)
                    .collect());
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
        TableInfo table = TableCommitter.commit(
                spark.createDataFrame(rows, EpisodesTable.SCHEMA).coalesce(1),
                outputRoot,
                EpisodesTable.NAME,
                rows.size());
        long duration = System.currentTimeMillis() - started;
        return new Result(new StageReport(NAME, outcomes, table, started, duration, counters), inspections);
    }
}
