package io.procvlm.app;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.Annotators;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.annotators.spark.AnnotateStage;
import io.procvlm.app.spark.ResumableStage;
import io.procvlm.app.spark.ResumeOptions;
import io.procvlm.core.CodeIdentity;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.images.ImageSettings;
import io.procvlm.core.io.ColumnValues;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.Locations;
import io.procvlm.core.ledger.CommitGate;
import io.procvlm.core.ledger.Ledger;
import io.procvlm.core.ledger.LedgerEntry;
import io.procvlm.core.ledger.StageOutput;
import io.procvlm.core.manifest.RunManifest;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.spark.CorpusTable;
import io.procvlm.core.spark.EpisodesTable;
import io.procvlm.core.spark.FeatureImagesTable;
import io.procvlm.core.spark.FeaturesStage;
import io.procvlm.core.spark.FramesTable;
import io.procvlm.core.spark.IndexStage;
import io.procvlm.core.spark.SegmentsTable;
import io.procvlm.core.spark.SparkSessions;
import io.procvlm.core.spark.SparkSettings;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.progress.spark.LabelStage;
import io.procvlm.vqa.VqaConfig;
import io.procvlm.vqa.VqaTemplates;
import io.procvlm.vqa.spark.VqaStage;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs stages in order from a configuration: scans the datasets, starts Spark, runs {@code index} and {@code
 * features}, keeps the manifest current after every stage and prints a one-screen summary. One bad dataset or
 * episode never stops the run; it ends with exit code 3 and the manifest says what was quarantined and why.
 */
public final class PipelineRunner {
    /** Stages in pipeline order. */
    public static final List<String> STAGES =
            List.of(IndexStage.NAME, FeaturesStage.NAME, AnnotateStage.NAME, LabelStage.NAME, VqaStage.NAME);
    /** {@link #STAGES} comma-joined, as a constant for option defaults (a test keeps the two equal). */
    public static final String ALL_STAGES = "index,features,annotate,label,vqa";

    private final Config config;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ResumeOptions resume;
    private final CodeIdentity code;

    public PipelineRunner(Config config, PrintWriter out, PrintWriter err) {
        this(config, out, err, AppCode.current());
    }

    /** A runner whose stage fingerprints and manifest name {@code code} as the code that runs (tests change it). */
    PipelineRunner(Config config, PrintWriter out, PrintWriter err, CodeIdentity code) {
        this.config = requireNonNull(config, "config is null");
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.resume = ResumeOptions.from(config);
        this.code = requireNonNull(code, "code is null");
    }

    /** What a run did. */
    public record Result(int exitCode, String outputRoot, List<StageReport> reports, List<DatasetScan> scans) {}

