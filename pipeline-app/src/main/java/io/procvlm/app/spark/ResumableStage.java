package io.procvlm.app.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.ledger.CommitGate;
import io.procvlm.core.ledger.Ledger;
import io.procvlm.core.ledger.LedgerEntry;
import io.procvlm.core.ledger.StageOutput;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a per-episode stage so that it can be killed and resumed, and so that a rebuild recomputes only what changed.
 *
 * <p>Every work unit (an episode) has a fingerprint of everything that determines its result. Units whose ledger
 * entry has the same fingerprint are reused (their rows stay in the batch folder that holds them); the others are
 * computed in batches, each batch's rows committed to {@code _units/<stage>/<batch>/} and its entries appended to the
 * ledger before the next batch starts, so a killed run loses at most the batch in flight. The stage's table is then
 * assembled from the batch folders and committed atomically, laid out exactly as a single pass would lay it out: same
 * input, same bytes, however many times the run was interrupted. When every unit is reused and the last committed
 * table is still in place, nothing is rewritten.
 */
public final class ResumableStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResumableStage.class);
    public static final String UNITS = "_units";

    /** Computes a batch of units: runs the stage over them with its table written under {@code batchRoot}. */
    @FunctionalInterface
    public interface Batch<U> {
        StageReport run(List<U> units, String batchRoot);
    }

    /** Commits the stage's table under the output root from the rows of its ok units. */
    @FunctionalInterface
    public interface Commit {
        TableInfo commit(Dataset<Row> rows, List<EpisodeOutcome> ok, String outputRoot);
    }

    /** A unit: its key ({@code dataset/episode}), its fingerprint and what the stage needs to compute it. */
    public record Unit<U>(String key, String fingerprint, U value) {
        public Unit {
            requireNonNull(key, "key is null");
            requireNonNull(fingerprint, "fingerprint is null");
        }
    }

    private final SparkSession spark;
    private final String stage;
    private final String table;
    private final StructType schema;
    private final ResumeOptions options;
    private final String outputRoot;
    private final String runId;
    private final PrintWriter progress;

    public ResumableStage(
            SparkSession spark,
            String stage,
            String table,
            StructType schema,
            ResumeOptions options,
            String outputRoot,
            String runId,
            PrintWriter progress) {
        this.spark = requireNonNull(spark, "spark is null");
        this.stage = requireNonNull(stage, "stage is null");
        this.table = requireNonNull(table, "table is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.options = requireNonNull(options, "options is null");
        this.outputRoot = Locations.absolute(outputRoot);
        this.runId = requireNonNull(runId, "runId is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** What the run did with the stage: its report and the ledger entries of its units. */
    public record Outcome(StageReport report, Map<String, LedgerEntry> entries) {}

    public <U> Outcome run(List<Unit<U>> units, Batch<U> batch, Commit commit) {
        long started = System.currentTimeMillis();
        Map<String, LedgerEntry> previous = Ledger.load(outputRoot, stage);
        boolean forced = options.forces(stage);
        Map<String, LedgerEntry> current = new TreeMap<>();
        List<Unit<U>> todo = new ArrayList<>();
        for (Unit<U> unit : units) {
            LedgerEntry entry = previous.get(unit.key());
            if (!forced && options.resume() && reusable(entry, unit.fingerprint())) {
                current.put(unit.key(), entry);
            } else {
                todo.add(unit);
            }
        }
        int reused = current.size();
        String stageFingerprint = stageFingerprint(units);
        java.util.Optional<StageOutput> committed = todo.isEmpty()
                ? Ledger.unchanged(outputRoot, stage, stageFingerprint, table)
                : java.util.Optional.empty();
        if (committed.isPresent()) {
            // This run's counters: what the committed table cost is in the manifest of the run that made it.
            Map<String, Number> counters = new TreeMap<>();
            counters.put("units-reused", reused);
            counters.put("units-computed", 0);
            progress.printf(Locale.ROOT, "%s: %d/%d units unchanged, table kept%n", stage, reused, units.size());
            progress.flush();
            return new Outcome(report(current, committed.get().table(), started, counters), current);
        }
        java.util.Optional<StageOutput> previousOutput = Ledger.output(outputRoot, stage);
        CommitGate gate = CommitGate.of(outputRoot, stage, table, previous);
        int lastLedgerPart = Ledger.lastPart(outputRoot, stage);
        Ledger.forgetOutput(outputRoot, stage);
        Map<String, Number> counters = new TreeMap<>();
        int batchSize = options.batchSize(todo.size());
        int done = 0;
        long frames = 0;
        long computeStarted = System.nanoTime();
        for (int from = 0; from < todo.size(); from += batchSize) {
            List<Unit<U>> slice = todo.subList(from, Math.min(todo.size(), from + batchSize));
            String batchId = String.format(Locale.ROOT, "%s-%05d", runId, from / batchSize);
            String batchRoot = new Path(new Path(new Path(outputRoot, UNITS), stage), batchId).toString();
            Map<String, Unit<U>> byKey = new LinkedHashMap<>();
            slice.forEach(unit -> byKey.put(unit.key(), unit));
            StageReport report;
            try {
                report = batch.run(slice.stream().map(Unit::value).toList(), batchRoot);
            } catch (PipelineException e) {
                Ledger.append(
                        outputRoot, stage, failed(slice, previous, e.errorCode().name(), e.getMessage()));
                throw e;
            } catch (RuntimeException e) {
                Ledger.append(outputRoot, stage, failed(slice, previous, CoreErrorCode.INTERNAL.name(), e.toString()));
                throw e;
            }
            List<LedgerEntry> entries = new ArrayList<>();
            for (EpisodeOutcome outcome : report.outcomes()) {
                Unit<U> unit = byKey.get(outcome.key());
                if (unit == null) {
                    continue;
                }
                LedgerEntry entry = LedgerEntry.of(
                        outcome,
                        unit.fingerprint(),
                        attempts(previous.get(unit.key()), unit.fingerprint()),
                        batchId,
                        runId);
                entries.add(entry);
                current.put(unit.key(), entry);
                frames += outcome.frames();
            }
            Ledger.append(outputRoot, stage, entries);
            StageReport.mergeCounters(counters, report.counters());
            done += slice.size();
            printProgress(units.size(), reused, done, todo.size(), frames, System.nanoTime() - computeStarted);
        }
        for (Unit<U> unit : todo) {
            if (!current.containsKey(unit.key())) {
                throw new PipelineException(
                        CoreErrorCode.INTERNAL, "The " + stage + " stage reported no outcome for " + unit.key());
            }
        }
        try {
            gate.beforeCommit(
                    current.values().stream().map(LedgerEntry::outcome).toList());
        } catch (CommitGate.Rejected e) {
            // Back to the state before this run: the committed table, the entries it was assembled from, their rows.
            Ledger.dropPartsAfter(outputRoot, stage, lastLedgerPart);
            previousOutput.ifPresent(kept -> Ledger.output(outputRoot, stage, kept));
            removeUnusedBatches(previous);
            throw e;
        }
        TableInfo output = commit.commit(rows(current), ok(current), outputRoot);
        counters.put("units-reused", reused);
        counters.put("units-computed", todo.size());
        Map<String, LedgerEntry> kept = foldBatches(current, output, counters);
        Ledger.output(outputRoot, stage, new StageOutput(stageFingerprint, output, counters));
        // Until this rewrite the ledger points at the old batch folders, which are still there: a kill loses nothing.
        Ledger.compact(outputRoot, stage, kept.values());
        removeUnusedBatches(kept);
        return new Outcome(report(kept, output, started, counters), kept);
    }

    /**
     * Compaction for incremental rebuilds: every run that computes units adds batch folders under {@code
     * _units/<stage>/}, and the next commit reads one folder per batch still referenced. Once the ok units' rows are
     * spread over more than {@code run.max-unit-folders} folders, the table just committed (exactly those rows, in
     * files of {@code output.rows-per-file}) is copied into one folder, {@code <run>-compact}, and the entries point
     * at it; the old folders are removed after the ledger says so. The committed table is not touched.
     */
    private Map<String, LedgerEntry> foldBatches(
            Map<String, LedgerEntry> current, TableInfo output, Map<String, Number> counters) {
        Set<String> used = usedBatches(current);
        if (used.size() <= options.maxUnitFolders()) {
            return current;
        }
        String folded = runId + "-compact";
        Path target = new Path(batchFolder(folded), table);
        Path source = new Path(output.location());
        try {
            FileSystem fileSystem = target.getFileSystem(HadoopConf.get());
            fileSystem.delete(batchFolder(folded), true);
            copyFiles(fileSystem, source, target, name -> !name.startsWith("_") && !name.startsWith("."));
            // The batches' other per-unit files (features: one images/ file per episode) go along, oldest batch
            // first so that a unit computed again later keeps its latest file.
            for (String batch : new java.util.TreeSet<>(used)) {
                for (FileStatus side : fileSystem.listStatus(batchFolder(batch))) {
                    if (side.isDirectory() && !side.getPath().getName().equals(table)) {
                        copyFiles(
                                fileSystem,
                                side.getPath(),
                                new Path(batchFolder(folded), side.getPath().getName()),
                                name -> true);
                    }
                }
            }
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO,
                    "Cannot compact the batch folders into " + target + ": " + e.getMessage(),
                    e);
        }
        Map<String, LedgerEntry> kept = new TreeMap<>();
        current.forEach((key, entry) -> kept.put(
                key,
                entry.isDone()
                        ? new LedgerEntry(
                                entry.unit(),
                                entry.fingerprint(),
                                entry.status(),
                                entry.code(),
                                entry.attempts(),
                                folded,
                                entry.outcome(),
                                entry.runId())
                        : entry));
        counters.put("unit-folders-compacted", used.size());
        progress.printf(Locale.ROOT, "%s: %d batch folders compacted into %s%n", stage, used.size(), folded);
        progress.flush();
        return kept;
    }

    /** Copies the plain files of {@code from} whose names {@code wanted} accepts into {@code to}, replacing any. */
    private static void copyFiles(
            FileSystem fileSystem, Path from, Path to, java.util.function.Predicate<String> wanted) throws IOException {
        fileSystem.mkdirs(to);
        for (FileStatus file : fileSystem.listStatus(from)) {
            String name = file.getPath().getName();
            if (file.isFile() && wanted.test(name)) {
                org.apache.hadoop.fs.FileUtil.copy(
                        fileSystem, file.getPath(), fileSystem, new Path(to, name), false, true, HadoopConf.get());
            }
        }
    }

    /** The batch folders the done entries of {@code entries} point at. */
    private static Set<String> usedBatches(Map<String, LedgerEntry> entries) {
        Set<String> used = new HashSet<>();
        entries.values().stream().filter(LedgerEntry::isDone).forEach(entry -> used.add(entry.batch()));
        return used;
    }

    private boolean reusable(LedgerEntry entry, String fingerprint) {
        if (entry == null || !entry.fingerprint().equals(fingerprint)) {
            return false;
        }
        return switch (entry.status()) {
            case LedgerEntry.DONE -> exists(batchFolder(entry.batch()));
            case LedgerEntry.QUARANTINED -> !options.retryFailed();
            default -> false;
        };
    }

    private static int attempts(LedgerEntry previous, String fingerprint) {
        return previous != null && previous.fingerprint().equals(fingerprint) ? previous.attempts() + 1 : 1;
    }

    private <U> List<LedgerEntry> failed(
            List<Unit<U>> slice, Map<String, LedgerEntry> previous, String code, String message) {
        List<LedgerEntry> entries = new ArrayList<>();
        for (Unit<U> unit : slice) {
            int slash = unit.key().lastIndexOf('/');
            EpisodeOutcome outcome = new EpisodeOutcome(
                    unit.key().substring(0, slash),
                    Long.parseLong(unit.key().substring(slash + 1)),
                    stage,
                    EpisodeStatus.QUARANTINED,
                    Problem.error(code, message == null ? code : message),
                    List.of(),
                    0);
            entries.add(new LedgerEntry(
                    unit.key(),
                    unit.fingerprint(),
                    LedgerEntry.FAILED,
                    code,
                    attempts(previous.get(unit.key()), unit.fingerprint()),
                    null,
                    outcome,
                    runId));
        }
        return entries;
    }

    /** The rows of the ok units, read from the batch folders that hold them (other units' rows there are dropped). */
    private Dataset<Row> rows(Map<String, LedgerEntry> current) {
        Map<String, List<Row>> keysByBatch = new TreeMap<>();
        for (LedgerEntry entry : current.values()) {
            if (entry.isDone()) {
                keysByBatch
                        .computeIfAbsent(entry.batch(), b -> new ArrayList<>())
                        .add(RowFactory.create(
                                entry.outcome().dataset(), entry.outcome().episodeIndex()));
            }
        }
        StructType keySchema = new StructType()
                .add("dataset", DataTypes.StringType, false)
                .add("episode_index", DataTypes.LongType, false);
        Dataset<Row> all = spark.createDataFrame(List.of(), schema);
        for (Map.Entry<String, List<Row>> batch : keysByBatch.entrySet()) {
            Dataset<Row> keys = spark.createDataFrame(batch.getValue(), keySchema);
            Dataset<Row> rows = spark.read()
                    .schema(schema)
                    .parquet(new Path(batchFolder(batch.getKey()), table).toString())
                    .join(
                            keys,
                            scala.jdk.javaapi.CollectionConverters.asScala(List.of("dataset", "episode_index"))
                                    .toSeq(),
                            "left_semi");
            all = all.unionByName(rows);
        }
        // Re-applied so the committed table keeps the stage's own schema (files read back are all nullable).
        return spark.createDataFrame(all.javaRDD(), schema);
    }

    private static List<EpisodeOutcome> ok(Map<String, LedgerEntry> current) {
        return current.values().stream()
                .filter(LedgerEntry::isDone)
                .map(LedgerEntry::outcome)
                .toList();
    }

    private StageReport report(
            Map<String, LedgerEntry> current, TableInfo output, long started, Map<String, Number> counters) {
        List<EpisodeOutcome> outcomes = new ArrayList<>();
        current.values().forEach(entry -> outcomes.add(entry.outcome()));
        outcomes.sort(Comparator.comparing(EpisodeOutcome::dataset).thenComparingLong(EpisodeOutcome::episodeIndex));
        return new StageReport(stage, outcomes, output, started, System.currentTimeMillis() - started, counters);
    }

    private void printProgress(int total, int reused, int done, int todo, long frames, long nanos) {
        double seconds = nanos / 1e9;
        double rate = seconds > 0 ? frames / seconds : 0;
        double eta = done > 0 ? seconds * (todo - done) / done : 0;
        String throughput = frames > 0
                ? String.format(Locale.ROOT, ", %d frames, %.0f frames/s", frames, rate)
                : String.format(Locale.ROOT, ", %.1f units/s", seconds > 0 ? done / seconds : 0);
        String line = String.format(
                Locale.ROOT,
                "%s: %d/%d units (%d reused)%s, ETA %s",
                stage,
                reused + done,
                total,
                reused,
                throughput,
                duration(eta));
        io.procvlm.app.ProgressLines.print(progress, LOG, line);
    }

    private static String duration(double seconds) {
        long whole = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, (whole / 60) % 60, whole % 60);
    }

    /** SHA-256 over the units' keys and fingerprints, in key order. */
    private static <U> String stageFingerprint(List<Unit<U>> units) {
        List<String> parts = new ArrayList<>();
        units.stream()
                .sorted(Comparator.comparing(Unit::key))
                .forEach(unit -> parts.add(unit.key() + "=" + unit.fingerprint()));
        return Fingerprints.ofParts(parts.toArray(String[]::new));
    }

    private Path batchFolder(String batch) {
        return batchFolder(outputRoot, stage, batch);
    }

    /** The folder {@code _units/<stage>/<batch>/} under {@code outputRoot} that holds a batch's rows and files. */
    public static Path batchFolder(String outputRoot, String stage, String batch) {
        return new Path(new Path(new Path(outputRoot, UNITS), stage), batch == null ? "-" : batch);
    }

    private boolean exists(Path path) {
        try {
            return path.getFileSystem(HadoopConf.get()).exists(path);
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot inspect " + path + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the batch folders no current entry points at (superseded or from a killed batch). */
    private void removeUnusedBatches(Map<String, LedgerEntry> current) {
        Set<String> used = usedBatches(current);
        Path folder = new Path(new Path(outputRoot, UNITS), stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            if (!fileSystem.exists(folder)) {
                return;
            }
            for (FileStatus status : fileSystem.listStatus(folder)) {
                if (!used.contains(status.getPath().getName())) {
                    fileSystem.delete(status.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot clean " + folder + ": " + e.getMessage(), e);
        }
    }
}
