package io.procvlm.core.manifest;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import java.io.Serializable;
import java.util.List;

/**
 * How one episode fared in one stage: what manifests and summaries record.
 *
 * @param dataset the dataset id
 * @param episodeIndex the episode index
 * @param stage the stage name
 * @param status ok or quarantined
 * @param reason why it was quarantined, or {@code null}
 * @param warnings problems that did not stop it
 * @param frames frames written for it by the stage (0 when the stage writes no frames)
 */
public record EpisodeOutcome(
        String dataset,
        long episodeIndex,
        String stage,
        EpisodeStatus status,
        Problem reason,
        List<Problem> warnings,
        long frames)
        implements Serializable {
    public EpisodeOutcome {
        // A run holds one outcome per episode and stage on the driver, most of them deserialized from tasks (Java
        // serialization builds records through this constructor): one shared instance of each dataset id and stage
        // name instead of one copy per outcome.
        dataset = requireNonNull(dataset, "dataset is null").intern();
        stage = requireNonNull(stage, "stage is null").intern();
        requireNonNull(status, "status is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        if ((status == EpisodeStatus.QUARANTINED) != (reason != null)) {
            throw new IllegalArgumentException("A quarantined outcome needs a reason, an ok one none");
        }
    }

    public String key() {
        return dataset + "/" + episodeIndex;
    }
}
