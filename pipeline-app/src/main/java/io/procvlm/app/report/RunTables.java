package io.procvlm.app.report;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DataSlice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.model.VideoSegment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a run's tables without Spark (parquet-java, one file at a time): the whole {@code episodes/} and {@code
 * segments/} tables, and the {@code frames/} and {@code corpus/} rows of single episodes (with a filter on the
 * episode index pushed into the reader).
 */
public final class RunTables {
    private final DatasetFiles files;

    public RunTables(String outputRoot) {
        this.files = DatasetFiles.at(outputRoot);
    }

    public String root() {
        return files.root();
    }

    public boolean has(String table) {
        return !files.listFiles(table, name -> name.endsWith(".parquet")).isEmpty();
    }

    /** One row of {@code episodes/}; {@code ref} is null when the row cannot be turned into a reference. */
    public record EpisodeRow(
            String dataset,
            long episodeIndex,
            String status,
            String reasonCode,
            String reason,
            List<String> warnings,
            String task,
            double fps,
            long frameCount,
            double durationSeconds,
            String format,
            String camera,
            String datasetRoot,
            EpisodeRef ref) {
        public String key() {
            return dataset + "/" + episodeIndex;
        }

        public boolean ok() {
            return status.equals("ok");
        }
    }

    /** One frame's signals from {@code frames/} (NaN / 0 where null). */
    public record FrameRow(
            long frameIndex, double timestamp, double flow, double frameDiff, boolean hasPhash, long phash) {}

    /** One frame of {@code corpus/}. */
    public record CorpusRow(long frameIndex, double progress, String subtask, boolean done, String mode) {}

    public List<EpisodeRow> episodes() {
        List<EpisodeRow> rows = new ArrayList<>();
        read("episodes", null, -1, row -> rows.add(episode(row)));
        rows.sort(Comparator.comparing(EpisodeRow::dataset).thenComparingLong(EpisodeRow::episodeIndex));
        return rows;
    }

    public List<SegmentAnnotation> segments() {
        List<SegmentAnnotation> rows = new ArrayList<>();
        read("segments", null, -1, row -> rows.add(segment(row)));
        rows.sort(Comparator.comparing((SegmentAnnotation s) -> s.dataset().value())
                .thenComparingLong(SegmentAnnotation::episodeIndex)
                .thenComparingInt(SegmentAnnotation::segmentIndex));
        return rows;
    }

    /** The episode's frames, in frame order. */
    public List<FrameRow> frames(String dataset, long episode) {
        List<FrameRow> rows = new ArrayList<>();
        read("frames", "episode_index", episode, row -> {
            if (row.getString("dataset", 0).equals(dataset)) {
                rows.add(new FrameRow(
                        row.getLong("frame_index", 0),
                        row.getDouble("timestamp", 0),
                        optional(row, "flow_magnitude"),
                        optional(row, "frame_diff"),
                        GroupValues.isPresent(row, "phash"),
                        GroupValues.isPresent(row, "phash") ? row.getLong("phash", 0) : 0));
            }
        });
        rows.sort(Comparator.comparingLong(FrameRow::frameIndex));
        return rows;
    }

    /** The episode's ProcCorpus rows, in frame order. */
    public List<CorpusRow> corpus(String dataset, long episode) {
        List<CorpusRow> rows = new ArrayList<>();
        read("corpus", "episode_index", episode, row -> {
            if (row.getString("dataset", 0).equals(dataset)) {
                rows.add(new CorpusRow(
                        row.getLong("frame_index", 0),
                        row.getDouble("progress", 0),
                        row.getString("subtask", 0),
                        row.getBoolean("done", 0),
                        row.getString("progress_mode", 0)));
            }
        });
        rows.sort(Comparator.comparingLong(CorpusRow::frameIndex));
        return rows;
    }

    private static double optional(Group row, String field) {
        return GroupValues.isPresent(row, field) ? row.getDouble(field, 0) : Double.NaN;
    }

    private void read(String table, String filterColumn, long filterValue, Consumer<Group> consumer) {
        for (String file : files.listFiles(table, name -> name.endsWith(".parquet"))) {
            try {
                MessageType schema = ParquetRecords.schema(files.path(file));
                Set<String> columns = new LinkedHashSet<>();
                schema.getFields().forEach(field -> columns.add(field.getName()));
                try (ParquetRecords records =
                        ParquetRecords.open(files.path(file), schema, columns, filterColumn, filterValue)) {
                    for (Group row; (row = records.next()) != null; ) {
                        consumer.accept(row);
                    }
                }
            } catch (IOException e) {
                throw new PipelineException(
                        CoreErrorCode.STORAGE_IO,
                        "Cannot read " + files.root() + "/" + file + ": " + e.getMessage(),
                        e);
            }
        }
    }

