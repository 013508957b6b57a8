package io.procvlm.vqa.spark;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.io.ParquetConcat;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
     * Writes each shard that has rows as {@code scratch/part-<bucket>.parquet}, one Spark task per shard, and returns the
     * buckets written (a shard with no rows gets no file). The caller moves them into their folders as it does every
     * ProcVQA shard.
     */
    static java.util.Set<Integer> write(JavaSparkContext context, Path scratch, List<Shard> shards) {
        java.util.Set<Integer> written = new java.util.TreeSet<>();
        if (shards.isEmpty()) {
            return written;
        }
        String folder = scratch.toString();
        context.parallelize(shards, shards.size())
                .map(shard -> {
                    List<Path> sources = new ArrayList<>();
                    shard.storedFiles().forEach(file -> sources.add(new Path(file)));
                    if (shard.ownRows() != null) {
                        sources.add(new Path(shard.ownRows()));
                    }
                    if (sources.isEmpty()) {
                        return -1;
                    }
                    Path target = new Path(folder, String.format(Locale.ROOT, "part-%05d.parquet", shard.bucket()));
                    try {
                        ParquetConcat.concat(sources, target, FeatureImages.SCHEMA);
                    } catch (IOException e) {
                        throw new PipelineException(
                                CoreErrorCode.STORAGE_IO,
                                "Cannot write the image shard " + target + ": " + e.getMessage(),
                                e);
                    }
                    return shard.bucket();
                })
                .collect()
                .forEach(bucket -> {
                    if (bucket >= 0) {
                        written.add(bucket);
                    }
                });
        return written;
    }
}
