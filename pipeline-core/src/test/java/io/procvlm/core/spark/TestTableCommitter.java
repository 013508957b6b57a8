package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Driver-side rows reach one sorted file in slices, never all in one task. */
final class TestTableCommitter {
    private static final StructType SCHEMA = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("episode_index", DataTypes.LongType, false)
            .add("payload", DataTypes.BinaryType, false);

    @TempDir
    Path directory;

    @Test
    void driverRowsGoOutInSlicesAndLandSortedInOneFile() throws Exception {
        SparkSession spark = SharedSpark.get();
        List<Row> rows = new ArrayList<>();
        for (String dataset : List.of("b-set", "a-set", "c-set")) {
            for (long episode = 0; episode < 400; episode++) {
                rows.add(RowFactory.create(dataset, episode, new byte[] {(byte) episode}));
            }
        }
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((x, y) -> x.getString(0).equals(y.getString(0))
                ? Long.compare(x.getLong(1), y.getLong(1))
                : x.getString(0).compareTo(y.getString(0)));
        Collections.shuffle(rows, new Random(7));

        Dataset<Row> table = TableCommitter.oneFileFromDriver(spark, rows, SCHEMA, "dataset", "episode_index");

        assertThat(table.rdd().getNumPartitions()).isEqualTo(1);
        // the source: one slice per DRIVER_ROWS_PER_TASK rows, so no task carries the whole list
        assertThat(sliceCount(table))
                .isEqualTo((1200 + TableCommitter.DRIVER_ROWS_PER_TASK - 1) / TableCommitter.DRIVER_ROWS_PER_TASK);
        List<String> written = new ArrayList<>();
        String out = directory.resolve("out").toString();
        TableCommitter.commit(table, out, "t", rows.size());
        for (Row row : spark.read().parquet(out + "/t").collectAsList()) {
            written.add(row.getString(0) + "/" + row.getLong(1));
        }
        assertThat(directory.resolve("out/t").toFile().list((dir, name) -> name.endsWith(".parquet")))
                .hasSize(1);
        assertThat(written)
                .containsExactlyElementsOf(sorted.stream()
                        .map(row -> row.getString(0) + "/" + row.getLong(1))
                        .toList());
    }

    /** Partitions of the RDD the rows were parallelized into (the deepest parent of the plan's RDD). */
    private static int sliceCount(Dataset<Row> table) {
        org.apache.spark.rdd.RDD<?> rdd = table.rdd();
        int partitions = rdd.getNumPartitions();
        while (!rdd.dependencies().isEmpty()) {
            rdd = rdd.dependencies().head().rdd();
            partitions = rdd.getNumPartitions();
        }
        return partitions;
    }
}
