package io.procvlm.app.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.annotators.eval.GoldEpisode;
import io.procvlm.annotators.eval.GoldQuery;
import io.procvlm.annotators.eval.GoldSource;
import io.procvlm.annotators.eval.GoldSources;
import io.procvlm.annotators.eval.LabelEvaluator;
import io.procvlm.annotators.eval.LabelReports;
import io.procvlm.core.dataset.images.ImageFrames;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.FeatureRows;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.manifest.RunManifest;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.video.EpisodeImages;
import io.procvlm.core.video.FrameImages;
import io.procvlm.core.video.ImageStream;
import io.procvlm.core.video.PixelMode;
import io.procvlm.progress.FrameLabeler;
import io.procvlm.progress.FrameSignals;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.progress.ProgressMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes the static HTML report of a run ({@code <out>/report/}): {@code index.html} (run summary, stages and timings,
 * VLM usage, per-dataset statistics, label quality against gold labels, the sampled episodes),
 * {@code episodes/<dataset>--<episode>.html} (progress curves in both modes and time-linear, subtask bands, gold bands,
 * boundary-frame thumbnails, plan and outcome) and {@code quarantine.html}, plus {@code labels.json} with the
 * label-quality scores. Everything is inline (SVG charts drawn here, JPEG thumbnails as data URIs, one style sheet
 * per page): no script and nothing fetched. The same run gives byte-identical files.
 *
 * <p>Reads the tables without Spark. The curve of the run's own progress mode comes from {@code corpus/}; the other
 * mode is recomputed for the sampled episodes with {@link FrameLabeler} from {@code frames/} (decoding the episode
 * once for its perceptual hash when the run did not store it).
 */
public final class RunReport {
    /** The report folder under the output root. */
    public static final String FOLDER = "report";
    /** JPEG quality of the thumbnails. */
    private static final int THUMBNAIL_QUALITY = 80;

    private final RunTables tables;
    private final ReportConfig config;
    private final ProgressConfig progress;
    private final InspectionConfig inspection;
    private final long seed;
    /** The features stage's images/ table, read once: the thumbnails come from it instead of a decode. */
    private Optional<FeatureImages.Index> storedImages;

    /** What was written. */
    public record Result(Path index, List<String> episodePages, int quarantined, LabelEvaluator.Result labels) {}

    public RunReport(
            String outputRoot, ReportConfig config, ProgressConfig progress, InspectionConfig inspection, long seed) {
        this.tables = new RunTables(requireNonNull(outputRoot, "outputRoot is null"));
        this.config = requireNonNull(config, "config is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.inspection = requireNonNull(inspection, "inspection is null");
        this.seed = seed;
    }

    /** Writes the report into {@code folder} (replacing what is there). */
    public Result write(Path folder) {
        if (!tables.has("episodes")) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_MISSING_VALUE,
                    "No episodes table under " + tables.root() + ": run 'procvlm run' first");
        }
        JsonNode manifest =
                RunManifest.read(tables.root()).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        List<RunTables.EpisodeRow> episodes = tables.episodes();
        Map<String, RunTables.EpisodeRow> byKey = new LinkedHashMap<>();
        episodes.forEach(row -> byKey.put(row.key(), row));
        List<SegmentAnnotation> segments = tables.has("segments") ? tables.segments() : List.of();
        Map<String, List<SegmentAnnotation>> segmentsByEpisode = new LinkedHashMap<>();
        for (SegmentAnnotation segment : segments) {
            segmentsByEpisode
                    .computeIfAbsent(segment.dataset().value() + "/" + segment.episodeIndex(), k -> new ArrayList<>())
                    .add(segment);
        }

