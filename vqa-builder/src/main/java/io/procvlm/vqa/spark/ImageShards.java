package io.procvlm.vqa.spark;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.ParquetConcat;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Makes ProcVQA's image shards without decoding or encoding an image: each shard is the files of its episodes in the
 * features stage's images table (their {@code full} rows, every frame of the episode), then the rows this stage made
 * itself for the shard (down-sized variants, and the full rows of episodes it had to decode), concatenated row group by
 * row group ({@link ParquetConcat}). The features table's files have the image tables' schema column for column
 * ({@link FeatureImages#SCHEMA}), so a shard reads as one table. One Spark task per shard.
 */
final class ImageShards {
    private ImageShards() {}

    /**
     * One shard: its folder, the features image files of its episodes in (dataset, episode) order, and the file of rows
     * this stage wrote for it (or null).
     */
    record Shard(int bucket, String folder, List<String> storedFiles, String ownRows) implements Serializable {}

    /**
     * Writes every shard into {@code staging/<folder>/part-NNNNN.parquet}, numbered from 0 within each folder in bucket
     * order (a shard with no rows gets no file), and adds the bytes written to {@code bytesPerFolder}.
     */
    static void write(JavaSparkContext context, Path staging, List<Shard> shards, Map<String, Long> bytesPerFolder) {
        if (shards.isEmpty()) {
            return;
        }
        String scratch = new Path(staging, "_image_shards").toString();
        List<long[]> written = context.parallelize(shards, shards.size())
                .map(shard -> {
                    List<Path> sources = new ArrayList<>();
                    shard.storedFiles().forEach(file -> sources.add(new Path(file)));
                    if (shard.ownRows() != null) {
                        sources.add(new Path(shard.ownRows()));
                    }
                    if (sources.isEmpty()) {
                        return new long[] {shard.bucket(), -1};
                    }
                    Path target = new Path(scratch, String.format(Locale.ROOT, "shard-%05d.parquet", shard.bucket()));
                    try {
                        return new long[] {shard.bucket(), ParquetConcat.concat(sources, target, FeatureImages.SCHEMA)};
                    } catch (IOException e) {
                        throw new PipelineException(
                                CoreErrorCode.STORAGE_IO,
                                "Cannot write the image shard " + target + ": " + e.getMessage(),
                                e);
                    }
                })
                .collect();
        Map<Integer, Long> bytesOf = new TreeMap<>();
        written.forEach(w -> bytesOf.put((int) w[0], w[1]));
        Map<Integer, String> folderOf = new TreeMap<>();
        shards.forEach(shard -> folderOf.put(shard.bucket(), shard.folder()));
        try {
            FileSystem fileSystem = staging.getFileSystem(HadoopConf.get());
            Map<String, Integer> next = new TreeMap<>();
            for (Map.Entry<Integer, String> entry : folderOf.entrySet()) {
                long bytes = bytesOf.get(entry.getKey());
                if (bytes < 0) {
                    continue;
                }
                String folder = entry.getValue();
                int number = next.merge(folder, 1, Integer::sum) - 1;
                Path source = new Path(scratch, String.format(Locale.ROOT, "shard-%05d.parquet", entry.getKey()));
                Path target =
                        new Path(new Path(staging, folder), String.format(Locale.ROOT, "part-%05d.parquet", number));
                fileSystem.mkdirs(target.getParent());
                if (!fileSystem.rename(source, target)) {
                    throw new IOException("rename " + source + " to " + target + " failed");
                }
                bytesPerFolder.merge(folder, bytes, Long::sum);
            }
            fileSystem.delete(new Path(scratch), true);
        } catch (IOException e) {
            throw new PipelineException(CoreErrorCode.STORAGE_IO, "Cannot move the image shards: " + e.getMessage(), e);
        }
    }
}
