package io.procvlm.annotators.eval;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.EpisodeRef;

/**
 * Which episode a gold source is asked about.
 *
 * @param dataset the dataset id
 * @param episode the episode index
 * @param datasetRoot the dataset's root location (for labels stored beside the data), or {@code null}
 * @param ref the episode's reference (for labels inside the data files), or {@code null}
 */
public record GoldQuery(String dataset, long episode, String datasetRoot, EpisodeRef ref) {
    public GoldQuery {
        requireNonNull(dataset, "dataset is null");
    }
}
