package io.procvlm.core.io;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import io.procvlm.core.error.PipelineException;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Whether a committed table's column holds any value, told on the driver from the Parquet footers (null counts of
 * every column chunk), without Spark: what lets a run reject a setting that needs a column no row has before it
 * starts a stage.
 */
public final class ColumnValues {
    private ColumnValues() {}

    /**
     * What the table's files say about a top-level column.
     *
     * @param rows the table's rows
     * @param withValue the rows whose column is not null (0 when the files lack the column)
     */
    public record Fill(long rows, long withValue) {
        public boolean anyValue() {
            return withValue > 0;
        }
    }

    /** Counts the rows of the Parquet table folder {@code table} and those with a value in {@code column}. */
    public static Fill of(String table, String column) {
        Path folder = new Path(Locations.absolute(table));
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            long rows = 0;
            long withValue = 0;
            for (FileStatus status : fileSystem.listStatus(folder)) {
                String name = status.getPath().getName();
                if (!status.isFile() || !name.endsWith(".parquet") || name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                try (ParquetFileReader reader =
                        ParquetFileReader.open(HadoopInputFile.fromPath(status.getPath(), HadoopConf.get()))) {
                    MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                    long fileRows = 0;
                    long fileValues = 0;
                    boolean counted = true;
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        fileRows += block.getRowCount();
                        long values = schema.containsField(column) ? withValue(block, column) : 0;
                        if (values < 0) {
                            counted = false;
                        } else {
                            fileValues += values;
                        }
                    }
                    rows += fileRows;
                    withValue += counted ? fileValues : countByReading(status.getPath(), schema, column);
                } catch (RuntimeException e) {
                    if (e instanceof PipelineException) {
                        throw e;
                    }
                    throw ParquetRecords.unreadable(status.getPath(), e);
                }
            }
            return new Fill(rows, withValue);
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot read " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Non-null values of the column in one row group, from the chunk's null count; -1 when the writer left it out. */
    private static long withValue(BlockMetaData block, String column) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            if (chunk.getPath().toDotString().equals(column)) {
                Statistics<?> statistics = chunk.getStatistics();
                return statistics != null && statistics.isNumNullsSet()
                        ? Math.max(0, block.getRowCount() - statistics.getNumNulls())
                        : -1;
            }
        }
        return 0;
    }

    /** Reads the column of the whole file (a writer that records no null counts; never the case for Spark's). */
    private static long countByReading(Path file, MessageType schema, String column) throws IOException {
        long count = 0;
        try (ParquetRecords records = ParquetRecords.open(file, schema, List.of(column), null, 0)) {
            for (Group row; (row = records.next()) != null; ) {
                if (row.getFieldRepetitionCount(column) > 0) {
                    count++;
                }
            }
        }
        return count;
    }
}
