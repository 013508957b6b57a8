package io.procvlm.core.manifest;

import static java.util.Objects.requireNonNull;

/**
 * A table a stage committed.
 *
 * @param name the table name, e.g. {@code frames}
 * @param location where it lies
 * @param files number of data files
 * @param rows number of rows
 * @param bytes total size of the data files
 */
public record TableInfo(String name, String location, int files, long rows, long bytes) {
    public TableInfo {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
    }
}
