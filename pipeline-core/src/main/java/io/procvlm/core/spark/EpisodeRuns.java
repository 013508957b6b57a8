package io.procvlm.core.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One result per episode from a partition's rows sorted by (dataset, episode_index) (columns 0 and 1, as a Spark
 * repartition and sort on those columns leaves them): each run of rows with the same dataset and episode is handed
 * whole to a function as it streams past, and only that run is held. What an RDD {@code groupBy} would give, without
 * Java-serialising every row through the shuffle or re-estimating the size of growing per-episode buffers.
 */
public final class EpisodeRuns {
    /** Makes one episode's result from its rows. */
    @FunctionalInterface
    public interface Grouper<T> {
        T apply(String dataset, long episode, List<Row> rows);
    }

    private EpisodeRuns() {}

    /** The partitions an episode grouping of {@code table} gets: its input partitions, at least the parallelism. */
    public static int partitions(SparkSession spark, Dataset<Row> table) {
        return Math.max(spark.sparkContext().defaultParallelism(), table.rdd().getNumPartitions());
    }

    /**
     * {@code rows} (with {@code dataset} and {@code episode_index} as their first two columns) hash-partitioned on
     * (dataset, episode_index) into {@code partitions} and sorted within partitions by (dataset, episode_index, {@code
     * then}...), as {@link #of} reads them: two tables laid out this way with the same count hold the same episodes in
     * the same partition, in the same order.
     */
    public static JavaRDD<Row> sorted(Dataset<Row> rows, int partitions, String... then) {
        String[] rest = new String[then.length + 1];
        rest[0] = "episode_index";
        System.arraycopy(then, 0, rest, 1, then.length);
        return rows.repartition(partitions, functions.col("dataset"), functions.col("episode_index"))
                .sortWithinPartitions("dataset", rest)
                .javaRDD();
    }

    public static <T> Iterator<T> of(Iterator<Row> rows, Grouper<T> grouper) {
        return new Iterator<>() {
            private Row pending = rows.hasNext() ? rows.next() : null;

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public T next() {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                String dataset = pending.getString(0);
                long episode = pending.getLong(1);
                List<Row> run = new ArrayList<>();
                while (pending != null
                        && pending.getLong(1) == episode
                        && pending.getString(0).equals(dataset)) {
                    run.add(pending);
                    pending = rows.hasNext() ? rows.next() : null;
                }
                return grouper.apply(dataset, episode, run);
            }
        };
    }
}
