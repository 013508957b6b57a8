package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.EpisodeRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/**
 * Subtask labels shipped with a LeRobot dataset, in the forms seen in the wild:
 *
 * <ul>
 *   <li>{@code subtask_index} per frame + {@code meta/subtasks.parquet} ({@code subtask}, {@code subtask_index}), the
 *       v3.0 subtask feature;
 *   <li>{@code sub_task_index} per frame + {@code meta/sub_tasks.jsonl} ({@code sub_task_index}, {@code sub_task}),
 *       the ProcVLM extension of v2.x;
 *   <li>{@code language_persistent} (v3.1 language stack): entries of style {@code subtask} with the timestamp where
 *       each subtask starts.
 * </ul>
 *
 * An index of -1 means unlabelled.
 */
public final class LeRobotNativeSubtasks {
    public static final String SUBTASK_INDEX = "subtask_index";
    public static final String SUB_TASK_INDEX = "sub_task_index";
    public static final String LANGUAGE_PERSISTENT = "language_persistent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LeRobotNativeSubtasks() {}

    /**
     * The episode's labels from {@code preferred} (one of the three sources, or {@code auto}: the first present in the
     * order above), or empty when the dataset ships none.
     */
    public static Optional<NativeSubtasks> read(DatasetFiles files, EpisodeRef ref, String preferred) {
        String path = ref.data().path();
        try {
            MessageType schema = ParquetRecords.schema(files.path(path));
            List<String> sources = preferred.equals("auto")
                    ? List.of(SUBTASK_INDEX, SUB_TASK_INDEX, LANGUAGE_PERSISTENT)
                    : List.of(preferred.replace('-', '_'));
            for (String source : sources) {
                if (!schema.containsField(source)) {
                    continue;
                }
                return Optional.of(
                        source.equals(LANGUAGE_PERSISTENT)
                                ? fromLanguage(files, ref, schema)
                                : fromIndex(files, ref, schema, source));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new PipelineException(
                    DATA_FILE_UNREADABLE, "Cannot read subtask labels from " + path + ": " + e.getMessage(), e);
        }
    }

    private static NativeSubtasks fromIndex(DatasetFiles files, EpisodeRef ref, MessageType schema, String column)
            throws IOException {
        Map<Long, String> texts = column.equals(SUBTASK_INDEX) ? subtasksParquet(files) : subTasksJsonl(files);
        List<Long> frames = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        boolean filter = !ref.data().isWholeFile() && schema.containsField("episode_index");
        try (ParquetRecords records = ParquetRecords.open(
                files.path(ref.data().path()),
                schema,
                Set.of(column, "frame_index"),
                filter ? "episode_index" : null,
                ref.episodeIndex())) {
            int row = 0;
            for (Group group; (group = records.next()) != null; row++) {
                long frame =
                        GroupValues.isPresent(group, "frame_index") ? GroupValues.integer(group, "frame_index") : row;
                long index = GroupValues.isPresent(group, column) ? GroupValues.integer(group, column) : -1;
                String label = index < 0 ? null : texts.get(index);
                if (index >= 0 && label == null) {
                    throw new PipelineException(
                            DATASET_METADATA_INVALID,
                            column + " " + index + " at frame " + frame + " has no text in the dataset's subtask list");
                }
                frames.add(frame);
                labels.add(label);
            }
        }
        return new NativeSubtasks(
                column, frames.stream().mapToLong(Long::longValue).toArray(), labels.toArray(new String[0]));
    }

    private static NativeSubtasks fromLanguage(DatasetFiles files, EpisodeRef ref, MessageType schema)
            throws IOException {
        boolean filter = !ref.data().isWholeFile() && schema.containsField("episode_index");
        List<Long> frames = new ArrayList<>();
        List<double[]> starts = new ArrayList<>(); // {timestamp}
        List<String> startLabels = new ArrayList<>();
        try (ParquetRecords records = ParquetRecords.open(
                files.path(ref.data().path()),
                schema,
                Set.of(LANGUAGE_PERSISTENT, "frame_index"),
                filter ? "episode_index" : null,
                ref.episodeIndex())) {
            int row = 0;
            for (Group group; (group = records.next()) != null; row++) {
                frames.add(
                        GroupValues.isPresent(group, "frame_index") ? GroupValues.integer(group, "frame_index") : row);
                if (row == 0 && GroupValues.isPresent(group, LANGUAGE_PERSISTENT)) {
                    Group list = group.getGroup(LANGUAGE_PERSISTENT, 0);
                    for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
                        Group element = list.getGroup(0, i).getGroup(0, 0);
                        String style = GroupValues.isPresent(element, "style") ? element.getString("style", 0) : "";
                        if (!style.toLowerCase(Locale.ROOT).equals("subtask")
                                || !GroupValues.isPresent(element, "content")
                                || !GroupValues.isPresent(element, "timestamp")) {
                            continue;
                        }
                        starts.add(new double[] {GroupValues.number(element, "timestamp")});
                        startLabels.add(element.getString("content", 0));
                    }
                }
            }
        }
        String[] labels = new String[frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            double time = frames.get(i) / ref.fps();
            String current = null;
            for (int s = 0; s < starts.size(); s++) {
                if (starts.get(s)[0] <= time + 0.5 / ref.fps()) {
                    current = startLabels.get(s);
                }
            }
            labels[i] = current;
        }
        return new NativeSubtasks(
                LANGUAGE_PERSISTENT, frames.stream().mapToLong(Long::longValue).toArray(), labels);
    }

    private static Map<Long, String> subtasksParquet(DatasetFiles files) throws IOException {
        String path = "meta/subtasks.parquet";
        if (!files.exists(path)) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset has subtask_index but no " + path);
        }
        MessageType schema = ParquetRecords.schema(files.path(path));
        String text = schema.containsField("subtask") ? "subtask" : "__index_level_0__";
        Map<Long, String> texts = new HashMap<>();
        try (ParquetRecords records =
                ParquetRecords.open(files.path(path), schema, Set.of(text, SUBTASK_INDEX), null, 0)) {
            for (Group row; (row = records.next()) != null; ) {
                texts.put(GroupValues.integer(row, SUBTASK_INDEX), row.getString(text, 0));
            }
        }
        return texts;
    }

    private static Map<Long, String> subTasksJsonl(DatasetFiles files) throws IOException {
        String path = "meta/sub_tasks.jsonl";
        if (!files.exists(path)) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset has sub_task_index but no " + path);
        }
        Map<Long, String> texts = new HashMap<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (node.has(SUB_TASK_INDEX) && node.has("sub_task")) {
                    texts.put(
                            node.get(SUB_TASK_INDEX).asLong(),
                            node.get("sub_task").asText());
                }
            }
        }
        return texts;
    }
}
