package io.procvlm.annotators.eval;

import static io.procvlm.annotators.AnnotatorErrorCode.GOLD_LABELS_INVALID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.annotators.labels.ImportedLabels;
import io.procvlm.annotators.labels.LabelRuns;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The gold-label formats {@code procvlm eval-labels --gold SPEC} reads (documented in docs/report.md):
 *
 * <ul>
 *   <li>{@code phases}: {@code <dataset root>/ground_truth/phases.jsonl}, one JSON line per episode with {@code
 *       episode_index} and {@code phases: [{label, start_frame, end_frame}]} (end exclusive): the true phases the
 *       committed test-data generator writes beside every generated dataset;
 *   <li>{@code native}: the subtask labels a LeRobot dataset ships ({@code subtask_index}, {@code sub_task_index},
 *       {@code language_persistent}), runs of equal labels as spans, as the {@code native} annotator reads them;
 *   <li>{@code imported:FILE}: the imported-labels format of {@code annotate.labels-file} (JSONL or Parquet rows
 *       {@code dataset, episode, label, start, end}, end exclusive);
 *   <li>{@code agibot:FILE@DATASET}: an AgiBot World {@code task_info/task_<id>.json} ({@code label_info.action_config}
 *       spans, end inclusive) for dataset {@code DATASET};
 *   <li>{@code robocoin:FILE@DATASET}: a RoboCOIN {@code label/data_annotation.json} (a Label Studio timeline export:
 *       {@code [{episode_index, annotation: {videoLabels: [{ranges: [{start, end}], timelinelabels: [label]}]}}]},
 *       frames 1-based and inclusive), or a CSV with the header {@code episode_index,start_frame,end_frame,label}
 *       (0-based, end inclusive); the labels {@code end} and {@code null} (RoboCOIN's after-the-task marks) are
 *       skipped;
 *   <li>{@code auto}: {@code phases} where a dataset has them, else {@code native} where it ships labels.
 * </ul>
 */
public final class GoldSources {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** RoboCOIN timeline labels that mark time outside any subtask. */
    private static final Set<String> ROBOCOIN_SKIPPED = Set.of("end", "null", "");

    private GoldSources() {}

    /** Parses one {@code --gold} specification (see the class comment). */
    public static GoldSource parse(String spec) {
        String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String argument = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "phases":
                return phases();
            case "native":
                return nativeLabels(argument == null ? "auto" : argument);
            case "auto":
                return auto();
            case "imported":
                return imported(spec, Path.of(required(spec, argument)), "auto", null);
            case "agibot": {
                String[] fileAndDataset = fileAndDataset(spec, argument);
                return imported(spec, Path.of(fileAndDataset[0]), "agibot", fileAndDataset[1]);
            }
            case "robocoin": {
                String[] fileAndDataset = fileAndDataset(spec, argument);
                return robocoin(spec, Path.of(fileAndDataset[0]), fileAndDataset[1]);
            }
            default:
                throw invalid("Unknown gold labels '" + spec + "': use phases, native, auto, imported:FILE,"
                        + " agibot:FILE@DATASET or robocoin:FILE@DATASET");
        }
    }

    private static String required(String spec, String argument) {
        if (argument == null || argument.isBlank()) {
            throw invalid("Gold labels '" + spec + "' name no file");
        }
        return argument;
    }

    private static String[] fileAndDataset(String spec, String argument) {
        String value = required(spec, argument);
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) {
            throw invalid("Gold labels '" + spec + "' need FILE@DATASET: the file does not name its dataset");
        }
        return new String[] {value.substring(0, at), value.substring(at + 1)};
    }

    /** {@code ground_truth/phases.jsonl} beside each dataset. */
    public static GoldSource phases() {
        Map<String, Map<Long, GoldEpisode>> cache = new HashMap<>();
        return new GoldSource() {
            @Override
            public String name() {
                return "phases";
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                if (query.datasetRoot() == null) {
                    return Optional.empty();
                }
                Map<Long, GoldEpisode> episodes = cache.computeIfAbsent(query.datasetRoot(), GoldSources::readPhases);
                return Optional.ofNullable(episodes.get(query.episode()));
            }
        };
    }

    private static Map<Long, GoldEpisode> readPhases(String root) {
        DatasetFiles files = DatasetFiles.at(root);
        String file = "ground_truth/phases.jsonl";
        Map<Long, GoldEpisode> episodes = new TreeMap<>();
        if (!files.exists(file)) {
            return episodes;
        }
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(files.open(file), StandardCharsets.UTF_8))) {
            int line = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(text);
                if (!node.hasNonNull("episode_index") || !node.path("phases").isArray()) {
                    throw invalid(root + "/" + file + " line " + line + " has no episode_index or phases");
                }
                List<Segment> spans = new ArrayList<>();
                for (JsonNode phase : node.get("phases")) {
                    long start = phase.path("start_frame").asLong(-1);
                    long end = phase.path("end_frame").asLong(-1);
                    String label = phase.path("label").asText("");
                    if (start < 0 || end < start || label.isBlank()) {
                        throw invalid(root + "/" + file + " line " + line + " has an invalid phase " + phase);
                    }
                    if (end > start) {
                        spans.add(new Segment(label, start, end));
                    }
                }
                episodes.put(node.get("episode_index").asLong(), new GoldEpisode("phases", sorted(spans)));
            }
        } catch (IOException e) {
            throw invalid("Cannot read " + root + "/" + file + ": " + e.getMessage());
        }
        return episodes;
    }

    /** The labels a dataset ships (read by its format's reader), from {@code source} ({@code auto} or one column). */
    public static GoldSource nativeLabels(String source) {
        return new GoldSource() {
            @Override
            public String name() {
                return "native";
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                if (query.ref() == null) {
                    return Optional.empty();
                }
                // through the episode's own reader: AgiBot, HDF5, RLDS and image-sequence files are not LeRobot parquet
                Optional<NativeSubtasks> labels = DatasetReaders.episodeReader(
                                query.ref().format())
                        .nativeSubtasks(DatasetFiles.at(query.ref().datasetRoot()), query.ref(), source);
                if (labels.isEmpty()) {
                    return Optional.empty();
                }
                List<Segment> spans = new ArrayList<>();
                for (SubtaskSpan span : LabelRuns.fromFrames(
                                labels.get().frameIndex(), labels.get().labels())
                        .spans()) {
                    spans.add(new Segment(span.label(), span.startFrame(), span.endFrame()));
                }
                return Optional.of(new GoldEpisode("native:" + labels.get().source(), spans));
            }
        };
    }

    /** {@code phases} where present, else {@code native}. */
    public static GoldSource auto() {
        GoldSource phases = phases();
        GoldSource nativeLabels = nativeLabels("auto");
        return new GoldSource() {
            @Override
            public String name() {
                return "auto";
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                Optional<GoldEpisode> found = phases.find(query);
                return found.isPresent() ? found : nativeLabels.find(query);
            }
        };
    }

    private static GoldSource imported(String spec, Path file, String format, String dataset) {
        if (!Files.isRegularFile(file)) {
            throw invalid("Gold labels file " + file + " (from '" + spec + "') does not exist");
        }
        ImportedLabels labels = ImportedLabels.load(file, format, dataset);
        String source = format.equals("agibot") ? "agibot:" + labels.source() : "imported:" + labels.source();
        return new GoldSource() {
            @Override
            public String name() {
                return spec;
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                ImportedLabels.Episode episode = labels.find(query.dataset(), query.episode());
                if (episode == null) {
                    return Optional.empty();
                }
                List<Segment> spans = new ArrayList<>();
                for (ImportedLabels.Entry entry : episode.entries()) {
                    if (entry.status() != SpanStatus.ABSENT && entry.end() > entry.start()) {
                        spans.add(new Segment(entry.label(), entry.start(), entry.end()));
                    }
                }
                return Optional.of(new GoldEpisode(source, sorted(spans)));
            }
        };
    }

    /** A RoboCOIN export (see the class comment) for {@code dataset}. */
    public static GoldSource robocoin(String spec, Path file, String dataset) {
        Map<Long, GoldEpisode> episodes = readRobocoin(file);
        return new GoldSource() {
            @Override
            public String name() {
                return spec;
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                return query.dataset().equals(dataset)
                        ? Optional.ofNullable(episodes.get(query.episode()))
                        : Optional.empty();
            }
        };
    }

    static Map<Long, GoldEpisode> readRobocoin(Path file) {
        if (!Files.isRegularFile(file)) {
            throw invalid("RoboCOIN labels file " + file + " does not exist");
        }
        Map<Long, List<Segment>> spans = new TreeMap<>();
        String source = "robocoin:" + file.getFileName();
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                readRobocoinCsv(file, spans);
            } else {
                readRobocoinJson(file, spans);
            }
        } catch (IOException e) {
            throw invalid("Cannot read RoboCOIN labels " + file + ": " + e.getMessage());
        }
        Map<Long, GoldEpisode> episodes = new TreeMap<>();
        spans.forEach((episode, list) -> episodes.put(episode, new GoldEpisode(source, clipOverlaps(sorted(list)))));
        return episodes;
    }

    private static void readRobocoinJson(Path file, Map<Long, List<Segment>> spans) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (!root.isArray()) {
            throw invalid("RoboCOIN labels " + file + " are not a list of episodes");
        }
        for (JsonNode episode : root) {
            if (!episode.hasNonNull("episode_index")) {
                throw invalid("RoboCOIN labels " + file + " have an entry without episode_index");
            }
            long index = episode.get("episode_index").asLong();
            List<Segment> list = spans.computeIfAbsent(index, k -> new ArrayList<>());
            for (JsonNode labelled : episode.path("annotation").path("videoLabels")) {
                String label =
                        labelled.path("timelinelabels").path(0).asText("").strip();
                if (ROBOCOIN_SKIPPED.contains(label.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                for (JsonNode range : labelled.path("ranges")) {
                    long start = range.path("start").asLong(0);
                    long end = range.path("end").asLong(-1);
                    if (start < 1 || end < start) {
                        throw invalid("RoboCOIN labels " + file + " episode " + index + " have an invalid range "
                                + range + " for '" + label + "' (1-based, inclusive)");
                    }
                    list.add(new Segment(label, start - 1, end)); // 1-based inclusive -> 0-based, end exclusive
                }
            }
        }
    }

    private static void readRobocoinCsv(Path file, Map<Long, List<Segment>> spans) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equalsIgnoreCase("episode_index,start_frame,end_frame,label")) {
            throw invalid(
                    "RoboCOIN CSV " + file + " must start with the header episode_index,start_frame,end_frame,label");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", 4);
            try {
                long episode = Long.parseLong(fields[0].strip());
                long start = Long.parseLong(fields[1].strip());
                long end = Long.parseLong(fields[2].strip());
                String label = unquote(fields[3].strip());
                if (start < 0 || end < start) {
                    throw invalid("RoboCOIN CSV " + file + " line " + (i + 1) + " has an invalid span");
                }
                if (!ROBOCOIN_SKIPPED.contains(label.toLowerCase(Locale.ROOT))) {
                    spans.computeIfAbsent(episode, k -> new ArrayList<>()).add(new Segment(label, start, end + 1));
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw invalid("RoboCOIN CSV " + file + " line " + (i + 1) + " is not episode,start,end,label");
            }
        }
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        return text;
    }

    /** A span starting inside the previous one starts where the previous one ends (shared Label Studio frames). */
    private static List<Segment> clipOverlaps(List<Segment> spans) {
        List<Segment> result = new ArrayList<>();
        double previousEnd = Double.NEGATIVE_INFINITY;
        for (Segment span : spans) {
            double start = Math.max(span.start(), Math.min(previousEnd, span.end()));
            result.add(new Segment(span.label(), start, span.end()));
            previousEnd = Math.max(previousEnd, span.end());
        }
        return result;
    }

    private static List<Segment> sorted(List<Segment> spans) {
        List<Segment> copy = new ArrayList<>(spans);
        copy.sort(Comparator.comparingDouble(Segment::start).thenComparingDouble(Segment::end));
        return copy;
    }

    static PipelineException invalid(String message) {
        return new PipelineException(GOLD_LABELS_INVALID, message);
    }
}
