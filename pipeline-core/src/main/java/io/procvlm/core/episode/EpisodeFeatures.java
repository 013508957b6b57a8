package io.procvlm.core.episode;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The features stage's result for one episode: per-frame values column by column (one entry per parquet row that got
 * a decoded frame), plus the outcome. A quarantined episode has no frames.
 */
public final class EpisodeFeatures implements Serializable {
    private final EpisodeRef ref;
    private final List<Problem> problems;
    private final FeatureRows frames;
    private final Stats stats;

    /**
     * Counters of one episode's decode.
     *
     * @param decodedFrames frames the decoder returned inside the episode's time range
     * @param matchedFrames frames matched to a parquet row
     * @param unmatchedRows parquet rows with no frame within tolerance
     * @param extraFrames decoded frames with no parquet row
     * @param maxTimestampError largest |frame time − row time| among matched pairs, seconds
     * @param codec the decoded codec
     * @param width frame width
     * @param height frame height
     * @param decodeNanos time spent decoding and computing features
     */
    public record Stats(
            long decodedFrames,
            long matchedFrames,
            long unmatchedRows,
            long extraFrames,
            double maxTimestampError,
            String codec,
            int width,
            int height,
            long decodeNanos,
            long images,
            long imageBytes,
            long imageNanos)
            implements Serializable {}

    public EpisodeFeatures(EpisodeRef ref, List<Problem> problems, FeatureRows frames, Stats stats) {
        this.ref = requireNonNull(ref, "ref is null");
        this.problems = List.copyOf(requireNonNull(problems, "problems is null"));
        this.frames = requireNonNull(frames, "frames is null");
        this.stats = requireNonNull(stats, "stats is null");
    }

    public EpisodeRef ref() {
        return ref;
    }

    public List<Problem> problems() {
        return problems;
    }

    public FeatureRows frames() {
        return frames;
    }

    public Stats stats() {
        return stats;
    }

    public Optional<Problem> reason() {
        return problems.stream().filter(Problem::isError).findFirst();
    }

    public EpisodeStatus status() {
        return reason().isPresent() ? EpisodeStatus.QUARANTINED : EpisodeStatus.OK;
    }
}
