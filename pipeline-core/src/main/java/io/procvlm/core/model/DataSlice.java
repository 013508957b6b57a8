package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Where an episode's per-frame rows lie.
 *
 * @param path the parquet file, relative to the dataset root
 * @param fromIndex first global {@code index} of the episode (inclusive), or -1 when the file holds one episode
 * @param toIndex last global {@code index} of the episode (exclusive), or -1 when the file holds one episode
 */
public record DataSlice(String path, long fromIndex, long toIndex) implements Serializable {
    public DataSlice {
        requireNonNull(path, "path is null");
        if (fromIndex > toIndex) {
            throw new IllegalArgumentException("fromIndex " + fromIndex + " is after toIndex " + toIndex);
        }
    }

    public static DataSlice wholeFile(String path) {
        return new DataSlice(path, -1, -1);
    }

    public boolean isWholeFile() {
        return fromIndex < 0;
    }
}
