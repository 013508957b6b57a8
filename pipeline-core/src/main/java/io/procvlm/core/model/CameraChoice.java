package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The camera chosen as the third-person ("exo") view of a dataset, and why.
 *
 * @param key the feature key, e.g. {@code observation.images.cam_high}
 * @param storage video file or images inside parquet
 * @param rule which rule picked it: {@code config}, {@code dataset-map}, {@code pattern:<word>} or {@code first}
 * @param candidates every camera key of the dataset, in metadata order
 */
public record CameraChoice(String key, CameraStorage storage, String rule, List<String> candidates)
        implements Serializable {
    public CameraChoice {
        requireNonNull(key, "key is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(rule, "rule is null");
        candidates = List.copyOf(requireNonNull(candidates, "candidates is null"));
    }
}
