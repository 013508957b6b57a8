package io.procvlm.core.spark;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.manifest.TableInfo;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a table so that no partial table is ever visible: Spark writes into {@code <root>/_staging/<table>-<id>/},
 * the part files get deterministic names ({@code part-00000.zstd.parquet}, numbered by partition), side files are
 * removed, and the folder is renamed into place (an existing table is moved aside first, then deleted).
 */
public final class TableCommitter {
    private static final Pattern PART = Pattern.compile("part-(\\d+)-.*?(\\.[a-z0-9]+)?\\.parquet");

    private TableCommitter() {}

    /** Rows per task when a driver-side list is handed to Spark ({@link #oneFileFromDriver}). */
    static final int DRIVER_ROWS_PER_TASK = 256;

    /**
     * A driver-side list of rows as one sorted partition (one output file), without shipping the whole list in one
     * task: {@code createDataFrame(list)} puts every row in the plan of the single task that writes the file, which at
     * 2-3 KB a row grows past Spark's message limit (128 MiB) near 50,000 rows. The rows go out in slices of
     * {@value #DRIVER_ROWS_PER_TASK}, meet in one partition through a shuffle and are sorted there by {@code
     * sortColumns} (the shuffle's order is not fixed, the sort is).
     */
    public static Dataset<Row> oneFileFromDriver(
            SparkSession spark, List<Row> rows, StructType schema, String... sortColumns) {
        int slices = Math.max(1, (rows.size() + DRIVER_ROWS_PER_TASK - 1) / DRIVER_ROWS_PER_TASK);
        JavaRDD<Row> rdd = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(rows, slices);
        Column[] sort = java.util.Arrays.stream(sortColumns).map(functions::col).toArray(Column[]::new);
        return spark.createDataFrame(rdd, schema).repartition(1).sortWithinPartitions(sort);
    }

    /**
     * Writes rows that carry a trailing int column with their output file (from {@link FileBuckets}), sorted within
     * each file by {@code sortColumns}, then commits them as above.
     */
    public static TableInfo commitBucketed(
            SparkSession spark,
            JavaRDD<Row> rowsWithBucket,
            StructType schema,
            int files,
            List<String> sortColumns,
            String outputRoot,
            String name,
            long rows) {
        String bucket = "_bucket";
        Column[] sort = sortColumns.stream().map(functions::col).toArray(Column[]::new);
        Dataset<Row> table = spark.createDataFrame(rowsWithBucket, schema.add(bucket, DataTypes.IntegerType, false))
                .repartition(files, functions.col(bucket))
                .sortWithinPartitions(sort)
                .drop(bucket);
        return commit(table, outputRoot, name, rows);
    }

    public static TableInfo commit(Dataset<Row> table, String outputRoot, String name, long rows) {
        String root = Locations.absolute(outputRoot);
        Path rootPath = new Path(root);
        Path staging = stagingFolder(rootPath, name);
        Parts parts = writeParts(table, staging);
        Path target = publish(staging, rootPath, name);
        return new TableInfo(name, target.toString(), parts.files(), rows, parts.bytes());
    }

    /** What {@link #writeParts} wrote. */
    public record Parts(int files, long bytes) {}

    /** A new, unused staging folder for {@code name} under {@code <root>/_staging/}. */
    public static Path stagingFolder(Path root, String name) {
        return new Path(
                root, "_staging/" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Writes {@code table} as Parquet into {@code folder} (which must not exist): part files are renamed to
     * {@code part-NNNNN.<codec>.parquet} by partition number, footers made canonical, side files removed.
     */
    public static Parts writeParts(Dataset<Row> table, Path folder) {
        try {
            table.write().mode(SaveMode.ErrorIfExists).parquet(folder.toString());
        } catch (Exception e) {
            // Hadoop's IOExceptions come through Spark undeclared or wrapped: the storage failed, not the code.
            Throwable io = e;
            while (io != null && !(io instanceof IOException)) {
                io = io.getCause();
            }
            if (io != null) {
                throw new PipelineException(
                        STORAGE_IO, "Cannot write the table into " + folder + ": " + io.getMessage(), e);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Cannot write the table into " + folder, e);
        }
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            int files = 0;
            long bytes = 0;
            for (FileStatus status : fileSystem.listStatus(folder)) {
                String fileName = status.getPath().getName();
                Matcher matcher = PART.matcher(fileName);
                if (status.isFile() && matcher.matches()) {
                    String compression = matcher.group(2) == null ? "" : matcher.group(2);
                    Path target = new Path(
                            folder,
                            String.format(
                                    Locale.ROOT,
                                    "part-%05d%s.parquet",
                                    Integer.parseInt(matcher.group(1)),
                                    compression));
                    rename(fileSystem, status.getPath(), target);
                    io.procvlm.core.io.ParquetFooters.canonicalize(fileSystem, target);
                    files++;
                    bytes += fileSystem.getFileStatus(target).getLen();
                } else {
                    fileSystem.delete(status.getPath(), true);
                }
            }
            for (FileStatus status : fileSystem.listStatus(folder)) {
                String fileName = status.getPath().getName();
                if (fileName.startsWith(".") || fileName.startsWith("_")) {
                    fileSystem.delete(status.getPath(), true); // checksum and marker files
                }
            }
            return new Parts(files, bytes);
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot write " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames the finished {@code staging} folder to {@code <root>/<name>}, moving an existing one aside first and
     * deleting it after; removes {@code _staging/} when nothing else is left in it.
     */
    public static Path publish(Path staging, Path rootPath, String name) {
        try {
            FileSystem fileSystem = rootPath.getFileSystem(HadoopConf.get());
            Path target = new Path(rootPath, name);
            Path previous = new Path(staging.getParent(), staging.getName() + "-previous");
            boolean hadPrevious = fileSystem.exists(target);
            if (hadPrevious) {
                rename(fileSystem, target, previous);
            }
            rename(fileSystem, staging, target);
            if (hadPrevious) {
                fileSystem.delete(previous, true);
            }
            Path stagingRoot = new Path(rootPath, "_staging");
            FileStatus[] leftovers =
                    fileSystem.exists(stagingRoot) ? fileSystem.listStatus(stagingRoot) : new FileStatus[0];
            if (leftovers.length == 0) {
                fileSystem.delete(stagingRoot, false);
            }
            return target;
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot commit " + name + " under " + rootPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes an unpublished {@code staging} folder (a commit held back), and {@code <root>/_staging/} when nothing else
     * is left in it; the published table is not touched.
     */
    public static void discard(Path staging, Path rootPath) {
        try {
            FileSystem fileSystem = rootPath.getFileSystem(HadoopConf.get());
            fileSystem.delete(staging, true);
            Path stagingRoot = new Path(rootPath, "_staging");
            if (fileSystem.exists(stagingRoot) && fileSystem.listStatus(stagingRoot).length == 0) {
                fileSystem.delete(stagingRoot, false);
            }
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot delete " + staging + ": " + e.getMessage(), e);
        }
    }

    private static void rename(FileSystem fileSystem, Path from, Path to) throws IOException {
        if (!fileSystem.rename(from, to)) {
            throw new IOException("rename " + from + " to " + to + " failed");
        }
    }
}
