package io.procvlm.core.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Assigns whole episodes, in order, to output files of about a target row count. */
public final class FileBuckets {
    private FileBuckets() {}

    /** A key's file, and how many files there are. */
    public record Assignment(Map<String, Integer> bucketOf, int files) {}

    /**
     * @param keys episode keys in output order
     * @param rows rows of each key, same order
     */
    public static Assignment assign(List<String> keys, List<Long> rows, long rowsPerFile) {
        Map<String, Integer> buckets = new HashMap<>();
        int bucket = 0;
        long rowsInBucket = 0;
        for (int i = 0; i < keys.size(); i++) {
            long count = rows.get(i);
            if (rowsInBucket > 0 && rowsInBucket + count > rowsPerFile) {
                bucket++;
                rowsInBucket = 0;
            }
            buckets.put(keys.get(i), bucket);
            rowsInBucket += count;
        }
        return new Assignment(buckets, bucket + 1);
    }
}
