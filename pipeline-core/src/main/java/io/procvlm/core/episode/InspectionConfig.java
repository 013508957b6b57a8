package io.procvlm.core.episode;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.video.Av1Decoder;
import java.io.Serializable;

/**
 * Settings of the per-episode checks and of frame alignment.
 *
 * @param decoderThreads FFmpeg decoder threads per task (0 lets FFmpeg choose)
 * @param timestampToleranceFrames how far, in frame periods, a decoded frame may lie from its row's timestamp
 * @param maxUnmatchedRows rows allowed without a frame before the episode is quarantined
 * @param maxTimestampDriftFrames how far, in frame periods, a row's timestamp may drift from frame_index / fps
 * @param minFrames episodes with fewer rows are quarantined
 * @param av1Decoder which decoder reads AV1 videos ({@code video.av1-decoder})
 */
public record InspectionConfig(
        int decoderThreads,
        double timestampToleranceFrames,
        int maxUnmatchedRows,
        double maxTimestampDriftFrames,
        int minFrames,
        Av1Decoder av1Decoder)
        implements Serializable {
    /** With the default AV1 decoder ({@code auto}: libdav1d where present, else libaom). */
    public InspectionConfig(
            int decoderThreads,
            double timestampToleranceFrames,
            int maxUnmatchedRows,
            double maxTimestampDriftFrames,
            int minFrames) {
        this(
                decoderThreads,
                timestampToleranceFrames,
                maxUnmatchedRows,
                maxTimestampDriftFrames,
                minFrames,
                Av1Decoder.AUTO);
    }

    public static InspectionConfig from(Config config) {
        return new InspectionConfig(
                config.integer(CoreConfig.VIDEO_DECODER_THREADS),
                config.doubleValue(CoreConfig.VIDEO_TIMESTAMP_TOLERANCE),
                config.integer(CoreConfig.VIDEO_MAX_UNMATCHED_ROWS),
                config.doubleValue(CoreConfig.INDEX_MAX_TIMESTAMP_DRIFT),
                config.integer(CoreConfig.INDEX_MIN_FRAMES),
                Av1Decoder.parse(config.string(CoreConfig.VIDEO_AV1_DECODER)));
    }

    /** The defaults of {@link CoreConfig}. */
    public static InspectionConfig defaults() {
        return new InspectionConfig(1, 0.25, 0, 0.5, 2, Av1Decoder.AUTO);
    }
}
