package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_MISSING;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;
import static io.procvlm.core.error.CoreErrorCode.EPISODE_ROWS_MISSING;

import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.EpisodeRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/** Reads one LeRobot episode's per-frame rows (timestamps, frame indices, state and action vectors). */
public final class LeRobotFrames {
    private LeRobotFrames() {}

    /**
     * @throws PipelineException with {@code DATA_FILE_MISSING}, {@code DATA_FILE_UNREADABLE} or {@code
     *     EPISODE_ROWS_MISSING}
     */
    public static FrameTable read(DatasetFiles files, EpisodeRef ref) {
        String path = ref.data().path();
        if (!files.exists(path)) {
            throw new PipelineException(DATA_FILE_MISSING, "data file " + path + " does not exist");
        }
        try {
            MessageType schema = ParquetRecords.schema(files.path(path));
            boolean hasTimestamp = schema.containsField("timestamp");
            boolean hasFrameIndex = schema.containsField("frame_index");
            if (!hasTimestamp && !hasFrameIndex) {
                throw new PipelineException(
                        DATA_FILE_UNREADABLE,
                        "data file " + path + " has neither a timestamp nor a frame_index column");
            }
            String stateKey = present(schema, ref.columns().stateKey());
            String actionKey = present(schema, ref.columns().actionKey());
            boolean hasTaskIndex = schema.containsField("task_index");
            Set<String> columns = new HashSet<>(List.of("timestamp", "frame_index", "episode_index"));
            if (hasTaskIndex) {
                columns.add("task_index");
            }
            if (stateKey != null) {
                columns.add(stateKey);
            }
            if (actionKey != null) {
                columns.add(actionKey);
            }
            String filterColumn =
                    !ref.data().isWholeFile() && schema.containsField("episode_index") ? "episode_index" : null;
            DoubleStream.Builder timestamps = DoubleStream.builder();
            LongStream.Builder frameIndices = LongStream.builder();
            LongStream.Builder taskIndices = LongStream.builder();
            int rows = 0;
            List<float[]> states = stateKey == null ? null : new ArrayList<>();
            List<float[]> actions = actionKey == null ? null : new ArrayList<>();
            try (ParquetRecords records =
                    ParquetRecords.open(files.path(path), schema, columns, filterColumn, ref.episodeIndex())) {
                int row = 0;
                for (Group group; (group = records.next()) != null; row++) {
                    long frameIndex = hasFrameIndex ? GroupValues.integer(group, "frame_index") : row;
                    double timestamp = hasTimestamp ? GroupValues.number(group, "timestamp") : frameIndex / ref.fps();
                    timestamps.add(timestamp);
                    frameIndices.add(frameIndex);
                    if (hasTaskIndex) {
                        taskIndices.add(
                                GroupValues.isPresent(group, "task_index")
                                        ? GroupValues.integer(group, "task_index")
                                        : -1);
                    }
                    rows++;
                    if (states != null) {
                        states.add(toFloats(GroupValues.numbers(group, stateKey)));
                    }
                    if (actions != null) {
                        actions.add(toFloats(GroupValues.numbers(group, actionKey)));
                    }
                }
            }
            if (rows == 0) {
                throw new PipelineException(
                        EPISODE_ROWS_MISSING, "data file " + path + " has no rows for episode " + ref.episodeIndex());
            }
            return new FrameTable(
                    timestamps.build().toArray(),
                    frameIndices.build().toArray(),
                    states == null ? null : states.toArray(new float[0][]),
                    actions == null ? null : actions.toArray(new float[0][]),
                    hasTaskIndex ? taskIndices.build().toArray() : null);
        } catch (IOException | RuntimeException e) {
            if (e instanceof PipelineException pipelineException) {
                throw pipelineException;
            }
            throw new PipelineException(DATA_FILE_UNREADABLE, "Cannot read data file " + path + ": " + describe(e), e);
        }
    }

    private static String present(MessageType schema, String column) {
        return column != null && schema.containsField(column) ? column : null;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
