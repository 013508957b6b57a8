package io.procvlm.annotators;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.model.EpisodeRef;
import java.io.Serializable;

/**
 * What an annotator gets for one task segment.
 *
 * @param ref the episode (an annotator may read the dataset's own files through it, e.g. native labels)
 * @param frames the episode's rows of the {@code frames/} table
 * @param segmentIndex the task segment within the episode
 * @param segmentStart first frame index of the segment
 * @param segmentEnd frame index after its last frame
 * @param task the segment's task text
 */
public record AnnotationInput(
        EpisodeRef ref, EpisodeFrames frames, int segmentIndex, long segmentStart, long segmentEnd, String task)
        implements Serializable {
    public AnnotationInput {
        requireNonNull(ref, "ref is null");
        requireNonNull(frames, "frames is null");
        requireNonNull(task, "task is null");
    }

    /** The first row of {@link #frames} inside the segment (the row count when none is). */
    public int firstRow() {
        long[] index = frames.frameIndex();
        int row = 0;
        while (row < index.length && index[row] < segmentStart) {
            row++;
        }
        return row;
    }

    /** The row after the segment's last row of {@link #frames}. */
    public int endRow() {
        long[] index = frames.frameIndex();
        int row = firstRow();
        while (row < index.length && index[row] < segmentEnd) {
            row++;
        }
        return row;
    }

    /**
     * The episode's task segments: the whole episode ({@link #wholeEpisode}) when its task does not change inside it,
     * else one input per {@link io.procvlm.core.model.TaskSegment} with only that segment's frames and task text.
     */
    public static java.util.List<AnnotationInput> segments(EpisodeRef ref, EpisodeFrames frames) {
        if (!ref.hasTaskSegments()) {
            return java.util.List.of(wholeEpisode(ref, frames));
        }
        java.util.List<AnnotationInput> inputs = new java.util.ArrayList<>();
        for (io.procvlm.core.model.TaskSegment segment : ref.taskSegments()) {
            inputs.add(new AnnotationInput(
                    ref,
                    frames.slice(segment.startFrame(), segment.endFrame()),
                    segment.segmentIndex(),
                    segment.startFrame(),
                    segment.endFrame(),
                    segment.task()));
        }
        return java.util.List.copyOf(inputs);
    }

    /** The whole episode as one task segment. */
    public static AnnotationInput wholeEpisode(EpisodeRef ref, EpisodeFrames frames) {
        long end = frames.size() == 0 ? 0 : frames.frameIndex()[frames.size() - 1] + 1;
        long start = frames.size() == 0 ? 0 : frames.frameIndex()[0];
        return new AnnotationInput(ref, frames, 0, start, end, ref.task());
    }
}
