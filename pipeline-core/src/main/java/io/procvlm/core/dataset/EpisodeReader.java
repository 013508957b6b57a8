package io.procvlm.core.dataset;

import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.util.Optional;

/**
 * Reads one episode's contents inside a Spark task, from its {@link EpisodeRef} alone. Implementations are stateless
 * and thread safe.
 */
public interface EpisodeReader {
    /**
     * The episode's per-frame rows.
     *
     * @throws io.procvlm.core.error.PipelineException with a user error code when the rows cannot be read
     */
    FrameTable readFrames(DatasetFiles files, EpisodeRef ref);

    /**
     * The task texts of the task indices in {@link FrameTable#taskIndex}, asked for only when an episode's task changes
     * inside it. The default knows none.
     */
    default java.util.Map<Long, String> taskTexts(DatasetFiles files, EpisodeRef ref) {
        return java.util.Map.of();
    }

    /**
     * The properties of the episode's exo-camera video (codec, size, frame count) as the index stage checks them. The
     * default opens the frames ({@link #openFrames(DatasetFiles, EpisodeRef, int)}) and returns their {@code info()};
     * readers of video files override it to read only the container headers, without seeking to the episode.
     *
     * @throws io.procvlm.core.error.PipelineException with a user error code when the video cannot be opened
     */
    default io.procvlm.core.video.VideoInfo probeVideo(DatasetFiles files, EpisodeRef ref) {
        try (FrameSource source = openFrames(files, ref, 1)) {
            return source.info();
        }
    }

    /**
     * Opens the episode's exo-camera frames as a stream of luma images. The caller closes it.
     *
     * @throws io.procvlm.core.error.PipelineException with a user error code when the frames cannot be opened
     */
    default FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads) {
        return openFrames(files, ref, decoderThreads, PixelMode.GRAY);
    }

    /**
     * Opens the episode's exo-camera frames as a stream in the given pixel mode. The caller closes it.
     *
     * @throws io.procvlm.core.error.PipelineException with a user error code when the frames cannot be opened
     */
    FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode);

    /**
     * As {@link #openFrames(DatasetFiles, EpisodeRef, int, PixelMode)}, with AV1 videos decoded as {@code av1Decoder}
     * asks ({@code video.av1-decoder}); readers without video ignore it.
     */
    default FrameSource openFrames(
            DatasetFiles files,
            EpisodeRef ref,
            int decoderThreads,
            PixelMode mode,
            io.procvlm.core.video.Av1Decoder av1Decoder) {
        return openFrames(files, ref, decoderThreads, mode);
    }

    /**
     * The subtask labels the dataset ships for this episode, or empty when it ships none.
     *
     * @param source {@code auto} (the format's first source present) or a source name the format knows; a source the
     *     format does not know gives empty
     * @throws io.procvlm.core.error.PipelineException with a user error code when labels exist but cannot be read
     */
    default Optional<NativeSubtasks> nativeSubtasks(DatasetFiles files, EpisodeRef ref, String source) {
        return Optional.empty();
    }
}
