package io.procvlm.core.spark;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.images.ImageSettings;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.manifest.TableInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * Commits the features stage's {@code images/} table ({@link FeatureImages}) from the per-episode files its batches
 * wrote: the files are copied (never re-encoded) in (dataset, episode) order to {@code part-NNNNN.parquet}, the index
 * is written, and the folder is published atomically like every table. Same batches and settings, same bytes; when the
 * committed table already holds exactly those batches' files with the same settings nothing is rewritten.
 */
public final class FeatureImagesTable {
    /** The record of which batch each committed episode file was copied from (outside the table, like the ledger). */
    static final String SOURCES = "_units/features.images-sources.tsv";

    private FeatureImagesTable() {}

    /** An ok episode of the features stage and the batch folder its image file lies in. */
    public record Episode(String dataset, long episode, long frames, String batchRoot) {
        String key() {
            return dataset + "/" + episode;
        }
    }

    public static TableInfo commit(String outputRoot, List<Episode> episodes, ImageSettings settings) {
        Path rootPath = new Path(Locations.absolute(outputRoot));
        Path target = new Path(rootPath, FeatureImages.NAME);
        List<Episode> sorted = new ArrayList<>(episodes);
        sorted.sort(Comparator.comparing(Episode::dataset).thenComparingLong(Episode::episode));
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        long rows = 0;
        for (Episode episode : sorted) {
            files.put(episode.key(), String.format(Locale.ROOT, "part-%05d.parquet", files.size()));
            sources.put(episode.key(), new Path(episode.batchRoot()).getName());
            rows += episode.frames();
        }
        try {
            FileSystem fileSystem = rootPath.getFileSystem(HadoopConf.get());
            // What the table is assembled from, kept outside it (batch names hold run ids; the table's bytes must not).
            Path record = new Path(rootPath, SOURCES);
            String assembled = FeatureImages.indexText(settings, files, sources);
            Optional<FeatureImages.Index> committed = FeatureImages.readIndex(target);
            if (committed.isPresent()
                    && committed.get().settings().equals(settings.describe())
                    && committed.get().fileOf().equals(files)
                    && fileSystem.exists(record)
                    && assembled.equals(read(fileSystem, record))) {
                return new TableInfo(
                        FeatureImages.NAME, target.toString(), files.size(), rows, bytes(fileSystem, target));
            }
            fileSystem.delete(record, false);
            Path staging = TableCommitter.stagingFolder(rootPath, FeatureImages.NAME);
            fileSystem.mkdirs(staging);
            long bytes = 0;
            for (Episode episode : sorted) {
                Path source = FeatureImages.batchFile(episode.batchRoot(), episode.dataset(), episode.episode());
                Path copy = new Path(staging, files.get(episode.key()));
                if (!FileUtil.copy(fileSystem, source, fileSystem, copy, false, true, HadoopConf.get())) {
                    throw new IOException("copy " + source + " to " + copy + " failed");
                }
                bytes += fileSystem.getFileStatus(copy).getLen();
            }
            try (FSDataOutputStream out = fileSystem.create(new Path(staging, FeatureImages.INDEX), true)) {
                out.write(FeatureImages.indexText(settings, files, null).getBytes(StandardCharsets.UTF_8));
            }
            for (org.apache.hadoop.fs.FileStatus status : fileSystem.listStatus(staging)) {
                if (status.getPath().getName().startsWith(".")) {
                    fileSystem.delete(status.getPath(), false); // checksum files of the local file system
                }
            }
            Path published = TableCommitter.publish(staging, rootPath, FeatureImages.NAME);
            try (FSDataOutputStream out = fileSystem.create(record, true)) {
                out.write(assembled.getBytes(StandardCharsets.UTF_8));
            }
            return new TableInfo(FeatureImages.NAME, published.toString(), files.size(), rows, bytes);
        } catch (IOException e) {
            throw new PipelineException(
                    STORAGE_IO, "Cannot commit the images table under " + rootPath + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a committed {@code images/} table ({@code features.images} off: no stale images are left to read). */
    public static void remove(String outputRoot) {
        Path target = new Path(Locations.absolute(outputRoot), FeatureImages.NAME);
        try {
            FileSystem fileSystem = target.getFileSystem(HadoopConf.get());
            fileSystem.delete(new Path(Locations.absolute(outputRoot), SOURCES), false);
            fileSystem.delete(target, true);
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot delete " + target + ": " + e.getMessage(), e);
        }
    }

    private static String read(FileSystem fileSystem, Path file) throws IOException {
        try (org.apache.hadoop.fs.FSDataInputStream in = fileSystem.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long bytes(FileSystem fileSystem, Path folder) throws IOException {
        long bytes = 0;
        for (org.apache.hadoop.fs.FileStatus status : fileSystem.listStatus(folder)) {
            if (status.getPath().getName().startsWith("part-")) {
                bytes += status.getLen();
            }
        }
        return bytes;
    }
}
