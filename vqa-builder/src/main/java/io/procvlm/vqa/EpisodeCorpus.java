package io.procvlm.vqa;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The ProcCorpus rows of one task segment of one episode, in frame order.
 *
 * @param dataset the dataset id
 * @param episodeIndex the episode
 * @param segmentIndex the task segment (0 when the episode holds one task)
 * @param task the task text
 * @param frames the rows, in frame order
 */
public record EpisodeCorpus(String dataset, long episodeIndex, int segmentIndex, String task, List<CorpusFrame> frames)
        implements Serializable {
    public EpisodeCorpus {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(task, "task is null");
        frames = List.copyOf(requireNonNull(frames, "frames is null"));
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).frameIndex() <= frames.get(i - 1).frameIndex()) {
                throw new IllegalArgumentException("Frames of " + dataset + "/" + episodeIndex + " are not in order");
            }
        }
    }

    /** {@code dataset/episode}, plus {@code /s<segment>} for segments after the first. */
    public String key() {
        return dataset + "/" + episodeIndex + (segmentIndex == 0 ? "" : "/s" + segmentIndex);
    }
}
