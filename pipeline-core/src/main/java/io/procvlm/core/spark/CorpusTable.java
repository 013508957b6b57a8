package io.procvlm.core.spark;

import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code corpus/} table, ProcCorpus: one row per frame (documented in docs/tables.md). */
public final class CorpusTable {
    public static final String NAME = "corpus";
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("frame_index", DataTypes.LongType, false),
        DataTypes.createStructField("timestamp", DataTypes.DoubleType, false),
        DataTypes.createStructField("task", DataTypes.StringType, false),
        DataTypes.createStructField("segment_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("subtask", DataTypes.StringType, false),
        DataTypes.createStructField("subtask_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("progress", DataTypes.DoubleType, false),
        DataTypes.createStructField("remaining", DataTypes.createArrayType(DataTypes.StringType, false), false),
        DataTypes.createStructField("done", DataTypes.BooleanType, false),
        DataTypes.createStructField("outcome", DataTypes.StringType, false),
        DataTypes.createStructField("annotator", DataTypes.StringType, false),
        DataTypes.createStructField("progress_mode", DataTypes.StringType, false),
        DataTypes.createStructField("annotation_fingerprint", DataTypes.StringType, false),
        DataTypes.createStructField("label_fingerprint", DataTypes.StringType, false)
    });

    private CorpusTable() {}

    public static Row toRow(
            SegmentAnnotation segment,
            ProgressLabel label,
            double timestamp,
            String progressMode,
            String labelFingerprint,
            Object... extra) {
        Object[] values = {
            segment.dataset().value(),
            segment.episodeIndex(),
            label.frameIndex(),
            timestamp,
            segment.task(),
            segment.segmentIndex(),
            label.subtask(),
            label.subtaskIndex(),
            label.progress(),
            label.remaining().toArray(new String[0]),
            label.done(),
            segment.outcome().id(),
            segment.annotator(),
            progressMode,
            segment.fingerprint(),
            labelFingerprint
        };
        if (extra.length > 0) {
            Object[] extended = java.util.Arrays.copyOf(values, values.length + extra.length);
            System.arraycopy(extra, 0, extended, values.length, extra.length);
            values = extended;
        }
        return RowFactory.create(values);
    }
}
