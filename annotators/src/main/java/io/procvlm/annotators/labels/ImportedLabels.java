package io.procvlm.annotators.labels;

import static io.procvlm.annotators.AnnotatorErrorCode.IMPORTED_LABELS_INVALID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.TaskOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/**
 * Subtask spans imported from a file, keyed by dataset and episode:
 *
 * <ul>
 *   <li><b>JSONL</b>: one span per line, {@code {"dataset", "episode", "label", "start", "end"}} (frames, end
 *       exclusive), optional {@code "status"} (completed, incomplete, absent) and {@code "outcome"} (success, failure);
 *   <li><b>Parquet</b>: the same columns;
 *   <li><b>AgiBot World</b> {@code task_info/task_<id>.json}: a list of episodes with {@code episode_id} and {@code
 *       label_info.action_config} entries ({@code start_frame}, {@code end_frame}, {@code action_text}); the dataset
 *       id is given separately (AgiBot files do not name it).
 * </ul>
 */
public final class ImportedLabels implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One imported span. */
    public record Entry(String label, long start, long end, SpanStatus status) implements Serializable {}

    /** Everything imported for one episode. */
    public record Episode(List<Entry> entries, TaskOutcome outcome) implements Serializable {}

    private final Map<String, Episode> episodes;
    private final String fingerprint;
    private final String source;

    private ImportedLabels(Map<String, Episode> episodes, String fingerprint, String source) {
        this.episodes = Collections.unmodifiableMap(episodes);
        this.fingerprint = fingerprint;
        this.source = source;
    }

    /**
     * @param format {@code auto} (by extension: .jsonl, .parquet, .json for AgiBot), {@code jsonl}, {@code parquet} or
     *     {@code agibot}
     * @param agibotDataset the dataset id AgiBot entries belong to (AgiBot format only)
     */
    public static ImportedLabels load(Path file, String format, String agibotDataset) {
        String kind = format.equals("auto") ? byExtension(file) : format;
        try {
            Map<String, List<Entry>> spans = new TreeMap<>();
            Map<String, TaskOutcome> outcomes = new TreeMap<>();
            switch (kind) {
                case "jsonl" -> readJsonl(file, spans, outcomes);
                case "parquet" -> readParquet(file, spans, outcomes);
                case "agibot" -> readAgibot(file, agibotDataset, spans);
                default -> throw invalid(file, "has an unknown format '" + kind + "' (jsonl, parquet or agibot)");
            }
            Map<String, Episode> episodes = new TreeMap<>();
            spans.forEach((key, list) -> {
                list.sort(java.util.Comparator.comparingLong(Entry::start));
                episodes.put(key, new Episode(list, outcomes.getOrDefault(key, TaskOutcome.UNKNOWN)));
            });
            byte[] bytes = Files.readAllBytes(file);
            return new ImportedLabels(
                    episodes, Fingerprints.ofBytes(bytes), file.getFileName().toString());
        } catch (IOException e) {
            throw invalid(file, "cannot be read: " + e.getMessage());
        }
    }

    public Episode find(String dataset, long episode) {
        return episodes.get(key(dataset, episode));
    }

    public int size() {
        return episodes.size();
    }

    public String fingerprint() {
        return fingerprint;
    }

    public String source() {
        return source;
    }

    private static String key(String dataset, long episode) {
        return dataset + "/" + episode;
    }

    private static String byExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            return "jsonl";
        }
        if (name.endsWith(".parquet")) {
            return "parquet";
        }
        if (name.endsWith(".json")) {
            return "agibot";
        }
        return "unknown";
    }

    private static void readJsonl(Path file, Map<String, List<Entry>> spans, Map<String, TaskOutcome> outcomes)
            throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int line = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (IOException e) {
                    throw invalid(file, "line " + line + " is not valid JSON");
                }
                for (String field : List.of("dataset", "episode", "label", "start", "end")) {
                    if (!node.hasNonNull(field)) {
                        throw invalid(file, "line " + line + " has no '" + field + "'");
                    }
                }
                add(
                        file,
                        "line " + line,
                        spans,
                        outcomes,
                        node.get("dataset").asText(),
                        node.get("episode").asLong(),
                        node.get("label").asText(),
                        node.get("start").asLong(),
                        node.get("end").asLong(),
                        node.hasNonNull("status") ? node.get("status").asText() : null,
                        node.hasNonNull("outcome") ? node.get("outcome").asText() : null);
            }
        }
    }

    private static void readParquet(Path file, Map<String, List<Entry>> spans, Map<String, TaskOutcome> outcomes)
            throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        MessageType schema = ParquetRecords.schema(path);
        for (String field : List.of("dataset", "episode", "label", "start", "end")) {
            if (!schema.containsField(field)) {
                throw invalid(file, "has no column '" + field + "'");
            }
        }
        try (ParquetRecords records = ParquetRecords.open(
                path, schema, Set.of("dataset", "episode", "label", "start", "end", "status", "outcome"), null, 0)) {
            int row = 0;
            for (Group group; (group = records.next()) != null; row++) {
                add(
                        file,
                        "row " + row,
                        spans,
                        outcomes,
                        group.getString("dataset", 0),
                        GroupValues.integer(group, "episode"),
                        group.getString("label", 0),
                        GroupValues.integer(group, "start"),
                        GroupValues.integer(group, "end"),
                        GroupValues.isPresent(group, "status") ? group.getString("status", 0) : null,
                        GroupValues.isPresent(group, "outcome") ? group.getString("outcome", 0) : null);
            }
        }
    }

    private static void readAgibot(Path file, String dataset, Map<String, List<Entry>> spans) throws IOException {
        if (dataset == null || dataset.isBlank()) {
            throw invalid(file, "is AgiBot task info, which does not name its dataset: set annotate.labels-dataset");
        }
        JsonNode root = JSON.readTree(file.toFile());
        if (!root.isArray()) {
            throw invalid(file, "is not a list of episodes");
        }
        for (JsonNode episode : root) {
            if (!episode.hasNonNull("episode_id")) {
                throw invalid(file, "has an episode without 'episode_id'");
            }
            long id = episode.get("episode_id").asLong();
            for (JsonNode action : episode.path("label_info").path("action_config")) {
                add(
                        file,
                        "episode " + id,
                        spans,
                        new TreeMap<>(),
                        dataset,
                        id,
                        action.path("action_text").asText(action.path("skill").asText("")),
                        action.path("start_frame").asLong(-1),
                        action.path("end_frame").asLong(-1) + 1, // AgiBot end frames are inclusive
                        null,
                        null);
            }
        }
    }

    private static void add(
            Path file,
            String where,
            Map<String, List<Entry>> spans,
            Map<String, TaskOutcome> outcomes,
            String dataset,
            long episode,
            String label,
            long start,
            long end,
            String status,
            String outcome) {
        if (label.isBlank() || start < 0 || end < start) {
            throw invalid(file, where + " has an invalid span '" + label + "' [" + start + ", " + end + ")");
        }
        SpanStatus spanStatus;
        try {
            spanStatus = status == null ? SpanStatus.COMPLETED : SpanStatus.fromId(status);
        } catch (IllegalArgumentException e) {
            throw invalid(file, where + " has an unknown status '" + status + "'");
        }
        String key = key(dataset, episode);
        spans.computeIfAbsent(key, k -> new ArrayList<>())
                .add(new Entry(label.strip(), start, spanStatus == SpanStatus.ABSENT ? start : end, spanStatus));
        if (outcome != null) {
            try {
                outcomes.put(key, TaskOutcome.fromId(outcome));
            } catch (IllegalArgumentException e) {
                throw invalid(file, where + " has an unknown outcome '" + outcome + "'");
            }
        }
    }

    private static PipelineException invalid(Path file, String what) {
        return new PipelineException(IMPORTED_LABELS_INVALID, "Labels file " + file + " " + what);
    }
}