    public Result run(String command, List<String> stages) {
        for (String stage : stages) {
            if (!STAGES.contains(stage)) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        "Unknown stage '" + stage + "': the stages are " + String.join(", ", STAGES));
            }
        }
        String outputRoot = Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT));
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-"
                + UUID.randomUUID().toString().substring(0, 4);
        InspectionConfig inspection = InspectionConfig.from(config);
        FeaturesConfig features = FeaturesConfig.from(config, phashNeeded(config));
        if (stages.contains(VqaStage.NAME)) {
            VqaTemplates.load(VqaConfig.from(config).templates()); // a bad setting fails before anything runs
        }
        for (String forced : resume.force()) {
            if (!forced.equals("all") && !STAGES.contains(forced)) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        "Invalid value '" + forced + "' for configuration key '" + ResumeOptions.FORCE
                                + "': the stages are " + String.join(", ", STAGES) + " (or all)");
            }
        }
        rejectSettingsThatCannotWork(outputRoot, stages, features);
        RunManifest manifest = RunManifest.start(outputRoot, runId, command, code.version());
        manifest.code(code.version(), code.modules());
        manifest.config(config.toFlatMap(), config.longValue(CoreConfig.RUN_SEED));

        List<DatasetScan> scans = new ArrayList<>();
        List<String> failedDatasets = new ArrayList<>();
        if (stages.contains(IndexStage.NAME)) {
            List<DatasetSpec> specs = config.datasets(CoreConfig.DATASETS);
            if (specs.isEmpty()) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_MISSING_VALUE,
                        "No datasets to read: give --dataset PATH or list them under 'datasets' in the config file");
            }
            manifest.resetInputs();
            CameraRules rules = CameraRules.from(config);
            for (DatasetSpec spec : specs) {
                try {
                    DatasetScan scan = DatasetReaders.scan(spec, rules);
                    scans.add(scan);
                    manifest.input(
                            scan.id().value(),
                            scan.root(),
                            scan.format().id(),
                            scan.snapshot(),
                            scan.episodes().size(),
                            scan.camera().key(),
                            scan.camera().rule(),
                            scan.problems());
                } catch (PipelineException e) {
                    if (e.errorType() != io.procvlm.core.error.ErrorType.USER_ERROR) {
                        throw e;
                    }
                    // catalog datasets (--datasets) carry their id: name it beside the resolved path
                    String label = spec.explicitId()
                            .map(id -> id + " (" + spec.path() + ")")
                            .orElse(spec.path());
                    failedDatasets.add(label);
                    manifest.failedDataset(spec.path(), e.errorCode().name(), e.getMessage());
                    err.println("Dataset " + label + " cannot be read and is skipped: "
                            + e.errorCode().name() + ": " + e.getMessage());
                }
            }
        }

        checkOutputWritable(outputRoot);
        List<StageReport> reports = new ArrayList<>();
        int exitCode = ExitCodes.OK;
        String error = null;
        SparkSession spark = null;
        try {
            spark = SparkSessions.create(SparkSettings.from(config));
            if (HeapProbe.enabled()) {
                HeapProbe.watchTasks(io.procvlm.app.spark.TaskActivity.register(spark));
            }
            manifest.environment("spark", spark.version());
            List<EpisodeRef> goodEpisodes = null;
            Map<String, String> episodeFingerprints = new java.util.HashMap<>();
            Map<String, Map<String, String>> unitFingerprints = new java.util.HashMap<>();
            if (stages.contains(IndexStage.NAME)) {
                // kept inspections are reused unless run.resume is off or the stage is forced
                IndexStage.Reuse reuse = new IndexStage.Reuse(
                        code.of(AppCode.modulesOf(IndexStage.NAME)),
                        resume.resume() && !resume.forces(IndexStage.NAME),
                        resume.retryFailed());
                IndexStage.Result index = IndexStage.run(spark, scans, inspection, outputRoot, reuse);
                reports.add(index.report());
                HeapProbe.after(IndexStage.NAME, err);
                manifest.stage(index.report(), runId, fingerprint(IndexStage.NAME, inspection.toString()));
                manifest.write(outputRoot);
                goodEpisodes = new ArrayList<>();
                // The inspections' references were deserialized from the tasks (or the kept inspections): where one
                // equals the scan's, keep the scan's instance, which the run holds anyway, so that the driver does
                // not hold two copies of every reference for the rest of the run.
                Map<String, EpisodeRef> scanned = new java.util.HashMap<>();
                scans.forEach(scan -> scan.episodes().forEach(ref -> scanned.put(ref.key(), ref)));
                for (EpisodeInspection result : index.inspections()) {
                    if (result.status() == EpisodeStatus.OK) {
                        EpisodeRef same = scanned.get(result.ref().key());
                        goodEpisodes.add(result.ref().equals(same) ? same : result.ref());
                        episodeFingerprints.put(result.ref().key(), result.fingerprint());
                    }
                }
            }
            if (stages.contains(FeaturesStage.NAME)) {
                if (goodEpisodes == null) {
                    goodEpisodes = readGoodEpisodes(spark, outputRoot, episodeFingerprints);
                }
                ImageSettings images = imageSettings(config);
                // The JPEG settings are the features' settings too when it writes images: a change re-encodes them.
                String settings = settingsOf("camera.", "features.", "index.", "video.") + "phash=" + features.phash()
                        + (images.enabled() ? "\nimages=" + images.describe() : "");
                long rowsPerFile = config.longValue(CoreConfig.OUTPUT_ROWS_PER_FILE);
                List<ResumableStage.Unit<EpisodeRef>> units = new ArrayList<>();
                for (EpisodeRef ref : goodEpisodes) {
                    units.add(new ResumableStage.Unit<>(
                            ref.key(),
                            Fingerprints.ofParts(
                                    FeaturesStage.NAME,
                                    code.of(AppCode.modulesOf(FeaturesStage.NAME)),
                                    settings,
                                    ref.camera().key(),
                                    episodeFingerprints.getOrDefault(ref.key(), "")),
                            ref));
                }
                SparkSession session = spark;
                ResumableStage.Outcome outcome = resumable(
                                spark, FeaturesStage.NAME, FramesTable.NAME, FramesTable.SCHEMA, runId)
                        .run(
                                units,
                                (batch, batchRoot) -> FeaturesStage.run(
                                        session, batch, inspection, features, images, batchRoot, rowsPerFile),
                                (rows, ok, root) -> FeaturesStage.commit(session, rows, ok, root, rowsPerFile));
                StageReport report = withImages(outcome, images, outputRoot);
                unitFingerprints.put(FeaturesStage.NAME, fingerprints(outcome.entries()));
                reports.add(report);
                HeapProbe.after(report.stage(), err);
                manifest.stage(report, runId, fingerprint(FeaturesStage.NAME, settings));
                manifest.write(outputRoot);
                goodEpisodes = okOnly(goodEpisodes, report);
            }
            if (stages.contains(AnnotateStage.NAME)) {
                if (goodEpisodes == null) {
                    goodEpisodes = readGoodEpisodes(spark, outputRoot, episodeFingerprints);
                    requireTable(spark, outputRoot, FramesTable.NAME, "features");
                    goodEpisodes = withFrames(spark, outputRoot, goodEpisodes);
                }
                Map<String, String> framesFingerprints = unitFingerprints.computeIfAbsent(
                        FeaturesStage.NAME, stage -> fingerprints(Ledger.load(outputRoot, stage)));
                SubtaskAnnotator annotator = Annotators.create(config);
                String settings = annotatorSettings(config);
                List<ResumableStage.Unit<EpisodeRef>> units = new ArrayList<>();
                for (EpisodeRef ref : goodEpisodes) {
                    units.add(new ResumableStage.Unit<>(
                            ref.key(),
                            Fingerprints.ofParts(
                                    AnnotateStage.NAME,
                                    code.of(AppCode.modulesOf(AnnotateStage.NAME)),
                                    settings,
                                    String.join("\u001f", ref.tasks()),
                                    framesFingerprints.getOrDefault(ref.key(), "")),
                            ref));
                }
                SparkSession session = spark;
                ResumableStage.Outcome outcome = resumable(
                                spark, AnnotateStage.NAME, SegmentsTable.NAME, SegmentsTable.SCHEMA, runId)
                        .run(
                                units,
                                (batch, batchRoot) ->
                                        AnnotateStage.run(session, batch, annotator, outputRoot, batchRoot),
                                (rows, ok, root) -> AnnotateStage.commit(rows, root, rows.count()));
                StageReport report = outcome.report();
                unitFingerprints.put(AnnotateStage.NAME, fingerprints(outcome.entries()));
                // the index's fingerprints served features and annotate (readGoodEpisodes): no later stage needs them
                episodeFingerprints.clear();
                reports.add(report);
                HeapProbe.after(report.stage(), err);
                manifest.stage(report, runId, fingerprint(AnnotateStage.NAME, settings));
                manifest.write(outputRoot);
            }
            if (stages.contains(LabelStage.NAME)) {
                requireTable(spark, outputRoot, SegmentsTable.NAME, "annotate");
                ProgressConfig progress = ProgressConfig.from(config);
                String upstream = upstreamFingerprint(
                        outputRoot, unitFingerprints, List.of(FeaturesStage.NAME, AnnotateStage.NAME));
                // each stage's per-unit fingerprints serve the next stage's fingerprint only: drop them once used, so
                // that the driver does not hold a map entry per episode and stage for the rest of the run
                unitFingerprints.remove(FeaturesStage.NAME);
                unitFingerprints.remove(AnnotateStage.NAME);
                SparkSession session = spark;
                StageReport report = wholeStage(
                        LabelStage.NAME,
                        CorpusTable.NAME,
                        Fingerprints.ofParts(
                                LabelStage.NAME,
                                code.of(AppCode.modulesOf(LabelStage.NAME)),
                                settingsOf("progress."),
                                upstream),
                        runId,
                        unitFingerprints,
                        gate -> LabelStage.run(
                                session,
                                outputRoot,
                                progress,
                                config.longValue(CoreConfig.OUTPUT_ROWS_PER_FILE),
                                gate));
                reports.add(report);
                HeapProbe.after(report.stage(), err);
                manifest.stage(report, runId, fingerprint(LabelStage.NAME, settingsOf("progress.")));
                manifest.write(outputRoot);
            }
            if (stages.contains(VqaStage.NAME)) {
                requireTable(spark, outputRoot, CorpusTable.NAME, "label");
                VqaConfig vqa = VqaConfig.from(config);
                String settings = settingsOf("vqa.", "run.seed") + "templates="
                        + VqaTemplates.load(vqa.templates()).fingerprint() + "\ntokens="
                        + vqa.context().counter().text().fingerprint();
                String upstream = upstreamFingerprint(outputRoot, unitFingerprints, List.of(LabelStage.NAME));
                unitFingerprints.remove(LabelStage.NAME);
                SparkSession session = spark;
                StageReport report = wholeStage(
                        VqaStage.NAME,
                        VqaStage.NAME,
                        Fingerprints.ofParts(
                                VqaStage.NAME, code.of(AppCode.modulesOf(VqaStage.NAME)), settings, upstream),
                        runId,
                        unitFingerprints,
                        gate -> VqaStage.run(
                                session,
                                outputRoot,
                                vqa,
                                inspection.timestampToleranceFrames(),
                                inspection.decoderThreads(),
                                gate));
                unitFingerprints.remove(VqaStage.NAME); // the last stage: nothing downstream
                reports.add(report);
                HeapProbe.after(report.stage(), err);
                manifest.stage(report, runId, fingerprint(VqaStage.NAME, settings));
                manifest.write(outputRoot);
            }
            exitCode = exitCode(reports, failedDatasets, scans);
        } catch (CommitGate.Rejected e) {
            manifest.rejectedStage(e.stage(), runId, e.outcomes());
            exitCode = ExitCodes.FAILURE;
            error = e.errorCode().name() + ": " + e.getMessage();
            throw e;
        } catch (PipelineException e) {
            exitCode = e.errorType() == io.procvlm.core.error.ErrorType.USER_ERROR
                            && e.errorCode().name().startsWith("CONFIG_")
                    ? ExitCodes.USAGE
                    : ExitCodes.FAILURE;
            error = e.errorCode().name() + ": " + e.getMessage();
            throw e;
        } catch (RuntimeException e) {
            exitCode = ExitCodes.FAILURE;
            // a task's failure comes wrapped by Spark: the pipeline failure inside it is what happened
            PipelineException inside = PipelineException.in(e);
            error = inside != null ? inside.errorCode().name() + ": " + inside.getMessage() : "INTERNAL: " + e;
            throw e;
        } finally {
            manifest.finish(status(exitCode), exitCode, error);
            try {
                manifest.write(outputRoot);
            } catch (PipelineException e) {
                err.println("Cannot write the manifest: " + e.getMessage());
            }
            if (spark != null) {
                spark.stop();
            }
        }
        Result result = new Result(exitCode, outputRoot, reports, scans);
        new RunSummary(out).print(command, runId, result, failedDatasets);
        return result;
    }

    /**
     * Creates the output folder and writes (then removes) a probe file in it, so an output that cannot be written (a
     * read-only file system, a file where a folder should be, a location that cannot be created) fails before any
     * work, with {@code STORAGE_IO} naming the location.
     */
    static void checkOutputWritable(String outputRoot) {
        Path root = new Path(outputRoot);
        try {
            org.apache.hadoop.fs.FileSystem fileSystem = root.getFileSystem(io.procvlm.core.io.HadoopConf.get());
            if (!fileSystem.mkdirs(root)) {
                throw new java.io.IOException("the folder cannot be created");
            }
            Path probe = new Path(root, ".procvlm-write-probe-" + UUID.randomUUID());
            fileSystem.create(probe, false).close();
            fileSystem.delete(probe, false);
        } catch (java.io.IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO,
                    "Cannot write to the output folder " + outputRoot + " (configuration key '" + CoreConfig.OUTPUT_ROOT
                            + "', --out): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Rejects, before anything runs or is written, a setting no episode can be computed with: it would quarantine every
     * unit of its stage, and replace a good table with an empty one. {@code CONFIG_INVALID_VALUE} (exit code 2) naming
     * the key, the value and the fix.
     */
    private void rejectSettingsThatCannotWork(String outputRoot, List<String> stages, FeaturesConfig features) {
        if (!stages.contains(LabelStage.NAME) || !phashNeeded(config)) {
            return;
        }
        String setting = ProgressConfig.MODE + "=" + config.string(ProgressConfig.MODE);
        if (stages.contains(FeaturesStage.NAME)) {
            if (!features.phash()) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        setting + " needs the perceptual hash of every frame, and "
                                + CoreConfig.FEATURES_PHASH + "=" + config.string(CoreConfig.FEATURES_PHASH)
                                + " leaves it out of frames/: set " + CoreConfig.FEATURES_PHASH
                                + "=on (or auto). Nothing was run.");
            }
            return;
        }
        Path frames = new Path(outputRoot, FramesTable.NAME);
        try {
            if (!frames.getFileSystem(io.procvlm.core.io.HadoopConf.get()).exists(frames)) {
                return; // the stage's own check says which stage to run first
            }
        } catch (java.io.IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot inspect " + frames + ": " + e.getMessage(), e);
        }
        ColumnValues.Fill phash = ColumnValues.of(frames.toString(), "phash");
        String given = config.string(CoreConfig.OUTPUT_ROOT);
        if (phash.rows() > 0 && !phash.anyValue()) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    setting + " needs the perceptual hash of every frame, and no row of frames/ under " + given
                            + " has one (its features ran without " + CoreConfig.FEATURES_PHASH
                            + "=on: 'auto' computes it only when the reference mode is set). Compute it first with"
                            + " 'procvlm features --out " + given + " --set " + CoreConfig.FEATURES_PHASH
                            + "=on', or run the pipeline with the mode set ('procvlm run ... --set " + setting
                            + "', whose features stage computes it). Nothing was run or changed.");
        }
    }

    /** {@code features.images} with the {@code vqa.image.*} JPEG settings ProcVQA shows frames at. */
    static ImageSettings imageSettings(Config config) {
        VqaConfig vqa = VqaConfig.from(config);
        return new ImageSettings(
                config.bool(CoreConfig.FEATURES_IMAGES), vqa.imageMaxSide(), vqa.keepAspect(), vqa.jpegQuality());
    }

    /**
     * Commits (or, with {@code features.images} off, removes) the features stage's {@code images/} table from the
     * batch files of its ok episodes, and adds it to the stage's report: {@code images-table-*} counters and the
     * settings the JPEGs were made with ({@code images-max-side}, ...), recorded in the manifest.
     */
    private static StageReport withImages(ResumableStage.Outcome outcome, ImageSettings images, String outputRoot) {
        StageReport report = outcome.report();
        if (!images.enabled()) {
            FeatureImagesTable.remove(outputRoot);
            return report;
        }
        List<FeatureImagesTable.Episode> episodes = new ArrayList<>();
        for (io.procvlm.core.ledger.LedgerEntry entry : outcome.entries().values()) {
            if (entry.isDone()) {
                episodes.add(new FeatureImagesTable.Episode(
                        entry.outcome().dataset(),
                        entry.outcome().episodeIndex(),
                        entry.outcome().frames(),
                        ResumableStage.batchFolder(outputRoot, FeaturesStage.NAME, entry.batch())
                                .toString()));
            }
        }
        io.procvlm.core.manifest.TableInfo table = FeatureImagesTable.commit(outputRoot, episodes, images);
        Map<String, Number> counters = new java.util.TreeMap<>(report.counters());
        counters.put("images-table-files", table.files());
        counters.put("images-table-rows", table.rows());
        counters.put("images-table-bytes", table.bytes());
        counters.put("images-max-side", images.maxSide());
        counters.put("images-keep-aspect", images.keepAspect() ? 1 : 0);
        counters.put("images-jpeg-quality", images.jpegQuality());
        return new StageReport(
                report.stage(),
                report.outcomes(),
                report.output(),
                report.startedAtMillis(),
                System.currentTimeMillis() - report.startedAtMillis(),
                counters);
    }

    /** Whether a configured stage needs the perceptual hash ({@code features.phash: auto}): the reference mode. */
    static boolean phashNeeded(Config config) {
        return config.string(ProgressConfig.MODE).equals("reference");
    }

    private static void requireTable(SparkSession spark, String outputRoot, String name, String producer) {
        Path table = new Path(outputRoot, name);
        try {
            if (!table.getFileSystem(io.procvlm.core.io.HadoopConf.get()).exists(table)) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_MISSING_VALUE,
                        "No " + name + " table at " + table + ": run 'procvlm " + producer + "' (or 'procvlm run')"
                                + " first");
            }
        } catch (java.io.IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot inspect " + table + ": " + e.getMessage(), e);
        }
    }

    private static List<EpisodeRef> okOnly(List<EpisodeRef> episodes, StageReport report) {
        java.util.Set<String> ok = new java.util.HashSet<>();
        report.outcomes().stream().filter(o -> o.status() == EpisodeStatus.OK).forEach(o -> ok.add(o.key()));
        return episodes.stream().filter(ref -> ok.contains(ref.key())).toList();
    }

    /** The episodes that have rows in the frames table (those the features stage did not quarantine). */
    private static List<EpisodeRef> withFrames(SparkSession spark, String outputRoot, List<EpisodeRef> episodes) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Row row : spark.read()
                .schema(FramesTable.SCHEMA)
                .parquet(outputRoot + "/" + FramesTable.NAME)
                .select("dataset", "episode_index")
                .distinct()
                .collectAsList()) {
            keys.add(row.getString(0) + "/" + row.getLong(1));
        }
        return episodes.stream().filter(ref -> keys.contains(ref.key())).toList();
    }

    /**
     * The settings under the given key prefixes as sorted {@code key=value;} pairs: a stable text to fingerprint (the
     * stages' settings records hold immutable maps whose iteration order changes from JVM to JVM).
     */
    private String settingsOf(String... prefixes) {
        StringBuilder settings = new StringBuilder();
        new TreeMap<>(config.toFlatMap()).forEach((key, value) -> {
            for (String prefix : prefixes) {
                if (key.startsWith(prefix)) {
                    settings.append(key).append('=').append(value).append(';');
                    return;
                }
            }
        });
        return settings.toString();
    }

    /** Settings that change how answers are fetched, never what they are: not part of the annotate fingerprint. */
    private static final java.util.Set<String> OPERATIONAL_KEYS = java.util.Set.of(
            "annotate.vlm.endpoints",
            "annotate.vlm.api-key-env",
            "annotate.vlm.timeout-seconds",
            "annotate.vlm.max-attempts",
            "annotate.vlm.backoff-initial-ms",
            "annotate.vlm.backoff-max-ms",
            "annotate.vlm.concurrency",
            "annotate.vlm.circuit-failures",
            "annotate.vlm.circuit-open-seconds",
            "annotate.vlm.cache",
            "annotate.torchscript.device");

    /**
     * Every {@code annotate.*} setting but the operational ones, and the SHA-256 of the files and folders they name (vocabulary, prompts,
     * imported labels, a TorchScript model): editing a prompt template re-annotates even though its path is the same.
     * The API key's value is never part of it (only the variable's name is a setting).
     */
    static String annotatorSettings(Config config) {
        StringBuilder settings = new StringBuilder();
        new TreeMap<>(config.toFlatMap()).forEach((key, value) -> {
            if (key.startsWith("annotate.") && !OPERATIONAL_KEYS.contains(key)) {
                settings.append(key).append('=').append(value);
                String content = contentHash(value);
                if (content != null) {
                    settings.append('#').append(content);
                }
                settings.append(';');
            }
        });
        return settings.toString();
    }

    /** SHA-256 of a local file, or of the regular files directly inside a local folder; null for anything else. */
    private static String contentHash(String value) {
        if (value == null || value.isBlank() || value.contains("://")) {
            return null;
        }
        try {
            java.nio.file.Path path = java.nio.file.Path.of(value);
            if (java.nio.file.Files.isRegularFile(path)) {
                return fileHash(path);
            }
            if (java.nio.file.Files.isDirectory(path)) {
                List<String> parts = new ArrayList<>();
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(path)) {
                    for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile)
                            .sorted()
                            .toList()) {
                        parts.add(file.getFileName() + "=" + fileHash(file));
                    }
                }
                return Fingerprints.ofParts(parts.toArray(String[]::new));
            }
            return null;
        } catch (java.nio.file.InvalidPathException | java.io.IOException e) {
            return null;
        }
    }

    /** SHA-256 of a file, streamed (a model folder may hold gigabytes). */
    private static String fileHash(java.nio.file.Path file) throws java.io.IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return Fingerprints.ofStream(in);
        }
    }

    private ResumableStage resumable(
            SparkSession spark,
            String stage,
            String table,
            org.apache.spark.sql.types.StructType schema,
            String runId) {
        return new ResumableStage(
                spark, stage, table, schema, resume, config.string(CoreConfig.OUTPUT_ROOT), runId, out);
    }

    private static Map<String, String> fingerprints(Map<String, LedgerEntry> entries) {
        Map<String, String> fingerprints = new TreeMap<>();
        entries.forEach((key, entry) -> fingerprints.put(key, entry.fingerprint() + ":" + entry.status()));
        return fingerprints;
    }

    /** A fingerprint of what the upstream stages' units became (from this run, or from the ledger). */
    private static String upstreamFingerprint(
            String outputRoot, Map<String, Map<String, String>> unitFingerprints, List<String> stages) {
        List<String> parts = new ArrayList<>();
        for (String stage : stages) {
            Map<String, String> units =
                    unitFingerprints.computeIfAbsent(stage, name -> fingerprints(Ledger.load(outputRoot, name)));
            parts.add(stage);
            units.forEach((key, value) -> parts.add(key + "=" + value));
        }
        return Fingerprints.ofParts(parts.toArray(String[]::new));
    }

    /**
     * Runs a stage that works on whole tables (label, vqa) unless its fingerprint (settings, code, upstream units) is
     * the one of the table already committed; records its outcomes in the ledger either way.
     */
    private StageReport wholeStage(
            String stage,
            String table,
            String stageFingerprint,
            String runId,
            Map<String, Map<String, String>> unitFingerprints,
            java.util.function.Function<CommitGate, StageReport> compute) {
        String outputRoot = config.string(CoreConfig.OUTPUT_ROOT);
        long started = System.currentTimeMillis();
        java.util.Optional<StageOutput> committed = resume.resume() && !resume.forces(stage)
                ? Ledger.unchanged(outputRoot, stage, stageFingerprint, table)
                : java.util.Optional.empty();
        if (committed.isPresent()) {
            Map<String, LedgerEntry> entries = Ledger.load(outputRoot, stage);
            boolean retry = entries.values().stream()
                    .anyMatch(e -> e.status().equals(LedgerEntry.FAILED)
                            || (resume.retryFailed() && e.status().equals(LedgerEntry.QUARANTINED)));
            if (!retry) {
                List<io.procvlm.core.manifest.EpisodeOutcome> outcomes = new ArrayList<>();
                entries.values().forEach(entry -> outcomes.add(entry.outcome()));
                Map<String, Number> counters = new TreeMap<>();
                counters.put("units-reused", entries.size());
                counters.put("units-computed", 0);
                out.printf(Locale.ROOT, "%s: unchanged (%d units), table kept%n", stage, entries.size());
                out.flush();
                unitFingerprints.put(stage, fingerprints(entries));
                return new StageReport(
                        stage,
                        outcomes,
                        committed.get().table(),
                        started,
                        System.currentTimeMillis() - started,
                        counters);
            }
        }
        Map<String, LedgerEntry> previous = Ledger.load(outputRoot, stage);
        java.util.Optional<StageOutput> previousOutput = Ledger.output(outputRoot, stage);
        CommitGate gate = CommitGate.of(outputRoot, stage, table, previous);
        Ledger.forgetOutput(outputRoot, stage);
        StageReport report;
        try {
            report = compute.apply(gate);
        } catch (CommitGate.Rejected e) {
            // the committed table is still in place: so is the record of what it was assembled from
            previousOutput.ifPresent(output -> Ledger.output(outputRoot, stage, output));
            throw e;
        }
        List<LedgerEntry> entries = new ArrayList<>();
        for (io.procvlm.core.manifest.EpisodeOutcome outcome : report.outcomes()) {
            LedgerEntry before = previous.get(outcome.key());
            int attempts = before != null && before.fingerprint().equals(stageFingerprint) ? before.attempts() + 1 : 1;
            entries.add(LedgerEntry.of(outcome, stageFingerprint, attempts, null, runId));
        }
        Map<String, Number> counters = new TreeMap<>(report.counters());
        counters.put("units-reused", 0);
        counters.put("units-computed", entries.size());
        Ledger.compact(outputRoot, stage, entries);
        if (report.output() != null) {
            Ledger.output(outputRoot, stage, new StageOutput(stageFingerprint, report.output(), report.counters()));
        }
        Map<String, LedgerEntry> byKey = new TreeMap<>();
        entries.forEach(entry -> byKey.put(entry.unit(), entry));
        unitFingerprints.put(stage, fingerprints(byKey));
        out.printf(Locale.ROOT, "%s: %d/%d units%n", stage, entries.size(), entries.size());
        out.flush();
        return new StageReport(
                stage, report.outcomes(), report.output(), report.startedAtMillis(), report.durationMillis(), counters);
    }

    private static List<EpisodeRef> readGoodEpisodes(
            SparkSession spark, String outputRoot, Map<String, String> fingerprints) {
        requireTable(spark, outputRoot, EpisodesTable.NAME, "index");
        Path table = new Path(outputRoot, EpisodesTable.NAME);
        List<EpisodeRef> refs = new ArrayList<>();
        List<Row> rows = spark.read()
                .schema(EpisodesTable.SCHEMA)
                .parquet(table.toString())
                .filter("status = 'ok'")
                .collectAsList();
        for (Row row : rows) {
            EpisodeRef ref = EpisodesTable.toRef(row);
            refs.add(ref);
            fingerprints.put(ref.key(), row.getAs("fingerprint"));
        }
        return refs;
    }

    private static int exitCode(List<StageReport> reports, List<String> failedDatasets, List<DatasetScan> scans) {
        long quarantined = 0;
        long ok = Long.MAX_VALUE;
        for (StageReport report : reports) {
            quarantined += report.quarantinedCount();
            ok = Math.min(ok, report.okCount());
        }
        if (ok == Long.MAX_VALUE) {
            ok = 0;
        }
        boolean problems = quarantined > 0 || !failedDatasets.isEmpty();
        if (!problems) {
            return ExitCodes.OK;
        }
        boolean anythingUsable = ok > 0;
        return anythingUsable ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
    }

    private static String status(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.OK -> "ok";
            case ExitCodes.PARTIAL -> "partial";
            case ExitCodes.USAGE -> "usage-error";
            default -> "failed";
        };
    }

    /** What determines a stage's output besides its inputs: recorded so re-runs can tell what changed. */
    private Map<String, String> fingerprint(String stage, String settings) {
        List<String> modules = AppCode.modulesOf(stage);
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("stage", stage);
        parts.put("code-version", code.version());
        parts.put("code", code.digest(modules));
        parts.put("code-modules", String.join(",", modules));
        parts.put("settings", settings);
        parts.put("hash", Fingerprints.ofParts(stage, code.of(modules), settings));
        return parts;
    }
}
