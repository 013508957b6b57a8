package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.regex.Pattern;

/** The name of one source dataset inside a run, e.g. {@code lerobot-v21-g1-pick-bottle}. */
public record DatasetId(String value) implements Serializable, Comparable<DatasetId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public DatasetId {
        requireNonNull(value, "value is null");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid dataset id '" + value
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** Makes a valid id from a folder name by replacing anything outside the allowed characters with '-'. */
    public static DatasetId fromFolderName(String folderName) {
        String cleaned = folderName.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (cleaned.isEmpty()) {
            cleaned = "dataset";
        }
        return new DatasetId(cleaned.length() > 128 ? cleaned.substring(0, 128) : cleaned);
    }

    @Override
    public int compareTo(DatasetId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
