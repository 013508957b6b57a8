package io.procvlm.app;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotatorConfig;
import io.procvlm.annotators.Annotators;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.annotators.spark.AnnotateStage;
import io.procvlm.core.Versions;
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
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.Locations;
import io.procvlm.core.manifest.RunManifest;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.spark.CorpusTable;
import io.procvlm.core.spark.EpisodesTable;
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

    public PipelineRunner(Config config, PrintWriter out, PrintWriter err) {
        this.config = requireNonNull(config, "config is null");
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
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
        RunManifest manifest = RunManifest.start(outputRoot, runId, command, Versions.pipeline());
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

        List<StageReport> reports = new ArrayList<>();
        int exitCode = ExitCodes.OK;
        String error = null;
        SparkSession spark = null;
        try {
            spark = SparkSessions.create(SparkSettings.from(config));
            manifest.environment("spark", spark.version());
            List<EpisodeRef> goodEpisodes = null;
            if (stages.contains(IndexStage.NAME)) {
                IndexStage.Result index = IndexStage.run(spark, scans, inspection, outputRoot);
                reports.add(index.report());
                manifest.stage(index.report(), runId, fingerprint(IndexStage.NAME, inspection.toString()));
                manifest.write(outputRoot);
                goodEpisodes = new ArrayList<>();
                for (EpisodeInspection result : index.inspections()) {
                    if (result.status() == EpisodeStatus.OK) {
                        goodEpisodes.add(result.ref());
                    }
                }
            }
            if (stages.contains(FeaturesStage.NAME)) {
                if (goodEpisodes == null) {
                    goodEpisodes = readGoodEpisodes(spark, outputRoot);
                }
                StageReport report = FeaturesStage.run(
                        spark,
                        goodEpisodes,
                        inspection,
                        features,
                        outputRoot,
                        config.longValue(CoreConfig.OUTPUT_ROWS_PER_FILE));
                reports.add(report);
                manifest.stage(report, runId, fingerprint(FeaturesStage.NAME, inspection + "|" + features));
                manifest.write(outputRoot);
                goodEpisodes = okOnly(goodEpisodes, report);
            }
            if (stages.contains(AnnotateStage.NAME)) {
                if (goodEpisodes == null) {
                    goodEpisodes = readGoodEpisodes(spark, outputRoot);
                    requireTable(spark, outputRoot, FramesTable.NAME, "features");
                    goodEpisodes = withFrames(spark, outputRoot, goodEpisodes);
                }
                SubtaskAnnotator annotator = Annotators.create(config);
                StageReport report = AnnotateStage.run(spark, goodEpisodes, annotator, outputRoot);
                reports.add(report);
                manifest.stage(report, runId, fingerprint(AnnotateStage.NAME, annotatorSettings(config)));
                manifest.write(outputRoot);
            }
            if (stages.contains(LabelStage.NAME)) {
                requireTable(spark, outputRoot, SegmentsTable.NAME, "annotate");
                ProgressConfig progress = ProgressConfig.from(config);
                StageReport report =
                        LabelStage.run(spark, outputRoot, progress, config.longValue(CoreConfig.OUTPUT_ROWS_PER_FILE));
                reports.add(report);
                manifest.stage(report, runId, fingerprint(LabelStage.NAME, progress.toString()));
                manifest.write(outputRoot);
            }
            if (stages.contains(VqaStage.NAME)) {
                requireTable(spark, outputRoot, CorpusTable.NAME, "label");
                VqaConfig vqa = VqaConfig.from(config);
                StageReport report = VqaStage.run(
                        spark, outputRoot, vqa, inspection.timestampToleranceFrames(), inspection.decoderThreads());
                reports.add(report);
                manifest.stage(
                        report,
                        runId,
                        fingerprint(
                                VqaStage.NAME,
                                vqa + "|" + VqaTemplates.load(vqa.templates()).fingerprint()));
                manifest.write(outputRoot);
            }
            exitCode = exitCode(reports, failedDatasets, scans);
        } catch (PipelineException e) {
            exitCode = e.errorType() == io.procvlm.core.error.ErrorType.USER_ERROR
                            && e.errorCode().name().startsWith("CONFIG_")
                    ? ExitCodes.USAGE
                    : ExitCodes.FAILURE;
            error = e.errorCode().name() + ": " + e.getMessage();
            throw e;
        } catch (RuntimeException e) {
            exitCode = ExitCodes.FAILURE;
            error = "INTERNAL: " + e;
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

    private static String annotatorSettings(Config config) {
        StringBuilder settings = new StringBuilder();
        for (String key : List.of(
                AnnotatorConfig.ANNOTATOR,
                AnnotatorConfig.VOCABULARY,
                AnnotatorConfig.MIN_SUBTASK_SECONDS,
                AnnotatorConfig.NATIVE_SOURCE,
                AnnotatorConfig.LABELS_FILE,
                AnnotatorConfig.LABELS_FORMAT,
                AnnotatorConfig.LABELS_DATASET)) {
            settings.append(key).append('=').append(config.toFlatMap().get(key)).append(';');
        }
        return settings.toString();
    }

    private static List<EpisodeRef> readGoodEpisodes(SparkSession spark, String outputRoot) {
        requireTable(spark, outputRoot, EpisodesTable.NAME, "index");
        Path table = new Path(outputRoot, EpisodesTable.NAME);
        List<EpisodeRef> refs = new ArrayList<>();
        List<Row> rows = spark.read()
                .schema(EpisodesTable.SCHEMA)
                .parquet(table.toString())
                .filter("status = 'ok'")
                .collectAsList();
        for (Row row : rows) {
            refs.add(EpisodesTable.toRef(row));
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
    private static Map<String, String> fingerprint(String stage, String settings) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("stage", stage);
        parts.put("code-version", Versions.pipeline());
        parts.put("settings", settings);
        parts.put("hash", Fingerprints.ofParts(stage, Versions.pipeline(), settings));
        return parts;
    }
}
