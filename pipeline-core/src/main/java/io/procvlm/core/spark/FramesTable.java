package io.procvlm.core.spark;

import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.FeatureRows;
import io.procvlm.core.model.EpisodeRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

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
        return byEpisode(spark, outputRoot, null);
    }

    /**
     * The rows of the episodes {@code keys} names ({@code dataset/episode}, as {@link EpisodeRef#key()} gives them; all
     * episodes when {@code null}) of the {@code frames/} table under {@code
     * outputRoot}, grouped by episode ({@code dataset/episode} keys), each episode's rows in frame order.
     *
     * <p>The rows of other episodes are dropped before anything is shuffled: a range filter per dataset (pushed down
     * to the Parquet reader, which skips row groups outside it) then a semi-join on the exact keys. The kept rows are
     * hash-partitioned by episode and sorted within partitions (Spark's own sort-based shuffle of binary rows), so a
     * batch's cost follows the batch's rows, not the table's, and no episode's rows are ever collected as objects on
     * the way. The partition count follows the table's input partitions, at least the default parallelism.
     */
    public static JavaPairRDD<String, EpisodeFrames> byEpisode(
            SparkSession spark, String outputRoot, Collection<String> keys) {
        Dataset<Row> table = read(spark, outputRoot);
        int partitions = EpisodeRuns.partitions(spark, table);
        if (keys != null) {
            List<Key> episodes = keys.stream().map(Key::parse).distinct().toList();
            if (episodes.isEmpty()) {
                return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelizePairs(List.of());
            }
            table = table.filter(ranges(episodes))
                    .join(
                            functions.broadcast(keys(spark, episodes)),
                            scala.jdk.javaapi.CollectionConverters.asScala(List.of("dataset", "episode_index"))
                                    .toSeq(),
                            "left_semi");
            partitions = Math.max(1, Math.min(partitions, episodes.size()));
        }
        return EpisodeRuns.sorted(table, partitions, "frame_index")
                .mapPartitions(FramesTable::grouped)
                .mapToPair(episode -> new Tuple2<>(episode._1().toString(), episode._2()));
    }

    private static Dataset<Row> read(SparkSession spark, String outputRoot) {
        return spark.read().schema(SCHEMA).parquet(outputRoot + "/" + NAME);
    }

    /**
     * One episode's frames (or {@code null} when the frames table has none) beside the rows another table holds for
     * it (in that table's order column's order; empty when it has none).
     */
    public record Joined(String key, String dataset, long episode, EpisodeFrames frames, List<Row> side)
            implements java.io.Serializable {}

    /**
     * Every episode of the {@code frames/} table under {@code outputRoot} or of {@code side} (a table with {@code
     * dataset} and {@code episode_index} columns, e.g. {@code segments/}), its frames beside its {@code side} rows in
     * {@code sideOrder} order. Both tables are hash-partitioned the same way on (dataset, episode_index) and sorted
     * within partitions, then merged partition by partition: only the two shuffles, no per-episode object on the
     * driver and no second shuffle of the frames.
     */
    public static JavaRDD<Joined> joined(SparkSession spark, String outputRoot, Dataset<Row> side, String sideOrder) {
        Dataset<Row> table = read(spark, outputRoot);
        int partitions = EpisodeRuns.partitions(spark, table);
        JavaRDD<Row> frames = EpisodeRuns.sorted(table, partitions, "frame_index");
        JavaRDD<Row> others = EpisodeRuns.sorted(side, partitions, sideOrder);
        int datasetColumn = side.schema().fieldIndex("dataset");
        int episodeColumn = side.schema().fieldIndex("episode_index");
        return frames.zipPartitions(others, (left, right) -> merge(left, right, datasetColumn, episodeColumn));
    }

    /** Merges two partitions sorted by (dataset as Spark orders strings, episode). */
    private static Iterator<Joined> merge(
            Iterator<Row> frameRows, Iterator<Row> sideRows, int datasetColumn, int episodeColumn) {
        Iterator<Tuple2<Key, EpisodeFrames>> frames = grouped(frameRows);
        return new Iterator<>() {
            private Tuple2<Key, EpisodeFrames> nextFrames = frames.hasNext() ? frames.next() : null;
            private Row nextSide = sideRows.hasNext() ? sideRows.next() : null;

            @Override
            public boolean hasNext() {
                return nextFrames != null || nextSide != null;
            }

            @Override
            public Joined next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Key framesKey = nextFrames == null ? null : nextFrames._1();
                Key sideKey = nextSide == null
                        ? null
                        : new Key(nextSide.getString(datasetColumn), nextSide.getLong(episodeColumn));
                int order = framesKey == null ? 1 : sideKey == null ? -1 : framesKey.compareTo(sideKey);
                Key key = order <= 0 ? framesKey : sideKey;
                EpisodeFrames episodeFrames = null;
                if (order <= 0) {
                    episodeFrames = nextFrames._2();
                    nextFrames = frames.hasNext() ? frames.next() : null;
                }
                List<Row> side = new ArrayList<>();
                if (order >= 0) {
                    while (nextSide != null
                            && nextSide.getLong(episodeColumn) == key.episode()
                            && nextSide.getString(datasetColumn).equals(key.dataset())) {
                        side.add(nextSide);
                        nextSide = sideRows.hasNext() ? sideRows.next() : null;
                    }
                }
                return new Joined(key.toString(), key.dataset(), key.episode(), episodeFrames, side);
            }
        };
    }

    /** {@code (dataset = d AND episode_index BETWEEN min AND max) OR ...}, one term per dataset. */
    private static Column ranges(List<Key> episodes) {
        Map<String, long[]> bounds = new TreeMap<>();
        for (Key key : episodes) {
            bounds.merge(key.dataset(), new long[] {key.episode(), key.episode()}, (a, b) ->
                    new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Column any = null;
        for (Map.Entry<String, long[]> entry : bounds.entrySet()) {
            Column term = functions
                    .col("dataset")
                    .equalTo(entry.getKey())
                    .and(functions.col("episode_index").between(entry.getValue()[0], entry.getValue()[1]));
            any = any == null ? term : any.or(term);
        }
        return any;
    }

    private static Dataset<Row> keys(SparkSession spark, List<Key> episodes) {
        List<Row> rows = new ArrayList<>(episodes.size());
        for (Key key : episodes) {
            rows.add(RowFactory.create(key.dataset(), key.episode()));
        }
        StructType schema = new StructType()
                .add("dataset", DataTypes.StringType, false)
                .add("episode_index", DataTypes.LongType, false);
        return spark.createDataFrame(rows, schema);
    }

    /** A {@code dataset/episode} key, split at its last slash (dataset ids may hold slashes). */
    private record Key(String dataset, long episode) implements Comparable<Key>, java.io.Serializable {
        /** Spark's order: datasets by their UTF-8 bytes, then episodes. */
        @Override
        public int compareTo(Key other) {
            int byDataset = org.apache.spark.unsafe.types.UTF8String.fromString(dataset)
                    .compareTo(org.apache.spark.unsafe.types.UTF8String.fromString(other.dataset));
            return byDataset != 0 ? byDataset : Long.compare(episode, other.episode);
        }

        /** {@code dataset/episode}, as {@link EpisodeRef#key()} writes it. */
        @Override
        public String toString() {
            return dataset + "/" + episode;
        }

        static Key parse(String key) {
            int slash = key.lastIndexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("Not a dataset/episode key: " + key);
            }
            return new Key(key.substring(0, slash), Long.parseLong(key.substring(slash + 1)));
        }
    }

    /** A partition's rows, sorted by episode then frame, as one pair per episode. */
    private static Iterator<Tuple2<Key, EpisodeFrames>> grouped(Iterator<Row> rows) {
        return EpisodeRuns.of(rows, (dataset, episode, run) -> new Tuple2<>(new Key(dataset, episode), toFrames(run)));
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
