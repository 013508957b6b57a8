package io.procvlm.core.spark;

import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.FeatureRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code frames/} table: one row per decoded frame of every good episode (documented in docs/tables.md). */
public final class FramesTable {
    public static final String NAME = "frames";
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("dataset", DataTypes.StringType, false),
        DataTypes.createStructField("episode_index", DataTypes.LongType, false),
        DataTypes.createStructField("frame_index", DataTypes.LongType, false),
        DataTypes.createStructField("timestamp", DataTypes.DoubleType, false),
        DataTypes.createStructField("video_timestamp", DataTypes.DoubleType, false),
        DataTypes.createStructField("phash", DataTypes.LongType, true),
        DataTypes.createStructField("frame_diff", DataTypes.DoubleType, true),
        DataTypes.createStructField("flow_magnitude", DataTypes.DoubleType, true),
        DataTypes.createStructField("moving_fraction", DataTypes.DoubleType, true),
        DataTypes.createStructField("gripper", DataTypes.DoubleType, true),
        DataTypes.createStructField("state_speed", DataTypes.DoubleType, true),
        DataTypes.createStructField("state", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("action", DataTypes.createArrayType(DataTypes.FloatType, false), true)
    });

    private FramesTable() {}

    /**
     * The rows of one episode, in frame order; {@code phashEnabled} false writes nulls for the hash. {@code extra}
     * values are appended to every row (for helper columns such as an output bucket).
     */
    public static List<Row> rows(EpisodeFeatures features, boolean phashEnabled, Object... extra) {
        FeatureRows frames = features.frames();
        List<Row> rows = new ArrayList<>(frames.size());
        String dataset = features.ref().dataset().value();
        long episode = features.ref().episodeIndex();
        for (int i = 0; i < frames.size(); i++) {
            Object[] values = {
                dataset,
                episode,
                frames.frameIndex(i),
                frames.timestamp(i),
                frames.videoTimestamp(i),
                phashEnabled ? frames.phash(i) : null,
                nullable(frames.frameDiff(i)),
                nullable(frames.flowMagnitude(i)),
                nullable(frames.movingFraction(i)),
                nullable(frames.gripper(i)),
                nullable(frames.stateSpeed(i)),
                boxed(frames.state(i)),
                boxed(frames.action(i))
            };
            if (extra.length > 0) {
                Object[] extended = java.util.Arrays.copyOf(values, values.length + extra.length);
                System.arraycopy(extra, 0, extended, values.length, extra.length);
                values = extended;
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    /**
     * The {@code frames/} table under {@code outputRoot}, grouped by episode ({@code dataset/episode} keys), each
     * episode's rows in frame order. The grouping shuffles rows, never files.
     */
    public static JavaPairRDD<String, EpisodeFrames> byEpisode(SparkSession spark, String outputRoot) {
        Dataset<Row> table = spark.read().schema(SCHEMA).parquet(outputRoot + "/" + NAME);
        return table.javaRDD()
                .groupBy(row -> row.getString(0) + "/" + row.getLong(1))
                .mapValues(FramesTable::toFrames);
    }

    /** One episode's rows (any order) as columns in frame order. */
    static EpisodeFrames toFrames(Iterable<Row> rows) {
        List<Row> sorted = new ArrayList<>();
        rows.forEach(sorted::add);
        sorted.sort(java.util.Comparator.comparingLong(row -> row.getLong(2)));
        int n = sorted.size();
        long[] frameIndex = new long[n];
        double[] timestamp = new double[n];
        double[] flow = new double[n];
        double[] frameDiff = new double[n];
        double[] moving = new double[n];
        double[] gripper = new double[n];
        double[] speed = new double[n];
        long[] phash = new long[n];
        boolean hasPhash = n > 0;
        float[][] state = new float[n][];
        for (int i = 0; i < n; i++) {
            Row row = sorted.get(i);
            frameIndex[i] = row.getLong(2);
            timestamp[i] = row.getDouble(3);
            if (row.isNullAt(5)) {
                hasPhash = false;
            } else {
                phash[i] = row.getLong(5);
            }
            frameDiff[i] = doubleOrNaN(row, 6);
            flow[i] = doubleOrNaN(row, 7);
            moving[i] = doubleOrNaN(row, 8);
            gripper[i] = doubleOrNaN(row, 9);
            speed[i] = doubleOrNaN(row, 10);
            if (!row.isNullAt(11)) {
                List<Float> values = row.getList(11);
                float[] vector = new float[values.size()];
                for (int d = 0; d < vector.length; d++) {
                    vector[d] = values.get(d);
                }
                state[i] = vector;
            }
        }
        return new EpisodeFrames(
                frameIndex, timestamp, flow, frameDiff, moving, gripper, speed, hasPhash ? phash : null, state);
    }

    private static double doubleOrNaN(Row row, int index) {
        return row.isNullAt(index) ? Double.NaN : row.getDouble(index);
    }

    private static Double nullable(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static Float[] boxed(float[] values) {
        if (values == null) {
            return null;
        }
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
