package io.procvlm.core.images;

import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.video.EpisodeImages;
import io.procvlm.core.video.FrameImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The {@code images/} table the features stage writes: each frame's JPEG, encoded once from the features decode, keyed
 * by (dataset, episode_index, frame_index), one Parquet file per episode ({@code part-NNNNN.parquet} in (dataset,
 * episode) order) and an index {@code _index.tsv} (the settings the JPEGs were made with, then each episode's file).
 * Spark skips files starting with {@code _}, so the folder reads as a plain table.
 */
public final class FeatureImages {
    public static final String NAME = "images";
    public static final String INDEX = "_index.tsv";
    private static final String SETTINGS_LINE = "# settings\t";
    private static final String HEADER = "episode\tfile";

    /** The {@code variant} of every row: the image at {@code vqa.image.max-side}, as ProcVQA's image tables name it. */
    public static final String VARIANT = "full";

    /**
     * The Parquet schema; Spark reads {@code image} as the Hugging Face Image struct {bytes, path}. It is the schema
     * Spark writes for ProcVQA's image tables, column for column, so that {@code vqa} makes their shards by copying
     * these files' row groups ({@link io.procvlm.core.io.ParquetConcat}).
     */
    public static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("dataset")
            .required(PrimitiveTypeName.INT64)
            .named("episode_index")
            .required(PrimitiveTypeName.INT64)
            .named("frame_index")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("variant")
            .required(PrimitiveTypeName.INT32)
            .named("width")
            .required(PrimitiveTypeName.INT32)
            .named("height")
            .requiredGroup()
            .optional(PrimitiveTypeName.BINARY)
            .named("bytes")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("path")
            .named("image")
            .named("spark_schema");

    private FeatureImages() {}

    /** {@code <dataset>/<episode, 6 digits>/}: the start of every image's {@code path}, as ProcVQA names them. */
    public static String pathPrefix(String dataset, long episode) {
        return String.format(Locale.ROOT, "%s/%06d/", dataset, episode);
    }

    /** {@code <frame, 6 digits>.jpg}. */
    public static String fileName(long frame) {
        return String.format(Locale.ROOT, "%06d.jpg", frame);
    }

    /** Where a features batch keeps an episode's image file until the table is assembled. */
    public static Path batchFile(String batchRoot, String dataset, long episode) {
        return new Path(new Path(batchRoot, NAME), String.format(Locale.ROOT, "%s--%d.parquet", dataset, episode));
    }

    /** A committed images table: the settings its JPEGs were made with and each episode's file. */
    public record Index(Path folder, String settings, Map<String, String> fileOf) {
        /** The episode's file, or empty when the table has no images of it. */
        public Optional<Path> file(String key) {
            String name = fileOf.get(key);
            return name == null ? Optional.empty() : Optional.of(new Path(folder, name));
        }
    }

    /**
     * The index text for {@code files} (episode key to file name, in table order); with {@code sources} (episode key to
     * the features batch its file was copied from) a third column, for the record outside the table of what it was
     * assembled from (batch names hold the run id, so they are kept out of the table's own bytes).
     */
    public static String indexText(ImageSettings settings, Map<String, String> files, Map<String, String> sources) {
        StringBuilder text =
                new StringBuilder(SETTINGS_LINE).append(settings.describe()).append('\n');
        text.append(sources == null ? HEADER : HEADER + "\tsource").append('\n');
        files.forEach((key, file) -> {
            text.append(key).append('\t').append(file);
            if (sources != null) {
                text.append('\t').append(sources.get(key));
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** Reads the index of the table under {@code folder}, or empty when there is none. */
    public static Optional<Index> readIndex(Path folder) {
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            Path index = new Path(folder, INDEX);
            if (!fileSystem.exists(index)) {
                return Optional.empty();
            }
            Map<String, String> files = new LinkedHashMap<>();
            String settings = null;
            try (FSDataInputStream in = fileSystem.open(index);
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith(SETTINGS_LINE)) {
                        settings = line.substring(SETTINGS_LINE.length());
                    } else if (!line.isEmpty() && !line.startsWith(HEADER)) {
                        String[] parts = line.split("\t", 3);
                        files.put(parts[0], parts[1]);
                    }
                }
            }
            return settings == null ? Optional.empty() : Optional.of(new Index(folder, settings, files));
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot read " + folder + "/" + INDEX + ": " + e.getMessage(), e);
        }
    }

    /**
     * Streams the stored images of chosen frames of one episode, in frame order, reading its file once; memory is one
     * row group of the file.
     *
     * @param frames the frame indices needed, increasing
     */
    public static Stored read(Path file, String key, long episode, long[] frames) {
        return new Stored(file, key, episode, frames);
    }

    /**
     * Checks that an episode's file holds an image of each of {@code frames} (reading its frame numbers and sizes, not
     * its JPEGs) and returns the stored size, {width, height}.
     *
     * @param frames the frame indices needed, increasing
     * @throws PipelineException {@code FRAME_COUNT_MISMATCH} when a frame has no image, {@code STORAGE_IO} when the
     *     file cannot be read
     */
    public static int[] check(Path file, String key, long episode, long[] frames) {
        int[] size = null;
        int next = 0;
        try (ParquetRecords records = ParquetRecords.open(
                file, SCHEMA, List.of("frame_index", "width", "height"), "episode_index", episode)) {
            for (Group row; next < frames.length && (row = records.next()) != null; ) {
                long frame = row.getLong("frame_index", 0);
                if (size == null) {
                    size = new int[] {row.getInteger("width", 0), row.getInteger("height", 0)};
                }
                if (frame > frames[next]) {
                    break;
                }
                if (frame == frames[next]) {
                    next++;
                }
            }
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot read the stored images of " + key + ": " + e.getMessage(), e);
        }
        if (next < frames.length) {
            throw new PipelineException(
                    FRAME_COUNT_MISMATCH,
                    "The features images table has no image of " + key + " frame_index " + frames[next]
                            + ": run the features stage again");
        }
        if (size == null) {
            throw new PipelineException(FRAME_COUNT_MISMATCH, "The features images table has no image of " + key);
        }
        return size;
    }

    /** Stored images of an episode, as {@link EpisodeImages} gives decoded ones. */
    public static final class Stored implements io.procvlm.core.video.ImageStream {
        private final String key;
        private final long[] frames;
        private final ParquetRecords records;
        private int next;
        private EpisodeImages.Image pending;

        private Stored(Path file, String key, long episode, long[] frames) {
            this.key = key;
            this.frames = frames;
            try {
                this.records = ParquetRecords.open(
                        file, SCHEMA, List.of("frame_index", "width", "height", "image"), "episode_index", episode);
            } catch (IOException e) {
                throw new PipelineException(
                        STORAGE_IO, "Cannot read the stored images of " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            if (pending == null && next < frames.length) {
                pending = advance();
            }
            return pending != null;
        }

        @Override
        public EpisodeImages.Image next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            EpisodeImages.Image image = pending;
            pending = null;
            return image;
        }

        private EpisodeImages.Image advance() {
            try {
                for (Group row; (row = records.next()) != null; ) {
                    long frame = row.getLong("frame_index", 0);
                    if (frame > frames[next]) {
                        break;
                    }
                    if (frame == frames[next]) {
                        Group image = row.getGroup("image", 0);
                        byte[] bytes = image.getBinary("bytes", 0).getBytes();
                        next++;
                        return new EpisodeImages.Image(
                                frame,
                                new FrameImages.Jpeg(row.getInteger("width", 0), row.getInteger("height", 0), bytes));
                    }
                }
            } catch (IOException e) {
                throw new PipelineException(
                        STORAGE_IO, "Cannot read the stored images of " + key + ": " + e.getMessage(), e);
            }
            throw new PipelineException(
                    FRAME_COUNT_MISMATCH,
                    "The features images table has no image of " + key + " frame_index " + frames[next]
                            + ": run the features stage again");
        }

        @Override
        public void close() {
            try {
                records.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }
}
