package io.procvlm.core.spark;

import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DataSlice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.TaskSegment;
import io.procvlm.core.model.VideoSegment;
import io.procvlm.core.video.VideoInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code episodes/} table: one row per declared episode, with its status, reason and everything a later stage
 * needs to read it again (documented in docs/tables.md).
 */
public final class EpisodesTable {
    public static final String NAME = "episodes";
    /** One task segment of an episode whose task changes inside it. */
    static final StructType TASK_SEGMENT = new StructType(new StructField[] {
        field("segment_index", DataTypes.IntegerType, false),
        field("start_frame", DataTypes.LongType, false),
        field("end_frame", DataTypes.LongType, false),
        field("task", DataTypes.StringType, false)
    });

    public static final StructType SCHEMA = new StructType(new StructField[] {
        field("dataset", DataTypes.StringType, false),
        field("episode_index", DataTypes.LongType, false),
        field("status", DataTypes.StringType, false),
        field("reason_code", DataTypes.StringType, true),
        field("reason", DataTypes.StringType, true),
        field("warnings", DataTypes.createArrayType(DataTypes.StringType, false), false),
        field("task", DataTypes.StringType, false),
        field("tasks", DataTypes.createArrayType(DataTypes.StringType, false), false),
        field("fps", DataTypes.DoubleType, false),
        field("declared_length", DataTypes.LongType, false),
        field("frame_count", DataTypes.LongType, true),
        field("duration_s", DataTypes.DoubleType, true),
        field("format", DataTypes.StringType, false),
        field("dataset_root", DataTypes.StringType, false),
        field("camera", DataTypes.StringType, false),
        field("camera_rule", DataTypes.StringType, false),
        field("camera_storage", DataTypes.StringType, false),
        field("cameras", DataTypes.createArrayType(DataTypes.StringType, false), false),
        field("data_path", DataTypes.StringType, false),
        field("data_from_index", DataTypes.LongType, true),
        field("data_to_index", DataTypes.LongType, true),
        field("state_key", DataTypes.StringType, true),
        field("action_key", DataTypes.StringType, true),
        field("state_names", DataTypes.createArrayType(DataTypes.StringType, false), false),
        field("gripper_dims", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        field("state_dim", DataTypes.IntegerType, true),
        field("action_dim", DataTypes.IntegerType, true),
        field("video_path", DataTypes.StringType, true),
        field("video_from_s", DataTypes.DoubleType, true),
        field("video_to_s", DataTypes.DoubleType, true),
        field("video_codec_declared", DataTypes.StringType, true),
        field("video_width_declared", DataTypes.IntegerType, true),
        field("video_height_declared", DataTypes.IntegerType, true),
        field("video_codec", DataTypes.StringType, true),
        field("video_width", DataTypes.IntegerType, true),
        field("video_height", DataTypes.IntegerType, true),
        field("video_frames", DataTypes.LongType, true),
        field("fingerprint", DataTypes.StringType, false),
        field("snapshot", DataTypes.StringType, false),
        field("task_segments", DataTypes.createArrayType(TASK_SEGMENT, false), false)
    });

    private EpisodesTable() {}

    public static Row toRow(EpisodeInspection inspection, String snapshot) {
        EpisodeRef ref = inspection.ref();
        VideoSegment segment = ref.video();
        VideoInfo video = inspection.video();
        List<String> warnings = new ArrayList<>();
        for (Problem warning : inspection.warnings()) {
            warnings.add(warning.toString());
        }
        for (Problem problem : inspection.problems()) {
            // errors beyond the first (the reason) are kept as well: validate lists every problem
            if (problem.isError() && !problem.equals(inspection.reason().orElse(null))) {
                warnings.add(problem.toString());
            }
        }
        Problem reason = inspection.reason().orElse(null);
        return RowFactory.create(
                ref.dataset().value(),
                ref.episodeIndex(),
                inspection.status().id(),
                reason == null ? null : reason.code(),
                reason == null ? null : reason.message(),
                warnings.toArray(new String[0]),
                ref.task(),
                ref.tasks().toArray(new String[0]),
                ref.fps(),
                ref.declaredLength(),
                inspection.rows() < 0 ? null : inspection.rows(),
                inspection.durationSeconds() < 0 ? null : inspection.durationSeconds(),
                ref.format().id(),
                ref.datasetRoot(),
                ref.camera().key(),
                ref.camera().rule(),
                ref.camera().storage().name().toLowerCase(Locale.ROOT),
                ref.camera().candidates().toArray(new String[0]),
                ref.data().path(),
                ref.data().isWholeFile() ? null : ref.data().fromIndex(),
                ref.data().isWholeFile() ? null : ref.data().toIndex(),
                ref.columns().stateKey(),
                ref.columns().actionKey(),
                ref.columns().stateNames().toArray(new String[0]),
                ref.columns().gripperDimensions().toArray(new Integer[0]),
                inspection.stateDimension() < 0 ? null : inspection.stateDimension(),
                inspection.actionDimension() < 0 ? null : inspection.actionDimension(),
                segment == null ? null : segment.path(),
                segment == null ? null : segment.fromTimestamp(),
                segment == null || !segment.isBounded() ? null : segment.toTimestamp(),
                segment == null ? null : segment.declaredCodec(),
                segment == null || segment.declaredWidth() == 0 ? null : segment.declaredWidth(),
                segment == null || segment.declaredHeight() == 0 ? null : segment.declaredHeight(),
                video == null ? null : video.codec(),
                video == null ? null : video.width(),
                video == null ? null : video.height(),
                video == null || video.frameCount() < 0 ? null : video.frameCount(),
                inspection.fingerprint(),
                snapshot,
                ref.taskSegments().stream()
                        .map(task ->
                                RowFactory.create(task.segmentIndex(), task.startFrame(), task.endFrame(), task.task()))
                        .toArray(Row[]::new));
    }

    /** Rebuilds the episode reference from a row (the features stage reads the table this way). */
    public static EpisodeRef toRef(Row row) {
        DatasetFormat format = DatasetFormat.fromId(row.getAs("format"))
                .orElseThrow(() -> new IllegalArgumentException("Unknown format " + row.getAs("format")));
        CameraStorage storage = CameraStorage.valueOf(((String) row.getAs("camera_storage")).toUpperCase(Locale.ROOT));
        CameraChoice camera =
                new CameraChoice(row.getAs("camera"), storage, row.getAs("camera_rule"), strings(row, "cameras"));
        Long from = row.getAs("data_from_index");
        Long to = row.getAs("data_to_index");
        DataSlice data = from == null
                ? DataSlice.wholeFile(row.getAs("data_path"))
                : new DataSlice(row.getAs("data_path"), from, to);
        List<Integer> gripper = row.getList(row.fieldIndex("gripper_dims"));
        FrameColumns columns =
                new FrameColumns(row.getAs("state_key"), row.getAs("action_key"), strings(row, "state_names"), gripper);
        VideoSegment segment = null;
        String videoPath = row.getAs("video_path");
        if (videoPath != null) {
            Double toSeconds = row.getAs("video_to_s");
            Integer width = row.getAs("video_width_declared");
            Integer height = row.getAs("video_height_declared");
            segment = new VideoSegment(
                    videoPath,
                    row.<Double>getAs("video_from_s"),
                    toSeconds == null ? Double.NaN : toSeconds,
                    row.getAs("video_codec_declared"),
                    width == null ? 0 : width,
                    height == null ? 0 : height);
        }
        return new EpisodeRef(
                new DatasetId(row.getAs("dataset")),
                row.getAs("dataset_root"),
                format,
                row.<Long>getAs("episode_index"),
                strings(row, "tasks"),
                row.<Double>getAs("fps"),
                row.<Long>getAs("declared_length"),
                data,
                columns,
                camera,
                segment,
                List.of(),
                taskSegments(row));
    }

    private static List<TaskSegment> taskSegments(Row row) {
        List<Row> rows;
        try {
            rows = row.getList(row.fieldIndex("task_segments"));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            rows = null; // episodes/ written before task segments existed
        }
        List<TaskSegment> segments = new ArrayList<>();
        if (rows != null) {
            for (Row segment : rows) {
                segments.add(new TaskSegment(
                        segment.getInt(0), segment.getLong(1), segment.getLong(2), segment.getString(3)));
            }
        }
        return segments;
    }

    private static List<String> strings(Row row, String column) {
        return row.getList(row.fieldIndex(column));
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
