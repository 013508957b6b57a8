package io.procvlm.core.images;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.ParquetFooters;
import io.procvlm.core.video.FrameImages;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;

/**
 * Writes one episode's frame images as one Parquet file of {@link FeatureImages#SCHEMA}, streaming: parquet-java
 * buffers at most one row group ({@link #ROW_GROUP_BYTES}), whatever the episode's length. The file is written under
 * a hidden name and renamed when {@link #commit()} is called, so a reader never sees half an episode; {@link #close()}
 * without a commit deletes it. Same rows, same bytes (canonical footer). Compressed with zstd, as ProcVQA's tables: the
 * JPEGs of a video shrink by about a quarter at more than 1 GB/s, and {@code vqa} copies these row groups as they are.
 */
public final class ImageFileWriter implements AutoCloseable {
    /** Row group size: small enough that a task's buffer stays a few MiB, large enough for sequential reads. */
    static final int ROW_GROUP_BYTES = 8 << 20;

    private final FileSystem fileSystem;
    private final Path target;
    private final Path hidden;
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory rows = new SimpleGroupFactory(FeatureImages.SCHEMA);
    private final Binary dataset;
    private final Binary variant = Binary.fromString(FeatureImages.VARIANT);
    private final String pathPrefix;
    private final long episode;
    private long count;
    private long bytes;
    private boolean closed;

    /** Opens {@code target} (replacing a file left there by an earlier attempt) for the episode's images. */
    public ImageFileWriter(Path target, String dataset, long episode) {
        this.target = target;
        this.hidden = io.procvlm.core.io.ParquetConcat.writingName(target);
        this.dataset = Binary.fromString(dataset);
        this.pathPrefix = FeatureImages.pathPrefix(dataset, episode);
        this.episode = episode;
        try {
            this.fileSystem = target.getFileSystem(HadoopConf.get());
            this.writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(hidden, HadoopConf.get()))
                    .withType(FeatureImages.SCHEMA)
                    .withCompressionCodec(CompressionCodecName.ZSTD)
                    .withRowGroupSize(ROW_GROUP_BYTES)
                    .withPageSize(1 << 20)
                    .withDictionaryEncoding(true)
                    // every JPEG differs: hashing each for a dictionary that overflows at once is wasted work
                    .withDictionaryEncoding("image.bytes", false)
                    .withValidation(false)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build();
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot write frame images to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Appends one frame's image; frames must come in increasing order. */
    public void add(long frameIndex, FrameImages.Jpeg jpeg) {
        Group row = rows.newGroup()
                .append("dataset", dataset)
                .append("episode_index", episode)
                .append("frame_index", frameIndex)
                .append("variant", variant)
                .append("width", jpeg.width())
                .append("height", jpeg.height());
        row.addGroup("image")
                .append("bytes", Binary.fromConstantByteArray(jpeg.bytes()))
                .append("path", pathPrefix + FeatureImages.fileName(frameIndex));
        try {
            writer.write(row);
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot write frame images to " + target + ": " + e.getMessage(), e);
        }
        count++;
        bytes += jpeg.bytes().length;
    }

    public long count() {
        return count;
    }

    /** JPEG bytes written. */
    public long bytes() {
        return bytes;
    }

    /** Finishes the file and moves it to its name. */
    public void commit() {
        try {
            closed = true;
            writer.close();
            ParquetFooters.canonicalize(fileSystem, hidden);
            fileSystem.delete(target, false);
            if (!fileSystem.rename(hidden, target)) {
                throw new IOException("rename " + hidden + " to " + target + " failed");
            }
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot write frame images to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Drops an uncommitted file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            // deleted below
        }
        try {
            fileSystem.delete(hidden, false);
        } catch (IOException e) {
            // a leftover hidden file is ignored by readers (its name starts with "_")
        }
    }
}
