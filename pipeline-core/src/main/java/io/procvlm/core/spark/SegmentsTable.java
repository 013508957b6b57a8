package io.procvlm.core.spark;

import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code segments/} table: one row per annotated task segment (documented in docs/tables.md). */
public final class SegmentsTable {
    public static final String NAME = "segments";
    static final StructType SPAN = new StructType(new StructField[] {
        DataTypes.createStructField("plan_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("verb", DataTypes.StringType, false),
        DataTypes.createStructField("start_frame", DataTypes.LongType, false),
        DataTypes.createStructField("end_frame", DataTypes.LongType, false),
        DataTypes.createStructField("status", DataTypes.StringType, false)
    });
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("segment_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("segment_start", DataTypes.LongType, false),
        DataTypes.createStructField("segment_end", DataTypes.LongType, false),
        DataTypes.createStructField("task", DataTypes.StringType, false),
        DataTypes.createStructField("plan", DataTypes.createArrayType(DataTypes.StringType, false), false),
        DataTypes.createStructField("spans", DataTypes.createArrayType(SPAN, false), false),
        DataTypes.createStructField("outcome", DataTypes.StringType, false),
        DataTypes.createStructField("evidence", DataTypes.StringType, false),
        DataTypes.createStructField("annotator", DataTypes.StringType, false),
        DataTypes.createStructField("fingerprint", DataTypes.StringType, false),
        DataTypes.createStructField("signals", DataTypes.createArrayType(DataTypes.StringType, false), false)
    });

    private SegmentsTable() {}

    public static Row toRow(SegmentAnnotation annotation) {
        List<Row> spans = new ArrayList<>();
        for (SubtaskSpan span : annotation.spans()) {
            spans.add(RowFactory.create(
                    span.planIndex(),
                    span.label(),
                    span.verb(),
                    span.startFrame(),
                    span.endFrame(),
                    span.status().id()));
        }
        return RowFactory.create(
                annotation.dataset().value(),
                annotation.episodeIndex(),
                annotation.segmentIndex(),
                annotation.segmentStart(),
                annotation.segmentEnd(),
                annotation.task(),
                annotation.plan().toArray(new String[0]),
                spans.toArray(new Row[0]),
                annotation.outcome().id(),
                annotation.evidence(),
                annotation.annotator(),
                annotation.fingerprint(),
                annotation.signals().toArray(new String[0]));
    }

    public static SegmentAnnotation fromRow(Row row) {
        List<SubtaskSpan> spans = new ArrayList<>();
        for (Row span : row.<Row>getList(row.fieldIndex("spans"))) {
            spans.add(new SubtaskSpan(
                    span.getInt(0),
                    span.getString(1),
                    span.getString(2),
                    span.getLong(3),
                    span.getLong(4),
                    SpanStatus.fromId(span.getString(5))));
        }
        return new SegmentAnnotation(
                new DatasetId(row.getAs("dataset")),
                row.<Long>getAs("episode_index"),
                row.<Integer>getAs("segment_index"),
                row.<Long>getAs("segment_start"),
                row.<Long>getAs("segment_end"),
                row.getAs("task"),
                row.getList(row.fieldIndex("plan")),
                spans,
                TaskOutcome.fromId(row.getAs("outcome")),
                row.getAs("evidence"),
                row.getAs("annotator"),
                row.getAs("fingerprint"),
                row.getList(row.fieldIndex("signals")));
    }
}
