package io.procvlm.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One entry of the {@code datasets} list.
 *
 * @param path the dataset's root folder (local path or Hadoop URI)
 * @param format {@code auto} or a format id such as {@code lerobot-v3.0}
 * @param id the dataset id to use in outputs, or {@code null} for the folder name
 * @param camera the camera key to use as the exo view, or {@code null} for the camera rules
 */
public record DatasetSpec(String path, String format, String id, String camera) {
    public DatasetSpec {
        requireNonNull(path, "path is null");
        requireNonNull(format, "format is null");
    }

    public static DatasetSpec ofPath(String path) {
        return new DatasetSpec(path, "auto", null, null);
    }

    public Optional<String> explicitId() {
        return Optional.ofNullable(id);
    }

    public Optional<String> explicitCamera() {
        return Optional.ofNullable(camera);
    }
}
