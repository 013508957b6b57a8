package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Where an episode's per-frame rows lie.
 *
 * @param path the data file, relative to the dataset root (a parquet file for LeRobot); formats that hold several
 *     episodes in one container file name the episode inside it after a {@code #}, e.g. {@code
 *     libero_10.hdf5#data/demo_3} (see {@link #file()} and {@link #member()})
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

    /** The file part of {@link #path()}: everything before the first {@code #}. */
    public String file() {
        int hash = path.indexOf('#');
        return hash < 0 ? path : path.substring(0, hash);
    }

    /** The member part of {@link #path()} (after the first {@code #}), or an empty string. */
    public String member() {
        int hash = path.indexOf('#');
        return hash < 0 ? "" : path.substring(hash + 1);
    }

    /** A slice naming {@code member} inside {@code file}. */
    public static DataSlice member(String file, String member) {
        return wholeFile(file + "#" + member);
    }

    public boolean isWholeFile() {
        return fromIndex < 0;
    }
}
