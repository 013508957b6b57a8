package io.procvlm.core.episode;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.video.VideoInfo;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the index stage found about one episode: a row of the {@code episodes/} table.
 *
 * @param ref the episode reference
 * @param rows parquet rows of the episode, or -1 when they could not be read
 * @param durationSeconds last minus first row timestamp plus one frame period, or -1
 * @param stateDimension length of the state vector, or -1 when the dataset has none
 * @param actionDimension length of the action vector, or -1
 * @param video the probed video stream, or {@code null} (images in parquet, or the video could not be opened)
 * @param problems every problem found, errors first
 * @param fingerprint a content fingerprint of the episode's inputs (data rows and video), independent of location
 */
public record EpisodeInspection(
        EpisodeRef ref,
        long rows,
        double durationSeconds,
        int stateDimension,
        int actionDimension,
        VideoInfo video,
        List<Problem> problems,
        String fingerprint)
        implements Serializable {
    public EpisodeInspection {
        requireNonNull(ref, "ref is null");
        requireNonNull(fingerprint, "fingerprint is null");
        List<Problem> sorted = new ArrayList<>(requireNonNull(problems, "problems is null"));
        sorted.sort((a, b) -> Boolean.compare(!a.isError(), !b.isError()));
        problems = List.copyOf(sorted);
    }

    public EpisodeStatus status() {
        return reason().isPresent() ? EpisodeStatus.QUARANTINED : EpisodeStatus.OK;
    }

    /** The first error: why the episode is quarantined. */
    public Optional<Problem> reason() {
        return problems.stream().filter(Problem::isError).findFirst();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(problem -> !problem.isError()).toList();
    }
}