    private static String nullable(Group row, String field) {
        return GroupValues.isPresent(row, field) ? row.getString(field, 0) : null;
    }

    private static EpisodeRow episode(Group row) {
        String status = row.getString("status", 0);
        EpisodeRef ref = null;
        try {
            ref = ref(row);
        } catch (RuntimeException e) {
            // a quarantined episode may lack what a reference needs; the report only decodes ok episodes
            if (status.equals("ok")) {
                throw e;
            }
        }
        return new EpisodeRow(
                row.getString("dataset", 0),
                row.getLong("episode_index", 0),
                status,
                nullable(row, "reason_code"),
                nullable(row, "reason"),
                GroupValues.strings(row, "warnings"),
                row.getString("task", 0),
                row.getDouble("fps", 0),
                GroupValues.isPresent(row, "frame_count") ? row.getLong("frame_count", 0) : -1,
                GroupValues.isPresent(row, "duration_s") ? row.getDouble("duration_s", 0) : Double.NaN,
                row.getString("format", 0),
                row.getString("camera", 0),
                row.getString("dataset_root", 0),
                ref);
    }

    /** The episode reference, as {@code EpisodesTable.toRef} builds it from a Spark row. */
    private static EpisodeRef ref(Group row) {
        DatasetFormat format = DatasetFormat.fromId(row.getString("format", 0))
                .orElseThrow(() -> new IllegalArgumentException("Unknown format " + row.getString("format", 0)));
        CameraStorage storage =
                CameraStorage.valueOf(row.getString("camera_storage", 0).toUpperCase(Locale.ROOT));
        CameraChoice camera = new CameraChoice(
                row.getString("camera", 0),
                storage,
                row.getString("camera_rule", 0),
                GroupValues.strings(row, "cameras"));
        DataSlice data = GroupValues.isPresent(row, "data_from_index")
                ? new DataSlice(
                        row.getString("data_path", 0),
                        row.getLong("data_from_index", 0),
                        row.getLong("data_to_index", 0))
                : DataSlice.wholeFile(row.getString("data_path", 0));
        List<Integer> gripper = new ArrayList<>();
        for (double value : GroupValues.numbers(row, "gripper_dims")) {
            gripper.add((int) value);
        }
        FrameColumns columns = new FrameColumns(
                nullable(row, "state_key"),
                nullable(row, "action_key"),
                GroupValues.strings(row, "state_names"),
                gripper);
        VideoSegment segment = null;
        String videoPath = nullable(row, "video_path");
        if (videoPath != null) {
            segment = new VideoSegment(
                    videoPath,
                    row.getDouble("video_from_s", 0),
                    GroupValues.isPresent(row, "video_to_s") ? row.getDouble("video_to_s", 0) : Double.NaN,
                    nullable(row, "video_codec_declared"),
                    GroupValues.isPresent(row, "video_width_declared") ? row.getInteger("video_width_declared", 0) : 0,
                    GroupValues.isPresent(row, "video_height_declared")
                            ? row.getInteger("video_height_declared", 0)
                            : 0);
        }
        return new EpisodeRef(
                new DatasetId(row.getString("dataset", 0)),
                row.getString("dataset_root", 0),
                format,
                row.getLong("episode_index", 0),
                GroupValues.strings(row, "tasks"),
                row.getDouble("fps", 0),
                row.getLong("declared_length", 0),
                data,
                columns,
                camera,
                segment,
                List.of());
    }

    private static SegmentAnnotation segment(Group row) {
        List<SubtaskSpan> spans = new ArrayList<>();
        if (row.getFieldRepetitionCount("spans") > 0) {
            Group list = row.getGroup("spans", 0);
            for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
                Group span = list.getGroup(0, i).getGroup(0, 0);
                spans.add(new SubtaskSpan(
                        span.getInteger("plan_index", 0),
                        span.getString("label", 0),
                        span.getString("verb", 0),
                        span.getLong("start_frame", 0),
                        span.getLong("end_frame", 0),
                        SpanStatus.fromId(span.getString("status", 0))));
            }
        }
        return new SegmentAnnotation(
                new DatasetId(row.getString("dataset", 0)),
                row.getLong("episode_index", 0),
                row.getInteger("segment_index", 0),
                row.getLong("segment_start", 0),
                row.getLong("segment_end", 0),
                row.getString("task", 0),
                GroupValues.strings(row, "plan"),
                spans,
                TaskOutcome.fromId(row.getString("outcome", 0)),
                row.getString("evidence", 0),
                row.getString("annotator", 0),
                row.getString("fingerprint", 0),
                GroupValues.strings(row, "signals"));
    }
}
