package io.procvlm.core.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Concatenates Parquet files of one schema into one file by copying their row groups byte for byte: nothing is decoded
 * or encoded again, so each column chunk keeps its codec, encodings and statistics (page indexes are not carried over;
 * readers do without them). Rows come in the order of the files, then of their row groups. The footer is made
 * canonical ({@link ParquetFooters}), so the same files give the same bytes. The file is written under a hidden name
 * and renamed into place when complete.
 */
public final class ParquetConcat {
    private ParquetConcat() {}

    /**
     * A hidden name beside {@code target} to write it under before renaming it into place, unique to this writer: two
     * attempts of one Spark task (a retry racing a slow first try, or speculation) never write into the same file.
     * Readers skip names starting with {@code _}.
     */
    public static Path writingName(Path target) {
        return new Path(
                target.getParent(),
                "_" + target.getName() + "."
                        + java.util.UUID.randomUUID().toString().substring(0, 8) + ".writing");
    }

    /**
     * Writes {@code target} from the row groups of {@code sources}, in order; every source must have exactly {@code
     * schema}. Returns the target's length in bytes.
     *
     * @throws IOException when a source cannot be read, has another schema, or the target cannot be written
     */
    public static long concat(List<Path> sources, Path target, MessageType schema) throws IOException {
        requireNonNull(sources, "sources is null");
        requireNonNull(schema, "schema is null");
        Configuration conf = HadoopConf.get();
        FileSystem fileSystem = target.getFileSystem(conf);
        Path hidden = writingName(target);
        boolean done = false;
        try {
            // no row-group padding: the copied groups follow each other as they are
            try (ParquetFileWriter writer = new ParquetFileWriter(
                    HadoopOutputFile.fromPath(hidden, conf), schema, ParquetFileWriter.Mode.OVERWRITE, 1L << 30, 0)) {
                writer.start();
                for (Path source : sources) {
                    try (ParquetFileReader reader = ParquetFileReader.open(
                            HadoopInputFile.fromPath(source, conf),
                            HadoopReadOptions.builder(conf, source).build())) {
                        MessageType found = reader.getFooter().getFileMetaData().getSchema();
                        if (!found.equals(schema)) {
                            throw new IOException(source + " has the schema " + found + ", not " + schema);
                        }
                        reader.appendTo(writer);
                    } catch (RuntimeException e) {
                        throw ParquetRecords.unreadable(source, e);
                    }
                }
                writer.end(Map.of());
            }
            ParquetFooters.canonicalize(fileSystem, hidden);
            fileSystem.delete(target, false);
            if (!fileSystem.rename(hidden, target)) {
                throw new IOException("rename " + hidden + " to " + target + " failed");
            }
            done = true;
            return fileSystem.getFileStatus(target).getLen();
        } finally {
            if (!done) {
                fileSystem.delete(hidden, false);
            }
        }
    }
}