        GoldSource gold = null;
        if (!config.gold().equals("none")) {
            try {
                gold = GoldSources.parse(config.gold());
            } catch (PipelineException e) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        "Invalid value '" + config.gold() + "' for configuration key " + ReportConfig.GOLD + ": "
                                + e.getMessage(),
                        e);
            }
        }
        LabelEvaluator.Result labels = null;
        if (gold != null && !segments.isEmpty()) {
            labels = LabelQuality.evaluate(tables, gold, LabelEvaluator.Match.VERB);
        }
        List<Quarantined> quarantined = quarantined(manifest, episodes);
        List<RunTables.EpisodeRow> sample = sample(episodes, segmentsByEpisode);

        try {
            clear(folder);
            Files.createDirectories(folder.resolve("episodes"));
            List<String> pages = new ArrayList<>();
            Map<String, String> pageOf = new LinkedHashMap<>();
            for (RunTables.EpisodeRow row : sample) {
                pageOf.put(row.key(), "episodes/" + fileName(row) + ".html");
            }
            for (RunTables.EpisodeRow row : sample) {
                String page = pageOf.get(row.key());
                Files.writeString(
                        folder.resolve(page),
                        episodePage(row, segmentsByEpisode.get(row.key()), gold, labels),
                        StandardCharsets.UTF_8);
                pages.add(page);
            }
            Files.writeString(
                    folder.resolve("quarantine.html"), quarantinePage(manifest, quarantined), StandardCharsets.UTF_8);
            if (labels != null) {
                Files.writeString(folder.resolve("labels.json"), LabelReports.json(labels), StandardCharsets.UTF_8);
            }
            Path index = folder.resolve("index.html");
            Files.writeString(
                    index,
                    indexPage(manifest, episodes, segments, quarantined, labels, sample, pageOf),
                    StandardCharsets.UTF_8);
            return new Result(index, pages, quarantined.size(), labels);
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot write the report under " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void clear(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String fileName(RunTables.EpisodeRow row) {
        return row.dataset().replaceAll("[^A-Za-z0-9._-]", "_") + "--" + row.episodeIndex();
    }

    /** A quarantined episode (or a dataset that could not be read, episode -1) and why. */
    record Quarantined(String stage, String dataset, long episode, String code, String message) {}

    private static List<Quarantined> quarantined(JsonNode manifest, List<RunTables.EpisodeRow> episodes) {
        TreeMap<String, Quarantined> found = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> stages =
                        manifest.path("stages").fields();
                stages.hasNext(); ) {
            Map.Entry<String, JsonNode> stage = stages.next();
            for (JsonNode entry : stage.getValue().path("quarantined-episodes")) {
                Quarantined q = new Quarantined(
                        stage.getKey(),
                        entry.path("dataset").asText(),
                        entry.path("episode").asLong(),
                        entry.path("code").asText(),
                        entry.path("message").asText());
                found.putIfAbsent(sortKey(q), q);
            }
        }
        for (RunTables.EpisodeRow row : episodes) {
            if (!row.ok()) {
                Quarantined q =
                        new Quarantined("index", row.dataset(), row.episodeIndex(), row.reasonCode(), row.reason());
                boolean known = found.values().stream()
                        .anyMatch(other -> other.dataset().equals(q.dataset()) && other.episode() == q.episode());
                if (!known) {
                    found.put(sortKey(q), q);
                }
            }
        }
        for (JsonNode failed : manifest.path("failed-datasets")) {
            Quarantined q = new Quarantined(
                    "index",
                    failed.path("path").asText(),
                    -1,
                    failed.path("code").asText(),
                    failed.path("message").asText());
            found.put(sortKey(q), q);
        }
        return new ArrayList<>(found.values());
    }

    private static String sortKey(Quarantined q) {
        return String.format(Locale.ROOT, "%s\u0000%020d\u0000%s", q.dataset(), q.episode() + 1, q.stage());
    }

    /** Per dataset, the first {@code episodes-per-dataset} annotated episodes in a seeded hash order, by index. */
    private List<RunTables.EpisodeRow> sample(
            List<RunTables.EpisodeRow> episodes, Map<String, List<SegmentAnnotation>> segments) {
        Map<String, List<RunTables.EpisodeRow>> byDataset = new TreeMap<>();
        for (RunTables.EpisodeRow row : episodes) {
            if (row.ok() && segments.containsKey(row.key()) && row.ref() != null) {
                byDataset.computeIfAbsent(row.dataset(), k -> new ArrayList<>()).add(row);
            }
        }
        List<RunTables.EpisodeRow> sample = new ArrayList<>();
        for (List<RunTables.EpisodeRow> rows : byDataset.values()) {
            List<RunTables.EpisodeRow> ordered = new ArrayList<>(rows);
            ordered.sort(Comparator.comparing((RunTables.EpisodeRow row) -> Fingerprints.ofParts(
                            "report", Long.toString(seed), row.dataset(), Long.toString(row.episodeIndex())))
                    .thenComparingLong(RunTables.EpisodeRow::episodeIndex));
            List<RunTables.EpisodeRow> chosen =
                    new ArrayList<>(ordered.subList(0, Math.min(config.episodesPerDataset(), ordered.size())));
            chosen.sort(Comparator.comparingLong(RunTables.EpisodeRow::episodeIndex));
            sample.addAll(chosen);
        }
        return sample;
    }

    // ---------------------------------------------------------------------------------------------- index page

    private String indexPage(
            JsonNode manifest,
            List<RunTables.EpisodeRow> episodes,
            List<SegmentAnnotation> segments,
            List<Quarantined> quarantined,
            LabelEvaluator.Result labels,
            List<RunTables.EpisodeRow> sample,
            Map<String, String> pageOf) {
        StringBuilder body = new StringBuilder();
        Map<String, Map<String, Long>> byStage = quarantinedByDatasetAndStage(quarantined);
        long quarantinedEpisodes = byStage.values().stream()
                .flatMap(counts -> counts.values().stream())
                .mapToLong(Long::longValue)
                .sum();
        long ok = episodes.size() - quarantinedEpisodes;
        long failedDatasets = quarantined.stream().filter(q -> q.episode() < 0).count();
        long frames = episodes.stream()
                .filter(RunTables.EpisodeRow::ok)
                .mapToLong(row -> Math.max(0, row.frameCount()))
                .sum();
        JsonNode stages = manifest.path("stages");
        long framesWritten = stages.path("features").path("output").path("rows").asLong(frames);
        body.append("<h2 id=\"summary\">Run summary</h2>\n");
        List<List<String>> summary = new ArrayList<>();
        summary.add(List.of(
                "run",
                Html.escape(manifest.path("run-id").asText("-")) + " (command <code>"
                        + Html.escape(manifest.path("command").asText("-")) + "</code>, procvlm "
                        + Html.escape(manifest.path("version").asText("-")) + ")"));
        summary.add(List.of("status", statusCell(manifest)));
        summary.add(List.of(
                "started / finished",
                Html.escape(manifest.path("started-at").asText("-")) + " / "
                        + Html.escape(manifest.path("finished-at").asText("-"))));
        summary.add(List.of("output", Html.escape(display(tables.root()))));
        summary.add(List.of(
                "datasets",
                episodes.stream().map(RunTables.EpisodeRow::dataset).distinct().count() + " read"
                        + (manifest.path("failed-datasets").size() > 0
                                ? ", <span class=\"bad\">"
                                        + manifest.path("failed-datasets").size() + " failed</span>"
                                : "")));
        summary.add(List.of(
                "episodes",
                String.format(
                                Locale.ROOT,
                                "%,d declared: <span class=\"ok\">%,d ok</span> through every stage, ",
                                episodes.size(),
                                ok)
                        + (quarantined.isEmpty()
                                ? "0 quarantined"
                                : "<a class=\"bad\" href=\"quarantine.html\">" + quarantinedEpisodes
                                        + " quarantined</a> (" + Html.escape(stageCounts(byStage, null)) + "; "
                                        + Html.escape(reasons(quarantined)) + ")"
                                        + (failedDatasets > 0
                                                ? ", " + failedDatasets + " unreadable dataset(s)"
                                                : ""))));
        summary.add(List.of(
                "frames",
                String.format(
                        Locale.ROOT,
                        "%,d in frames/, %,d rows in corpus/",
                        framesWritten,
                        stages.path("label").path("output").path("rows").asLong(0))));
        summary.add(List.of("segments", String.format(Locale.ROOT, "%,d annotated task segments", segments.size())));
        summary.add(List.of("VLM requests", vlmUsage(stages)));
        summary.add(List.of(
                "environment",
                Html.escape("Java " + manifest.path("environment").path("java").asText("-") + ", Spark "
                        + manifest.path("environment").path("spark").asText("-") + ", seed "
                        + manifest.path("seed").asText("-"))));
        body.append(Html.table(List.of("", ""), summary, "summary"));

        body.append("<h2 id=\"stages\">Stages and timings</h2>\n");
        List<List<String>> stageRows = new ArrayList<>();
        double totalSeconds = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = stages.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode stage = entry.getValue();
            double seconds = stage.path("duration-ms").asLong() / 1000.0;
            totalSeconds += seconds;
            JsonNode output = stage.path("output");
            double fps =
                    stage.path("counters").path("frames-per-second-per-task").asDouble(Double.NaN);
            stageRows.add(List.of(
                    Html.escape(entry.getKey()),
                    Html.num(seconds, "%.1f s"),
                    Html.num(stage.path("ok").asLong()),
                    Html.num(stage.path("quarantined").asLong()),
                    output.isMissingNode()
                            ? "-"
                            : Html.escape(output.path("table").asText()) + "/ "
                                    + String.format(
                                            Locale.ROOT,
                                            "%,d rows",
                                            output.path("rows").asLong()),
                    Html.num(fps, "%.0f"),
                    Html.escape(counters(stage.path("counters")))));
        }
        body.append(Html.table(
                List.of("stage", "time", "ok", "quarantined", "output", "frames/s per task", "counters"),
                stageRows,
                null));
        if (totalSeconds > 0) {
            body.append(String.format(
                    Locale.ROOT,
                    "<p class=\"note\">Stages took %.1f s in all: %.0f frames per second end to end.</p>\n",
                    totalSeconds,
                    framesWritten / totalSeconds));
        }

        body.append("<h2 id=\"datasets\">Datasets</h2>\n");
        body.append(datasetSection(manifest, episodes, segments, quarantined));

        body.append("<h2 id=\"labels\">Label quality against gold subtask labels</h2>\n");
        if (labels == null || labels.episodes().isEmpty()) {
            body.append("<p class=\"note\">No gold labels for this run (report.gold = <code>")
                    .append(Html.escape(config.gold()))
                    .append("</code>).</p>\n");
        } else {
            body.append(labelSection(labels));
        }

        body.append("<h2 id=\"episodes\">Sampled episodes</h2>\n");
        body.append(String.format(
                Locale.ROOT,
                "<p class=\"note\">%d episode(s) per dataset (report.episodes-per-dataset), chosen by a hash of the run"
                        + " seed and the episode: progress curves, subtask bands and boundary frames.</p>\n",
                config.episodesPerDataset()));
        List<List<String>> sampled = new ArrayList<>();
        Map<String, LabelEvaluator.EpisodeScore> scores = episodeScores(labels);
        for (RunTables.EpisodeRow row : sample) {
            LabelEvaluator.EpisodeScore score = scores.get(row.key());
            sampled.add(List.of(
                    "<a href=\"" + pageOf.get(row.key()) + "\">" + Html.escape(row.key()) + "</a>",
                    Html.escape(row.task()),
                    Html.num(row.frameCount()),
                    score == null ? "-" : Html.num(score.boundaryF1(), "%.3f").substring(1),
                    score == null ? "-" : Html.num(score.edit(), "%.1f").substring(1)));
        }
        body.append(Html.table(List.of("episode", "task", "frames", "BF1@5", "edit"), sampled, null));
        return Html.page(
                "procvlm run report",
                Html.escape(display(tables.root())) + " · run "
                        + Html.escape(manifest.path("run-id").asText("-")),
                "<a href=\"#summary\">summary</a> · <a href=\"#stages\">stages</a> · <a href=\"#datasets\">datasets</a>"
                        + " · <a href=\"#labels\">label quality</a> · <a href=\"#episodes\">episodes</a> · "
                        + "<a href=\"quarantine.html\">quarantine</a>",
                body.toString());
    }

    private static String reasons(List<Quarantined> quarantined) {
        Map<String, Integer> byCode = new TreeMap<>();
        quarantined.forEach(q -> byCode.merge(q.code(), 1, Integer::sum));
        return joinCounts(byCode);
    }

    private static Map<String, LabelEvaluator.EpisodeScore> episodeScores(LabelEvaluator.Result labels) {
        Map<String, LabelEvaluator.EpisodeScore> scores = new HashMap<>();
        if (labels != null) {
            for (LabelEvaluator.EpisodeScore score : labels.episodes()) {
                scores.put(score.dataset() + "/" + score.episode(), score);
            }
        }
        return scores;
    }

    private static String statusCell(JsonNode manifest) {
        String status = manifest.path("status").asText("unknown");
        String css = status.equals("ok") ? "ok" : status.equals("partial") ? "warn" : "bad";
        return "<span class=\"" + css + "\">" + Html.escape(status) + "</span> (exit code "
                + Html.escape(manifest.path("exit-code").asText("-")) + ")";
    }

    private static String vlmUsage(JsonNode stages) {
        JsonNode counters = stages.path("annotate").path("counters");
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = counters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().startsWith("vlm-")) {
                parts.add(entry.getKey().substring(4) + " " + entry.getValue().asText());
            }
        }
        return parts.isEmpty() ? "none (no VLM annotator in this run)" : Html.escape(String.join(", ", parts));
    }

    private static String counters(JsonNode counters) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = counters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("frames-per-second-per-task")) {
                continue;
            }
            JsonNode value = entry.getValue();
            parts.add(entry.getKey() + " "
                    + (value.isIntegralNumber()
                            ? String.format(Locale.ROOT, "%,d", value.asLong())
                            : String.format(Locale.ROOT, "%.2f", value.asDouble())));
        }
        return String.join(", ", parts);
    }

    /**
     * Per dataset, the quarantined episodes by the stage that quarantined them (the first, in pipeline order, when
     * several did): one account used by the summary and the datasets table. Unreadable datasets are not episodes.
     */
    static Map<String, Map<String, Long>> quarantinedByDatasetAndStage(List<Quarantined> quarantined) {
        Map<String, String> firstStage = new TreeMap<>();
        for (Quarantined q : quarantined) {
            if (q.episode() < 0) {
                continue;
            }
            firstStage.merge(
                    q.dataset() + "\u0000" + q.episode(), q.stage(), (a, b) -> stageOrder(a) <= stageOrder(b) ? a : b);
        }
        Map<String, Map<String, Long>> out = new TreeMap<>();
        firstStage.forEach((key, stage) -> out.computeIfAbsent(
                        key.substring(0, key.indexOf('\u0000')),
                        k -> new TreeMap<>(Comparator.comparingInt(RunReport::stageOrder)
                                .thenComparing(Comparator.naturalOrder())))
                .merge(stage, 1L, Long::sum));
        return out;
    }

    private static int stageOrder(String stage) {
        int at = io.procvlm.app.PipelineRunner.STAGES.indexOf(stage);
        return at < 0 ? Integer.MAX_VALUE : at;
    }

    /** "index 75, features 17" over {@code dataset}, or over every dataset when it is null. */
    private static String stageCounts(Map<String, Map<String, Long>> byStage, String dataset) {
        Map<String, Long> counts =
                new TreeMap<>(Comparator.comparingInt(RunReport::stageOrder).thenComparing(Comparator.naturalOrder()));
        byStage.forEach((name, stages) -> {
            if (dataset == null || dataset.equals(name)) {
                stages.forEach((stage, count) -> counts.merge(stage, count, Long::sum));
            }
        });
        List<String> parts = new ArrayList<>();
        counts.forEach((stage, count) -> parts.add(stage + " " + count));
        return String.join(", ", parts);
    }

    private static String datasetSection(
            JsonNode manifest,
            List<RunTables.EpisodeRow> episodes,
            List<SegmentAnnotation> segments,
            List<Quarantined> quarantined) {
        Map<String, Map<String, Long>> byStage = quarantinedByDatasetAndStage(quarantined);
        Map<String, JsonNode> inputs = new HashMap<>();
        for (JsonNode input : manifest.path("inputs")) {
            inputs.put(input.path("dataset").asText(), input);
        }
        Map<String, long[]> counts = new TreeMap<>(); // episodes, ok, quarantined, frames
        Map<String, Double> seconds = new TreeMap<>();
        Map<String, RunTables.EpisodeRow> first = new TreeMap<>();
        for (RunTables.EpisodeRow row : episodes) {
            long[] c = counts.computeIfAbsent(row.dataset(), k -> new long[4]);
            c[0]++;
            if (row.ok()) {
                c[3] += Math.max(0, row.frameCount());
                if (Double.isFinite(row.durationSeconds())) {
                    seconds.merge(row.dataset(), row.durationSeconds(), Double::sum);
                }
            }
            first.putIfAbsent(row.dataset(), row);
        }
        Map<String, TreeMap<String, Integer>> annotators = new TreeMap<>();
        Map<String, TreeMap<String, Integer>> outcomes = new TreeMap<>();
        Map<String, long[]> spans = new TreeMap<>(); // segments, spans
        for (SegmentAnnotation segment : segments) {
            String dataset = segment.dataset().value();
            annotators.computeIfAbsent(dataset, k -> new TreeMap<>()).merge(segment.annotator(), 1, Integer::sum);
            outcomes.computeIfAbsent(dataset, k -> new TreeMap<>())
                    .merge(segment.outcome().id(), 1, Integer::sum);
            long[] s = spans.computeIfAbsent(dataset, k -> new long[2]);
            s[0]++;
            s[1] += segment.spans().stream()
                    .filter(span -> span.status() != SpanStatus.ABSENT)
                    .count();
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<long[]> bars = new ArrayList<>();
        counts.forEach((dataset, c) -> {
            c[2] = byStage.getOrDefault(dataset, Map.of()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            c[1] = c[0] - c[2];
            JsonNode input = inputs.get(dataset);
            RunTables.EpisodeRow any = first.get(dataset);
            long[] s = spans.getOrDefault(dataset, new long[2]);
            rows.add(List.of(
                    Html.escape(dataset),
                    Html.escape(input != null ? input.path("format").asText() : any.format()),
                    Html.escape(any.camera()),
                    Html.num(c[0]),
                    Html.num(c[1]),
                    c[2] > 0
                            ? "<span class=\"bad\">" + c[2] + "</span> (" + Html.escape(stageCounts(byStage, dataset))
                                    + ")"
                            : Html.num(0),
                    Html.num(c[3]),
                    Html.num(seconds.getOrDefault(dataset, 0.0), "%.1f s"),
                    Html.escape(joinCounts(annotators.get(dataset))),
                    Html.escape(joinCounts(outcomes.get(dataset))),
                    Html.num(s[0] == 0 ? Double.NaN : (double) s[1] / s[0], "%.1f")));
            labels.add(dataset);
            bars.add(new long[] {c[1], c[2]});
        });
        return Html.table(
                        List.of(
                                "dataset",
                                "format",
                                "camera",
                                "episodes",
                                "ok (every stage)",
                                "quarantined (by stage)",
                                "frames",
                                "duration",
                                "annotators",
                                "outcomes",
                                "subtasks / segment"),
                        rows,
                        null)
                + Svg.barChart("Episodes per dataset", labels, bars, List.of("ok", "quarantined"));
    }

    private static String joinCounts(Map<String, Integer> counts) {
        if (counts == null) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((key, value) -> parts.add(key + " " + value));
        return String.join(", ", parts);
    }

    private static String labelSection(LabelEvaluator.Result labels) {
        StringBuilder out = new StringBuilder();
        out.append("<p class=\"note\">The run's <code>segments/</code> scored against gold spans <code>")
                .append(Html.escape(labels.gold()))
                .append("</code> (as <code>procvlm eval-labels</code>; labels compared by ")
                .append(labels.match().name().toLowerCase(Locale.ROOT))
                .append("). BF1@5: boundaries matched one to one within 5 frames; BF1@5%: within 5% of the gold"
                        + " boundaries' spread (the reference's); edit: segmental edit score; F1@k: segmental"
                        + " overlap F1 at IoU k%; boundary error: mean distance of matched boundaries; text: token"
                        + " overlap of the gold label and the most overlapping predicted label; verb: share of gold"
                        + " spans whose most overlapping predicted span has the same verb. Dataset * is all datasets."
                        + " Scores also in <code>labels.json</code>.</p>\n");
        List<List<String>> rows = new ArrayList<>();
        for (LabelEvaluator.Row row : labels.rows()) {
            rows.add(List.of(
                    Html.escape(row.dataset()),
                    Html.escape(row.annotator()),
                    Html.escape(row.goldSource().isEmpty() ? "-" : row.goldSource()),
                    Html.num(row.episodes()),
                    Html.num(row.withoutGold()),
                    Html.num(row.boundaryF1(), "%.3f"),
                    Html.num(row.boundaryF1Relative(), "%.3f"),
                    Html.num(row.edit(), "%.1f"),
                    Html.num(row.f1At10(), "%.3f"),
                    Html.num(row.f1At25(), "%.3f"),
                    Html.num(row.f1At50(), "%.3f"),
                    Html.num(row.boundaryErrorSeconds(), "%.3f s"),
                    Html.num(row.textSimilarity(), "%.3f"),
                    Html.num(row.verbAgreement(), "%.3f")));
        }
        out.append(Html.table(
                List.of(
                        "dataset",
                        "annotator",
                        "gold",
                        "episodes",
                        "no gold",
                        "BF1@5",
                        "BF1@5%",
                        "edit",
                        "F1@10",
                        "F1@25",
                        "F1@50",
                        "boundary error",
                        "text",
                        "verb"),
                rows,
                "labels"));
        return out.toString();
    }

    // -------------------------------------------------------------------------------------------- episode pages

    private String episodePage(
            RunTables.EpisodeRow row, List<SegmentAnnotation> segments, GoldSource gold, LabelEvaluator.Result labels) {
        StringBuilder body = new StringBuilder();
        List<RunTables.FrameRow> frames =
                tables.has("frames") ? tables.frames(row.dataset(), row.episodeIndex()) : List.of();
        List<RunTables.CorpusRow> corpus =
                tables.has("corpus") ? tables.corpus(row.dataset(), row.episodeIndex()) : List.of();
        Optional<GoldEpisode> truth = gold == null
                ? Optional.empty()
                : gold.find(new GoldQuery(row.dataset(), row.episodeIndex(), row.datasetRoot(), row.ref()));

        for (SegmentAnnotation segment : segments) {
            body.append("<h2>Segment ")
                    .append(segment.segmentIndex())
                    .append(": ")
                    .append(Html.escape(segment.task()))
                    .append("</h2>\n");
            List<List<String>> facts = new ArrayList<>();
            facts.add(List.of(
                    "frames",
                    String.format(
                            Locale.ROOT,
                            "[%d, %d) at %.2f fps (%.1f s)",
                            segment.segmentStart(),
                            segment.segmentEnd(),
                            row.fps(),
                            (segment.segmentEnd() - segment.segmentStart()) / row.fps())));
            facts.add(List.of(
                    "annotator",
                    Html.escape(segment.annotator() + " (signals: " + String.join(", ", segment.signals()) + ")")));
            facts.add(List.of(
                    "outcome",
                    "<b>" + Html.escape(segment.outcome().id()) + "</b>: " + Html.escape(segment.evidence())));
            StringBuilder plan = new StringBuilder("<ol>");
            segment.plan()
                    .forEach(step ->
                            plan.append("<li>").append(Html.escape(step)).append("</li>"));
            plan.append("</ol>");
            facts.add(List.of("plan", plan.toString()));
            body.append(Html.table(List.of("", ""), facts, null));

            Curves curves = curves(row, segment, frames, corpus);
            List<Svg.BandRow> bandRows = new ArrayList<>();
            List<Svg.Band> predicted = new ArrayList<>();
            for (SubtaskSpan span : segment.spans()) {
                if (span.status() != SpanStatus.ABSENT) {
                    predicted.add(new Svg.Band(
                            span.label(),
                            span.startFrame(),
                            span.endFrame(),
                            span.status().id()));
                }
            }
            bandRows.add(new Svg.BandRow(segment.annotator(), predicted));
            if (truth.isPresent()) {
                List<Svg.Band> goldBands = new ArrayList<>();
                for (Segment span : truth.get().spans()) {
                    goldBands.add(new Svg.Band(span.label(), (long) span.start(), (long) span.end(), "completed"));
                }
                bandRows.add(new Svg.BandRow("gold", goldBands));
            }
            body.append("<h3>Progress</h3>\n");
            body.append(Svg.progressChart(
                    "Progress of " + row.key() + " segment " + segment.segmentIndex(),
                    segment.segmentStart(),
                    Math.max(segment.segmentStart() + 1, segment.segmentEnd() - 1),
                    curves.curves(),
                    bandRows));
            body.append("<p class=\"note\">").append(curves.note()).append("</p>\n");
            body.append(curveTable(segment, curves.curves()));

            body.append("<h3>Subtask spans</h3>\n");
            List<List<String>> spanRows = new ArrayList<>();
            for (SubtaskSpan span : segment.spans()) {
                spanRows.add(List.of(
                        Html.num(span.planIndex() + 1),
                        Html.escape(span.label()),
                        Html.escape(span.verb()),
                        Html.num(span.startFrame()),
                        Html.num(span.endFrame()),
                        Html.num((span.endFrame() - span.startFrame()) / row.fps(), "%.2f s"),
                        span.status() == SpanStatus.COMPLETED
                                ? Html.escape(span.status().id())
                                : "<span class=\"warn\">"
                                        + Html.escape(span.status().id()) + "</span>"));
            }
            body.append(Html.table(
                    List.of("step", "label", "verb", "start", "end (excl.)", "length", "status"), spanRows, null));
        }
        if (truth.isPresent()) {
            body.append("<h3>Gold spans (")
                    .append(Html.escape(truth.get().source()))
                    .append(")</h3>\n");
            List<List<String>> goldRows = new ArrayList<>();
            for (Segment span : truth.get().spans()) {
                goldRows.add(
                        List.of(Html.escape(span.label()), Html.num((long) span.start()), Html.num((long) span.end())));
            }
            body.append(Html.table(List.of("label", "start", "end (excl.)"), goldRows, null));
            LabelEvaluator.EpisodeScore score = episodeScores(labels).get(row.key());
            if (score != null) {
                body.append(String.format(
                        Locale.ROOT,
                        "<p>Against the gold spans: BF1@5 %s, edit %s, F1@50 %s, boundary error %s s, label text %s.</p>\n",
                        LabelReports.number(score.boundaryF1(), "%.3f"),
                        LabelReports.number(score.edit(), "%.1f"),
                        LabelReports.number(score.f1At50(), "%.3f"),
                        LabelReports.number(score.boundaryErrorSeconds(), "%.3f"),
                        LabelReports.number(score.textSimilarity(), "%.3f")));
            }
        }
        body.append("<h3>Boundary frames</h3>\n");
        body.append(thumbnails(row, segments, frames));
        return Html.page(
                row.key(),
                Html.escape(row.task()),
                "<a href=\"../index.html\">← run report</a> · <a href=\"../quarantine.html\">quarantine</a>",
                body.toString());
    }

    /** The curves of a segment, and a note saying where each came from. */
    record Curves(List<Svg.Curve> curves, String note) {}

    private Curves curves(
            RunTables.EpisodeRow row,
            SegmentAnnotation segment,
            List<RunTables.FrameRow> frames,
            List<RunTables.CorpusRow> corpus) {
        List<RunTables.CorpusRow> inSegment = corpus.stream()
                .filter(c -> c.frameIndex() >= segment.segmentStart() && c.frameIndex() < segment.segmentEnd())
                .toList();
        String runMode = inSegment.isEmpty() ? null : inSegment.get(0).mode();
        List<Svg.Curve> curves = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        FrameSignals signals = null;
        String signalProblem = null;
        for (ProgressMode mode : List.of(ProgressMode.DEFAULT, ProgressMode.REFERENCE)) {
            String id = mode.name().toLowerCase(Locale.ROOT);
            if (id.equals(runMode)) {
                long[] x = inSegment.stream()
                        .mapToLong(RunTables.CorpusRow::frameIndex)
                        .toArray();
                double[] y = inSegment.stream()
                        .mapToDouble(RunTables.CorpusRow::progress)
                        .toArray();
                curves.add(new Svg.Curve(id + " (run)", x, y, false));
                notes.add("<b>" + id + "</b>: the run's ProcCorpus labels");
                continue;
            }
            try {
                if (signals == null && signalProblem == null) {
                    signals = signals(row, frames, mode == ProgressMode.REFERENCE);
                }
                if (signals == null) {
                    throw new IllegalStateException(signalProblem);
                }
                if (mode == ProgressMode.REFERENCE && !signals.hasPhash()) {
                    signals = signals(row, frames, true);
                }
                List<ProgressLabel> labels = FrameLabeler.label(segment, signals, progress.withMode(mode));
                long[] x = labels.stream().mapToLong(ProgressLabel::frameIndex).toArray();
                double[] y =
                        labels.stream().mapToDouble(ProgressLabel::progress).toArray();
                curves.add(new Svg.Curve(id, x, y, false));
                notes.add("<b>" + id + "</b>: recomputed for this report from frames/ with the progress settings of"
                        + " the report command"
                        + (mode == ProgressMode.REFERENCE
                                        && !frames.isEmpty()
                                        && !frames.get(0).hasPhash()
                                ? " (perceptual hashes from one decode of the episode)"
                                : ""));
            } catch (RuntimeException e) {
                signalProblem = e.getMessage();
                notes.add("<b>" + id + "</b>: not available (" + Html.escape(e.getMessage()) + ")");
            }
        }
        // time-linear: the share of the segment's duration elapsed
        List<RunTables.FrameRow> segmentFrames = frames.stream()
                .filter(f -> f.frameIndex() >= segment.segmentStart() && f.frameIndex() < segment.segmentEnd())
                .toList();
        if (segmentFrames.size() >= 2) {
            double t0 = segmentFrames.get(0).timestamp();
            double t1 = segmentFrames.get(segmentFrames.size() - 1).timestamp();
            long[] x = segmentFrames.stream()
                    .mapToLong(RunTables.FrameRow::frameIndex)
                    .toArray();
            double[] y = segmentFrames.stream()
                    .mapToDouble(f -> t1 > t0 ? (f.timestamp() - t0) / (t1 - t0) : 0)
                    .toArray();
            curves.add(new Svg.Curve("time-linear", x, y, true));
            notes.add("<b>time-linear</b>: elapsed share of the segment's duration (the naive baseline)");
        }
        return new Curves(curves, String.join("; ", notes) + ".");
    }

    /** The frames' signals from frames/, with the perceptual hash from one decode of the episode if needed. */
    private FrameSignals signals(RunTables.EpisodeRow row, List<RunTables.FrameRow> frames, boolean needPhash) {
        if (frames.isEmpty()) {
            throw new IllegalStateException("no frames/ rows for the episode");
        }
        int n = frames.size();
        long[] index = new long[n];
        double[] flow = new double[n];
        double[] diff = new double[n];
        boolean stored = frames.stream().allMatch(RunTables.FrameRow::hasPhash);
        long[] phash = stored ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            RunTables.FrameRow frame = frames.get(i);
            index[i] = frame.frameIndex();
            flow[i] = frame.flow();
            diff[i] = frame.frameDiff();
            if (stored) {
                phash[i] = frame.phash();
            }
        }
        if (needPhash && !stored) {
            phash = decodePhash(row, index);
        }
        return new FrameSignals(index, flow, diff, phash);
    }

    private long[] decodePhash(RunTables.EpisodeRow row, long[] index) {
        FeaturesConfig hashOnly = new FeaturesConfig(160, "none", "ultrafast", false, true, 1.0);
        EpisodeFeatures features = new EpisodeFeatureExtractor(inspection, hashOnly).extract(row.ref());
        if (features.status() != EpisodeStatus.OK) {
            throw new IllegalStateException("decoding for the perceptual hash failed: "
                    + features.reason().map(Object::toString).orElse("unknown"));
        }
        FeatureRows decoded = features.frames();
        Map<Long, Long> byFrame = new HashMap<>();
        for (int i = 0; i < decoded.size(); i++) {
            byFrame.put(decoded.frameIndex(i), decoded.phash(i));
        }
        long[] phash = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            Long value = byFrame.get(index[i]);
            if (value == null) {
                throw new IllegalStateException("frame " + index[i] + " was not decoded again");
            }
            phash[i] = value;
        }
        return phash;
    }

    private static String curveTable(SegmentAnnotation segment, List<Svg.Curve> curves) {
        List<String> header = new ArrayList<>(List.of("at the end of"));
        curves.forEach(curve -> header.add(Html.escape(curve.name())));
        List<List<String>> rows = new ArrayList<>();
        for (SubtaskSpan span : segment.spans()) {
            if (span.status() == SpanStatus.ABSENT) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            cells.add(Html.escape(span.label()) + " (" + span.endFrame() + ")");
            for (Svg.Curve curve : curves) {
                cells.add(Html.num(valueAt(curve, span.endFrame() - 1) * 100, "%.1f%%"));
            }
            rows.add(cells);
        }
        List<String> last = new ArrayList<>(List.of("last frame"));
        for (Svg.Curve curve : curves) {
            last.add(Html.num(curve.y().length == 0 ? Double.NaN : curve.y()[curve.y().length - 1] * 100, "%.1f%%"));
        }
        rows.add(last);
        return Html.table(header, rows, null);
    }

    private static double valueAt(Svg.Curve curve, long frame) {
        double value = Double.NaN;
        for (int i = 0; i < curve.x().length && curve.x()[i] <= frame; i++) {
            value = curve.y()[i];
        }
        return value;
    }

    private String thumbnails(
            RunTables.EpisodeRow row, List<SegmentAnnotation> segments, List<RunTables.FrameRow> frames) {
        if (frames.isEmpty()) {
            return "<p class=\"note\">No frames/ rows for this episode.</p>\n";
        }
        Map<Long, Double> timestamps = new HashMap<>();
        frames.forEach(frame -> timestamps.put(frame.frameIndex(), frame.timestamp()));
        TreeMap<Long, List<String>> wanted = new TreeMap<>();
        for (SegmentAnnotation segment : segments) {
            for (SubtaskSpan span : segment.spans()) {
                if (span.status() == SpanStatus.ABSENT) {
                    continue;
                }
                add(wanted, timestamps, span.startFrame(), "start of " + span.label());
            }
            add(
                    wanted,
                    timestamps,
                    segment.segmentEnd() - 1,
                    "last frame (" + segment.outcome().id() + ")");
        }
        if (wanted.isEmpty()) {
            return "<p class=\"note\">No boundary frames.</p>\n";
        }
        long[] indices = wanted.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] times = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            times[i] = timestamps.get(indices[i]);
        }
        StringBuilder out = new StringBuilder("<div class=\"thumbs\">\n");
        Optional<org.apache.hadoop.fs.Path> stored = storedImages(row);
        try (ImageStream images = stored.isPresent()
                        ? FeatureImages.read(stored.get(), row.key(), row.episodeIndex(), indices)
                        : new EpisodeImages(
                                row.ref(),
                                indices,
                                times,
                                inspection.timestampToleranceFrames(),
                                1,
                                config.thumbnailSide(),
                                true,
                                THUMBNAIL_QUALITY);
                Thumbnails thumbnails = new Thumbnails(config.thumbnailSide())) {
            while (images.hasNext()) {
                EpisodeImages.Image image = thumbnails.fit(images.next());
                out.append(String.format(
                        Locale.ROOT,
                        "<figure><img class=\"thumb\" alt=\"frame %d\" width=\"%d\" height=\"%d\""
                                + " src=\"data:image/jpeg;base64,%s\"><figcaption>frame %d: %s</figcaption></figure>\n",
                        image.frameIndex(),
                        image.jpeg().width(),
                        image.jpeg().height(),
                        Base64.getEncoder().encodeToString(image.jpeg().bytes()),
                        image.frameIndex(),
                        Html.escape(String.join("; ", wanted.get(image.frameIndex())))));
            }
        } catch (RuntimeException e) {
            return "<p class=\"note bad\">Thumbnails not available: " + Html.escape(e.getMessage()) + "</p>\n";
        }
        return out.append("</div>\n").toString();
    }

    /**
     * The episode's file in the features stage's {@code images/} table (JPEGs encoded from the features decode), or
     * empty when there is none: then the thumbnails decode the episode's video. (The other progress mode's curve still
     * decodes a sampled episode when frames/ holds no perceptual hash: a hash of the stored, smaller JPEGs would not
     * give the curve the label stage gives.)
     */
    private Optional<org.apache.hadoop.fs.Path> storedImages(RunTables.EpisodeRow row) {
        if (storedImages == null) {
            storedImages = FeatureImages.readIndex(new org.apache.hadoop.fs.Path(tables.root(), FeatureImages.NAME));
        }
        return storedImages.flatMap(index -> index.file(row.key()));
    }

    /** Stored JPEGs larger than the thumbnail side, shrunk and encoded again (smaller ones are kept as they are). */
    private static final class Thumbnails implements AutoCloseable {
        private final int side;
        private FrameImages encoder;

        Thumbnails(int side) {
            this.side = side;
        }

        EpisodeImages.Image fit(EpisodeImages.Image image) {
            FrameImages.Jpeg jpeg = image.jpeg();
            if (Math.max(jpeg.width(), jpeg.height()) <= side) {
                return image;
            }
            if (encoder == null) {
                encoder = new FrameImages(side, true, THUMBNAIL_QUALITY);
            }
            try (Mat bgr = ImageFrames.decode(
                    jpeg.bytes(), PixelMode.BGR, "the stored image of frame " + image.frameIndex())) {
                return new EpisodeImages.Image(image.frameIndex(), encoder.encode(bgr));
            }
        }

        @Override
        public void close() {
            if (encoder != null) {
                encoder.close();
            }
        }
    }

    private static void add(TreeMap<Long, List<String>> wanted, Map<Long, Double> timestamps, long frame, String what) {
        if (timestamps.containsKey(frame)) {
            wanted.computeIfAbsent(frame, k -> new ArrayList<>()).add(what);
        }
    }

    // ------------------------------------------------------------------------------------------- quarantine page

    private String quarantinePage(JsonNode manifest, List<Quarantined> quarantined) {
        StringBuilder body = new StringBuilder();
        body.append("<h2>Quarantined episodes</h2>\n");
        if (quarantined.isEmpty()) {
            body.append("<p id=\"none\">No episode was quarantined in this run.</p>\n");
        } else {
            Map<String, Integer> byCode = new TreeMap<>();
            quarantined.forEach(q -> byCode.merge(q.code(), 1, Integer::sum));
            List<List<String>> codes = new ArrayList<>();
            byCode.forEach(
                    (code, count) -> codes.add(List.of("<code>" + Html.escape(code) + "</code>", Html.num(count))));
            body.append(Html.table(List.of("reason code", "episodes"), codes, null));
            List<List<String>> rows = new ArrayList<>();
            for (Quarantined q : quarantined) {
                rows.add(List.of(
                        Html.escape(q.dataset()),
                        q.episode() < 0 ? "(whole dataset)" : Html.num(q.episode()),
                        Html.escape(q.stage()),
                        "<code>" + Html.escape(q.code()) + "</code>",
                        Html.escape(q.message())));
            }
            body.append(
                    Html.table(List.of("dataset", "episode", "stage", "reason code", "reason"), rows, "quarantined"));
        }
        return Html.page(
                "Quarantined episodes",
                Html.escape(display(tables.root())) + " · run "
                        + Html.escape(manifest.path("run-id").asText("-")),
                "<a href=\"index.html\">← run report</a>",
                body.toString());
    }

    private static String display(String location) {
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    /** A report for a configuration: its report, progress and inspection settings and its seed. */
    public static RunReport of(String outputRoot, io.procvlm.core.config.Config config) {
        return new RunReport(
                outputRoot,
                ReportConfig.from(config),
                ProgressConfig.from(config),
                InspectionConfig.from(config),
                config.longValue(io.procvlm.core.config.CoreConfig.RUN_SEED));
    }

    /** {@code <output root>/report} as a local folder; the report is written to local output roots only. */
    public static Path folder(String outputRoot) {
        java.net.URI uri = java.net.URI.create(outputRoot);
        if (uri.getScheme() == null) {
            return Path.of(outputRoot).resolve(FOLDER);
        }
        if (uri.getScheme().equals("file")) {
            return Path.of(uri).resolve(FOLDER);
        }
        throw new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "The output root " + outputRoot + " is not a local folder: the HTML report is written to local output"
                        + " roots only");
    }
}
